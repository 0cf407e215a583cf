#!/usr/bin/env node
// The `parley-server` command in a clone of the repository. It runs the
// bundle `pnpm build` makes (dist/main.js: quicker to start, and some 40 MB
// lighter than compiling TypeScript as it loads), and falls back to the
// TypeScript sources through tsx (a dev dependency) when there is no bundle,
// or when a source file is newer than it, so a checkout works with no build
// step and never runs stale code. The packed package's command is
// packaged.mjs (package.json `publishConfig.bin`): built JavaScript only.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const sources = fileURLToPath(new URL('../src', import.meta.url));

/** Newest modification time of the files below `dir`, in ms. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function bundleIsFresh() {
  try {
    return statSync(bundle).mtimeMs >= newest(sources);
  } catch {
    return false;
  }
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2), process.env);

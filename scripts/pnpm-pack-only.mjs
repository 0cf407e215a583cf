#!/usr/bin/env node
// The first `prepack` step of @parley/server and @parley/widget: it refuses
// to let anything but pnpm pack or publish them.
//
// Their package.json files name the TypeScript sources (`exports`, `bin`),
// which the workspace runs directly; the packed package must name the build
// in dist/ instead, which its `publishConfig` says. Writing publishConfig's
// fields over the manifest as it packs is pnpm's feature, not npm's: `npm
// pack` or `npm publish` would ship the manifest as it is, pointing at src/,
// which `files` leaves out, so the published package could not even be
// imported. npm runs `prepack` before both (with `--dry-run` too).
//
// Who runs it is told by `npm_execpath`, which each tool sets to its own
// script (npm's `npm-cli.js`, pnpm's `pnpm` or `pnpm.cjs`), not by
// `npm_config_user_agent`: npm reads any `npm_config_*` variable it inherits
// as its own configuration, so an npm started inside a pnpm script (as the
// test suite does) would carry pnpm's user agent.
//
// A tarball pnpm made is already right: `npm publish parley-server-*.tgz`
// runs no script and ships it as it is.
import { basename } from 'node:path';

const tool = basename(process.env.npm_execpath ?? '');
if (!tool.startsWith('pnpm')) {
  const name = process.env.npm_package_name ?? 'this package';
  const by = tool.startsWith('npm') ? 'npm' : tool || 'an unknown tool';
  console.error(
    `${name} is packed with pnpm only (this is ${by}): its package.json names the TypeScript ` +
      "sources, and only pnpm writes publishConfig's dist/ paths into the packed manifest. " +
      'Run `node scripts/pack.mjs --out DIR` at the repository root (or `npx -y pnpm@12.4.2 ' +
      'publish`); to publish with npm, publish the tarball that made: `npm publish DIR/<tarball>`.',
  );
  process.exit(1);
}

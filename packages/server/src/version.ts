import { readFileSync } from 'node:fs';

/**
 * The version of the running server: its package's `version`. Read from the
 * package's own package.json, one folder up from this module both as a
 * source file (`src/version.ts`) and bundled (`dist/*.js`: the build keeps
 * every chunk directly in dist/), so a checkout and an installed package
 * report what they are without a build step writing it in.
 */
export const SERVER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

#!/usr/bin/env node
// The `parley-server` command of the installed package (package.json
// `publishConfig.bin`, which pnpm writes into the packed manifest): the
// bundle the build made, nothing compiled on the fly. A clone runs
// parley-server.mjs instead, which can also run the TypeScript sources.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2), process.env);

#!/usr/bin/env node
// The `parley-server` command. TypeScript sources run through tsx, so the
// package works straight from a checkout with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2), process.env);

/**
 * What the packed-install test and the Dockerfile must do alike, in one place:
 * the packing command, the npm install, the folder they install into, and a
 * reader for the Dockerfile so deploy.test.ts can hold the image to them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Builds and packs both packages into the folder named last: `node scripts/pack.mjs --out DIR`. */
export const PACK_COMMAND = ['node', 'scripts/pack.mjs', '--out'] as const;

/** `npm install` as the test and the image run it, before the tarballs. */
export const NPM_INSTALL = ['npm', 'install', '--no-audit', '--no-fund'] as const;

/** The manifest of the folder the server is installed into (allows better-sqlite3's build). */
export const INSTALL_MANIFEST = 'deploy/package.json';

/** One instruction of a Dockerfile: its keyword (upper case) and the rest, continuations joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** One stage of a Dockerfile: its `FROM` image, its `AS` name, its instructions after `FROM`. */
export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** The repository's Dockerfile: its global `ARG`s (name to default) and its stages in order. */
export interface Dockerfile {
  args: Map<string, string>;
  stages: Stage[];
}

/**
 * Reads a Dockerfile as Docker does for what the tests need: comment lines
 * dropped (also inside a continued instruction), `\` continuations joined,
 * one instruction per logical line.
 */
export function readDockerfile(path = join(ROOT, 'Dockerfile')): Dockerfile {
  const logical: string[] = [];
  let current = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && current === '')) continue;
    const continued = trimmed.endsWith('\\');
    current += `${continued ? trimmed.slice(0, -1).trim() : trimmed} `;
    if (!continued) {
      logical.push(current.trim());
      current = '';
    }
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const text of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(text) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest };
    if (instruction.keyword === 'FROM') {
      const [, from = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? [];
      stages.push({ from, name, instructions: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [name = '', value = ''] = rest.split('=');
      args.set(name, value);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** The `args` of every instruction `keyword` of `stage`. */
export function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The HEALTHCHECK's exec-form command (`CMD ["node", "-e", "..."]`) of the last stage. */
export function healthcheckCommand(dockerfile: Dockerfile): string[] {
  const [check] = argsOf(dockerfile.stages.at(-1)!, 'HEALTHCHECK');
  const json = /\bCMD\s+(\[.*\])$/.exec(check ?? '')?.[1];
  if (!json) throw new Error(`the HEALTHCHECK is not an exec-form CMD: ${check}`);
  return JSON.parse(json) as string[];
}

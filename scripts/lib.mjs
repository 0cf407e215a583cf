// Helpers shared by the repo's own scripts (start, test). Plain Node, no
// dependencies: they run before `pnpm install` has.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The pnpm this repository is pinned to (package.json `packageManager`). */
export const PNPM = ['npx', '-y', 'pnpm@12.4.2'];

/** Runs a command in the repo, inheriting stdio; returns its exit status. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) {
    console.error(`could not run ${command}: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

/** Installs the workspace's dependencies from the lockfile (quick when already done). */
export function installDependencies() {
  const frozen = existsSync(join(ROOT, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  const status = run(PNPM[0], [...PNPM.slice(1), 'install', ...frozen]);
  if (status !== 0) {
    console.error(
      'Installing dependencies failed. Parley needs Node.js 20.19+ with npm, the npm registry,\n' +
        'and python3, make and g++ (better-sqlite3 compiles its native addon).',
    );
  }
  return status;
}

/** Whether something accepts TCP connections at host:port (within `timeoutMs`). */
export function isListening(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether this process runs as root (so it may apt-get install). */
export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Whether a command exists on PATH. */
export function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

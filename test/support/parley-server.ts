/**
 * Runs the real `parley-server` command as a child process, configured the
 * way an operator configures it: by environment variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, ROOT } from './example.ts';

/** The command, from the working tree (it runs the sources when no fresh bundle exists). */
export const SERVER_BIN = join(ROOT, 'packages/server/bin/parley-server.mjs');

/** A running instance. */
export interface ParleyInstance {
  url: string;
  /** `127.0.0.1:PORT`, as an upstream address. */
  address: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `parley-server` with `env` on a free port and resolves once `/healthz` answers 200. */
export async function startParleyInstance(env: Record<string, string>): Promise<ParleyInstance> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [SERVER_BIN], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-32_768);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    // Open event streams may hold a graceful shutdown for its full 10 s: do not wait that long.
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`parley-server exited (${child.exitCode}) before it was up:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200)
        return { url, address: `127.0.0.1:${port}`, output: () => output, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`parley-server did not answer ${url}/healthz within 30 s:\n${output}`);
}

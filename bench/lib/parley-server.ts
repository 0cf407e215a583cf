/**
 * Runs the real `parley-server` command as a child process, the way an
 * operator would: configured through environment variables, on its own port.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stopChild, track } from './children.ts';
import { send } from './http.ts';
import { ROOT, SERVER_BIN } from './paths.ts';
import { freePort } from './ports.ts';

/**
 * One server secret for every instance this run starts: instances sharing a
 * PostgreSQL database must be given the same `PARLEY_SECRET`.
 */
const SECRET = randomBytes(32).toString('base64url');

/** A running child server: its URL and pid, its recent output, and how to stop it. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** The last 64 KB of stdout and stderr, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Settings for {@link startParley}. */
export interface ParleyOptions {
  /** `sqlite:PATH` or `postgres://...`. */
  databaseUrl: string;
  /** PARLEY_ORIGINS; default none (the server's own origin). */
  origins?: string;
  /** PARLEY_TRUSTED_PROXIES; default none. */
  trustedProxies?: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/**
 * Starts `parley-server` and resolves once `/healthz` answers 200. The rate
 * limit is off: benchmarks seed and write hundreds of posts from one client.
 */
export async function startParley(options: ParleyOptions): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    PARLEY_RATE_LIMIT: '0',
    PARLEY_ORIGINS: options.origins ?? '',
    PARLEY_TRUSTED_PROXIES: options.trustedProxies ?? '',
    PARLEY_SECRET: SECRET,
    // The benchmarks' threads are on no page: they measure the server, not a blog's answer.
    PARLEY_VERIFY_URLS: 'off',
    NODE_ENV: 'production',
  };
  return startChild([...(options.nodeArgs ?? []), SERVER_BIN], env, `http://127.0.0.1:${port}`);
}

/**
 * Starts `node ARGS` with `env`, drains its output (a full pipe would block
 * the server mid-benchmark) and waits for `${url}/healthz`.
 */
export async function startChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  url: string,
): Promise<ServerProcess> {
  const child = track(
    spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const server: ServerProcess = {
    url,
    pid: child.pid ?? -1,
    output: () => output,
    stop: () => stopChild(child),
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${args.at(-1)} exited with ${child.exitCode} before it was up:\n${output}`);
    }
    try {
      const reply = await send('GET', `${url}/healthz`, { timeoutMs: 1_000 });
      if (reply.status === 200) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`${args.at(-1)} did not answer ${url}/healthz within 30 s:\n${output}`);
}

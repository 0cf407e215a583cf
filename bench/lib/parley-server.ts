/**
 * Runs the real `parley-server` command (or the bare baseline server) as a
 * child process, the way an operator would: configured through environment
 * variables, on its own port. The launcher is the tests' own
 * (`@parley/server/testing/server-process`); this adds what a benchmark needs:
 * the pid for /proc readings, and the child tracked so none outlives the run.
 */
import { randomBytes } from 'node:crypto';
import {
  type LaunchOptions,
  type ListeningServer,
  startListening,
} from '@parley/server/testing/server-process';
import { track } from './children.ts';

/**
 * One server secret for every instance this run starts: instances sharing a
 * PostgreSQL database must be given the same `PARLEY_SECRET`.
 */
const SECRET = randomBytes(32).toString('base64url');

/** A running child server: its URL, its pid, its output, and `stop()`. */
export interface BenchServer extends ListeningServer {
  pid: number;
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
  /** More settings (webhooks, mail), over the ones above. */
  env?: Record<string, string>;
}

/**
 * Starts a child on a free port with `env` (no other Parley setting) in
 * production mode, tracked until it exits, and resolves once `/healthz`
 * answers 200.
 */
export async function startBenchServer(
  env: Record<string, string>,
  options: LaunchOptions = {},
): Promise<BenchServer> {
  const server = await startListening(
    { NODE_ENV: 'production', ...env },
    { ...options, onSpawn: track },
  );
  return { ...server, pid: server.child.pid ?? -1 };
}

/**
 * Starts `parley-server` and resolves once `/healthz` answers 200. The rate
 * limit is off: benchmarks seed and write hundreds of posts from one client.
 */
export function startParley(options: ParleyOptions): Promise<BenchServer> {
  return startBenchServer(
    {
      DATABASE_URL: options.databaseUrl,
      PARLEY_RATE_LIMIT: '0',
      PARLEY_ORIGINS: options.origins ?? '',
      PARLEY_TRUSTED_PROXIES: options.trustedProxies ?? '',
      PARLEY_SECRET: SECRET,
      // The benchmarks' threads are on no page: they measure the server, not a blog's answer.
      PARLEY_VERIFY_URLS: 'off',
      ...options.env,
    },
    { nodeArgs: options.nodeArgs ?? [] },
  );
}

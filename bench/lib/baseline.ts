/** Starts `bench/baseline-server.ts` as a child process on a free port. */
import { fileURLToPath } from 'node:url';
import { type ServerProcess, startChild } from './parley-server.ts';
import { freePort } from './ports.ts';

const SCRIPT = fileURLToPath(new URL('../baseline-server.ts', import.meta.url));

/** Serves `dbFile` read-only through the bare baseline server. */
export async function startBaseline(dbFile: string): Promise<ServerProcess> {
  const port = await freePort();
  return startChild(
    ['--import', 'tsx', SCRIPT],
    { ...process.env, BASELINE_DB: dbFile, PORT: String(port), NODE_ENV: 'production' },
    `http://127.0.0.1:${port}`,
  );
}

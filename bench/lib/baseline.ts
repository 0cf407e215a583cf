/** Starts `bench/baseline-server.ts` as a child process on a free port. */
import { fileURLToPath } from 'node:url';
import { type BenchServer, startBenchServer } from './parley-server.ts';
import { ROOT } from './paths.ts';

const SCRIPT = fileURLToPath(new URL('../baseline-server.ts', import.meta.url));

/** Serves `dbFile` read-only through the bare baseline server. */
export function startBaseline(dbFile: string): Promise<BenchServer> {
  // From the repository root, where `--import tsx` resolves.
  return startBenchServer(
    { BASELINE_DB: dbFile },
    { nodeArgs: ['--import', 'tsx'], script: SCRIPT, cwd: ROOT },
  );
}

/**
 * Test support: a free TCP port on 127.0.0.1, for every child server the
 * server tests, the end-to-end tests and the benchmarks start.
 */
import { createServer } from 'node:net';

/**
 * A port nothing listens on right now: the kernel picks one and we release
 * it, so the caller must bind it right away (another process could take it).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('listen(0) gave no port');
  return address.port;
}

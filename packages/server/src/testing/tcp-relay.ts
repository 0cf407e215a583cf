/**
 * Test support: a TCP relay between the server and the real test database,
 * which a test cuts, as a network partition or a database restart would
 * (`db/unreachable.test.ts`, `http/health.test.ts`).
 */
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/** A running relay: the port it listens on, and how to cut it. */
export interface TcpRelay {
  port: number;
  /** Drops every connection and refuses new ones. */
  cut(): Promise<void>;
}

/** Forwards connections on 127.0.0.1 to `target` until `cut()`. */
export async function tcpRelay(target: URL): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async cut() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

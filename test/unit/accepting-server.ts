import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';

/** A TCP server on `host` that accepts and never answers — what a proxy in front of a dead broker does — keeping what it accepted. */
export async function acceptingServer(host: string): Promise<{ port: number; accepted: Socket[]; close(): void }> {
  const accepted: Socket[] = [];
  const server = createServer((s) => accepted.push(s.resume()));
  server.listen(0, host);
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    accepted,
    close: () => {
      for (const s of accepted) s.destroy();
      server.close();
    },
  };
}

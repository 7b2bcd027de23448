// A port on 127.0.0.1 that nothing listens on: bind, read the port, close. Connecting gets ECONNREFUSED,
// the way a stopped local model server behaves.
import { createServer } from 'node:net';

export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

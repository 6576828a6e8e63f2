import net from 'node:net';

/**
 * Asks the OS for a free loopback port. The port is released before it is returned, so another
 * process could in theory take it first; callers that bind it themselves should prefer port 0.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => (port ? resolve(port) : reject(new Error('the OS did not report a port'))));
    });
  });
}

/** Resolves when `port` can be bound on loopback; rejects with a readable message when it is taken. */
export function assertPortFree(port: number, hint = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      const taken = error.code === 'EADDRINUSE' || error.code === 'EACCES';
      reject(taken ? new Error(`port ${port} on 127.0.0.1 is not available${hint ? ` (${hint})` : ''}`) : error);
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve()));
  });
}

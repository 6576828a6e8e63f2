/**
 * The HTTP server under each local sandbox (payment gateway, carrier): on 127.0.0.1 only, bodies
 * read whole up to a limit, answers that can be held back for a while (a test's fault) and are all
 * released when the server stops, which also closes every connection, answered or not.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServerOptions {
  /** Defaults to a port chosen by the OS. */
  port?: number;
  maxBodyBytes: number;
  /** Answers one request, its body read whole (UTF-8). */
  handle(request: IncomingMessage, response: ServerResponse, body: string): Promise<void>;
  /** Answers a request whose body is over `maxBodyBytes`. */
  tooLarge(response: ServerResponse): void;
  /** Answers a request whose `handle` threw. */
  failed(response: ServerResponse, error: Error): void;
}

export interface LoopbackServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Waits `ms` (or less, if the server stops first). */
  holdBack(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const held = new Set<() => void>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= options.maxBodyBytes) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > options.maxBodyBytes) return options.tooLarge(response);
      options
        .handle(request, response, Buffer.concat(chunks).toString('utf8'))
        .catch((error: unknown) => options.failed(response, error as Error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: '127.0.0.1' }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async holdBack(ms) {
      if (ms <= 0) return;
      await new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          held.delete(release);
          resolve();
        };
        const timer = setTimeout(release, ms);
        held.add(release);
      });
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const release of [...held]) release();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

import type { AddressInfo } from 'node:net';
import { createSqsServer } from 'local-aws-sqs';
import { LOCAL_ACCOUNT_ID } from './local-aws';

export interface SqsEngine {
  endpoint: string;
  port: number;
  region: string;
  accountId: string;
  /** Closes the server, cutting open long polls, and waits until it is closed. */
  stop(): Promise<void>;
}

export interface SqsOptions {
  /** Defaults to a port chosen by the OS at bind time (no race). */
  port?: number;
  region?: string;
  accountId?: string;
}

/**
 * Starts the in-process SQS emulator (`local-aws-sqs`) on loopback. It keeps queues and messages
 * in memory, so each start begins empty; provisioning recreates the queues.
 */
export async function startSqs(options: SqsOptions = {}): Promise<SqsEngine> {
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const server = await createSqsServer({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    region,
    accountId,
    // AWS makes you wait 60 s before re-creating a deleted queue; tests should not.
    emulateQueueCreationLifecycle: false,
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Long polls keep connections open for up to 20 s: cut them instead of waiting.
      server.closeAllConnections();
    });
    return stopped;
  };
  return { endpoint: `http://127.0.0.1:${port}`, port, region, accountId, stop };
}

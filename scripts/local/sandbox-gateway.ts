/**
 * The local payment gateway: the Stripe subset of sandbox-payments.ts over HTTP on loopback, for
 * `npm start` and the integration tests. The production adapter
 * (shared/adapters/payments/stripe-payment-gateway.ts) talks to it unchanged; only the base URL
 * differs. Like Stripe it takes form-encoded bodies and wants `Authorization: Bearer <secret>`
 * (401 otherwise).
 *
 * Test hooks, in process or over HTTP (same bearer secret), so tests in other processes can use
 * them too: per order, count charges and attempts (`statsFor`, `chargesFor`,
 * `GET /_sandbox/orders/{orderId}`), and hold back the next answers about an order *after* the
 * request was processed (`delayResponses`, `POST /_sandbox/orders/{orderId}/delays` with
 * `{ "ms", "times"? }`), so that a client times out on a charge that was made.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_PAYMENT_GATEWAY_SECRET } from '../../shared/config';
import { startLoopbackServer } from './loopback-server';
import {
  apiError,
  createSandboxPayments,
  newSandboxId,
  PAYMENT_INTENTS_PATH,
  REFUNDS_PATH,
  type SandboxAnswer,
  type SandboxOrderStats,
} from './sandbox-payments';

export type { SandboxOrderStats } from './sandbox-payments';

export interface SandboxGatewayOptions {
  /** Defaults to a port chosen by the OS. */
  port?: number;
  /** The bearer secret clients must send; defaults to the local one of shared/config.ts. */
  secret?: string;
  /** One line per API request, for `npm start`'s output. */
  onRequest?: (line: string) => void;
}

export interface SandboxGateway {
  /** http://127.0.0.1:<port> (the API is under /v1). */
  url: string;
  port: number;
  secret: string;
  /** Successful charges for the order, over all idempotency keys. */
  chargesFor(orderId: string): number;
  statsFor(orderId: string): SandboxOrderStats;
  /** Holds back the next `times` (default 1) answers about this order by `ms`, after processing. */
  delayResponses(orderId: string, delay: { ms: number; times?: number }): void;
  /** Closes the server and every connection, answered or not. */
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const HOOK = /^\/_sandbox\/orders\/([^/]+)(\/delays)?$/;

export async function startSandboxGateway(options: SandboxGatewayOptions = {}): Promise<SandboxGateway> {
  const secret = options.secret ?? LOCAL_PAYMENT_GATEWAY_SECRET;
  const payments = createSandboxPayments();
  const delays = new Map<string, { ms: number; times: number }>();

  function delayResponses(orderId: string, { ms, times = 1 }: { ms: number; times?: number }): void {
    if (!Number.isFinite(ms) || ms < 0 || !Number.isInteger(times) || times < 1)
      throw new Error('a delay needs ms ≥ 0 and a positive integer times');
    delays.set(orderId, { ms, times });
  }

  async function holdBack(orderId: string | undefined): Promise<void> {
    const delay = orderId === undefined ? undefined : delays.get(orderId);
    if (orderId === undefined || !delay) return;
    if (--delay.times === 0) delays.delete(orderId);
    await server.holdBack(delay.ms);
  }

  /** The test hooks; undefined when the request is not one. */
  function hookAnswer(request: IncomingMessage, path: string, raw: string): SandboxAnswer | undefined {
    const match = HOOK.exec(path);
    if (match?.[1] === undefined) return undefined;
    const orderId = decodeURIComponent(match[1]);
    if (request.method === 'GET' && !match[2]) return { status: 200, body: payments.statsFor(orderId), store: false };
    if (request.method !== 'POST' || !match[2]) return undefined;
    try {
      const { ms, times } = JSON.parse(raw || '{}') as { ms?: unknown; times?: unknown };
      delayResponses(orderId, { ms: Number(ms), ...(times !== undefined && { times: Number(times) }) });
      return { status: 204, body: null, store: false };
    } catch (error) {
      return apiError(400, 'invalid_request_error', (error as Error).message);
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse, raw: string): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    if (request.headers.authorization !== `Bearer ${secret}`) {
      return send(response, apiError(401, 'invalid_request_error', 'Invalid API Key provided.'));
    }
    const hook = hookAnswer(request, path, raw);
    if (hook) return send(response, hook);
    if (request.method !== 'POST' || (path !== PAYMENT_INTENTS_PATH && path !== REFUNDS_PATH)) {
      return send(
        response,
        apiError(404, 'invalid_request_error', `Unrecognized request URL (${request.method}: ${path}).`),
      );
    }
    const params = new URLSearchParams(raw);
    const key = request.headers['idempotency-key'];
    const answer = payments.answer(path, params, typeof key === 'string' ? key : undefined);
    const orderId = payments.orderOf(path, params);
    options.onRequest?.(
      `POST ${path} → ${answer.status}${answer.replayed ? ' (replayed)' : ''}, order ${orderId ?? '-'}`,
    );
    await holdBack(orderId);
    send(response, answer, answer.replayed);
  }

  const server = await startLoopbackServer({
    ...(options.port !== undefined && { port: options.port }),
    maxBodyBytes: MAX_BODY_BYTES,
    handle,
    tooLarge: (response) => send(response, apiError(413, 'invalid_request_error', 'Request too large.')),
    failed: (response, error) => send(response, apiError(500, 'api_error', `sandbox failure: ${error.message}`)),
  });

  return {
    url: server.url,
    port: server.port,
    secret,
    chargesFor: (orderId) => payments.statsFor(orderId).charges,
    statsFor: (orderId) => payments.statsFor(orderId),
    delayResponses,
    stop: server.stop,
  };
}

function send(response: ServerResponse, answer: Pick<SandboxAnswer, 'status' | 'body'>, replayed = false): void {
  if (response.destroyed || response.writableEnded) return;
  const headers: Record<string, string> = { 'Request-Id': newSandboxId('req') };
  if (replayed) headers['Idempotent-Replayed'] = 'true';
  if (answer.body === null) {
    response.writeHead(answer.status, headers).end();
    return;
  }
  response.writeHead(answer.status, { ...headers, 'Content-Type': 'application/json' });
  response.end(JSON.stringify(answer.body));
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { type LoopbackServer, startLoopbackServer } from '../../scripts/local/loopback-server';

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  receivedAt: number;
  /** When the sender gave up on the connection (or the answer was sent), epoch ms. */
  closedAt?: number;
}

/**
 * A webhook receiver on 127.0.0.1 for tests: answers each POST with the next of `answers` (an HTTP
 * status, `'hang'` to never answer, or `{ redirect }`), then 200 (or what `answerFromNowOn` says);
 * remembers every request.
 */
export async function startWebhookReceiver(
  answers: Array<number | 'hang' | { redirect: string }> = [],
): Promise<LoopbackServer & { received: ReceivedWebhook[]; answerFromNowOn(status: number): void }> {
  const received: ReceivedWebhook[] = [];
  const script = [...answers];
  let otherwise = 200;
  const server = await startLoopbackServer({
    maxBodyBytes: 1024 * 1024,
    async handle(request, response, body) {
      const entry: ReceivedWebhook = { headers: request.headers, body, receivedAt: Date.now() };
      received.push(entry);
      response.on('close', () => {
        entry.closedAt = Date.now();
      });
      const answer = script.shift() ?? otherwise;
      if (answer === 'hang') {
        await server.holdBack(120_000);
        return;
      }
      if (typeof answer === 'object') {
        response.writeHead(302, { location: answer.redirect }).end();
        return;
      }
      response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'nope');
    },
    tooLarge: (response) => response.writeHead(413).end(),
    failed: (response) => response.writeHead(500).end(),
  });
  return Object.assign(server, {
    received,
    /** What it answers once `answers` are used up (200 until told otherwise). */
    answerFromNowOn(status: number) {
      otherwise = status;
    },
  });
}

/**
 * Checks a `Cartwheel-Signature` header as a receiver would, written from the contract alone
 * (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`), not from our signing code.
 */
export function verifiesSignature(header: unknown, body: string, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !v1 || !/^\d+$/.test(t)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** An endpoint's secret as the contract's receiver learns it, recomputed from the local key (see webhook-endpoints.test.ts). */
export const localEndpointSecret = (key: string, endpointId: string) =>
  `whsec_${createHmac('sha256', key).update(`webhook-endpoint:${endpointId}`).digest('base64url')}`;

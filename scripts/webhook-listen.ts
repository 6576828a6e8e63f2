/**
 * `npm run webhook-listen -- [--port 8787] [--secret whsec_…] [--register] [--events order.paid,order.shipped] [--fail 500]`
 *
 * A webhook receiver for developers integrating with Cartwheel: listens on 127.0.0.1, prints every
 * delivery (event type and id, the signature's verdict) and answers 200, or `--fail <status>` to see
 * the retries. With `--register` it registers itself with the running `npm start` (an admin token
 * from the local issuer), learns its secret from the answer, and deletes the endpoint again on
 * Ctrl-C. Otherwise pass the secret the registration showed (`--secret`) to verify signatures.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mintToken } from './local/issuer';
import { startLoopbackServer } from './local/loopback-server';
import { localPaths } from './local/paths';

/** How old a signature's timestamp may be before it is taken for a replay. */
const TOLERANCE_SECONDS = 300;

/** The receiver's check of `Cartwheel-Signature` (contract: `t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`). */
export function signatureVerdict(header: string | undefined, body: string, secret: string, nowSeconds: number): string {
  if (!header) return 'no signature';
  const fields = Object.fromEntries(header.split(',').map((part) => part.split('=', 2)));
  const t = Number(fields.t);
  if (!Number.isInteger(t) || typeof fields.v1 !== 'string') return 'malformed signature';
  const expected = createHmac('sha256', secret).update(`${fields.t}.${body}`).digest();
  const given = Buffer.from(fields.v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'INVALID signature';
  if (Math.abs(nowSeconds - t) > TOLERANCE_SECONDS) return `signature valid but ${nowSeconds - t} s old (replay?)`;
  return 'signature verified';
}

function stackApi(): string {
  const { stackFile } = localPaths();
  if (!existsSync(stackFile)) throw new Error('--register needs the local stack: start it with npm start');
  const { httpPort } = JSON.parse(readFileSync(stackFile, 'utf8')) as { httpPort?: number };
  return `http://127.0.0.1:${httpPort ?? 3000}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      secret: { type: 'string' },
      register: { type: 'boolean', default: false },
      events: { type: 'string', default: '*' },
      fail: { type: 'string' },
    },
  });
  const failWith = values.fail === undefined ? null : Number(values.fail);
  let secret = values.secret ?? process.env.CARTWHEEL_WEBHOOK_SECRET ?? null;
  const server = await startLoopbackServer({
    port: Number(values.port),
    maxBodyBytes: 1024 * 1024,
    async handle(request, response, body) {
      const header = request.headers['cartwheel-signature'];
      const verdict = secret
        ? signatureVerdict(typeof header === 'string' ? header : undefined, body, secret, Math.floor(Date.now() / 1000))
        : 'not verified (no --secret)';
      let summary = '';
      try {
        const event = JSON.parse(body) as { id?: string; type?: string; occurredAt?: string };
        summary = `${event.type} ${event.id} (occurred ${event.occurredAt})`;
      } catch {
        summary = `a body that is not JSON (${body.length} bytes)`;
      }
      const status = verdict.startsWith('INVALID') ? 400 : (failWith ?? 200);
      process.stdout.write(`${new Date().toISOString()}  ${summary}  ${verdict}  → ${status}\n${body}\n\n`);
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'refused');
    },
    tooLarge: (response) => response.writeHead(413).end(),
    failed: (response) => response.writeHead(500).end(),
  });
  const url = `${server.url}/webhooks`;
  let unregister = async () => {};
  if (values.register) {
    const api = stackApi();
    const token = mintToken({ dir: localPaths().issuer, sub: 'webhook-listen', role: 'admin' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${api}/v1/admin/webhook-endpoints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url, events: values.events.split(','), description: 'npm run webhook-listen' }),
    });
    const endpoint = (await created.json()) as { id?: string; secret?: string; detail?: string };
    if (created.status !== 201 || !endpoint.id)
      throw new Error(`registration refused (${created.status}): ${JSON.stringify(endpoint)}`);
    secret = endpoint.secret ?? secret;
    process.stdout.write(`registered ${endpoint.id} at ${api} for ${values.events}\n`);
    unregister = async () => {
      await fetch(`${api}/v1/admin/webhook-endpoints/${endpoint.id}`, {
        method: 'DELETE',
        headers,
      });
      process.stdout.write(`deleted ${endpoint.id}\n`);
    };
  }
  process.stdout.write(`listening on ${url}${secret ? '' : ' (pass --secret to verify signatures)'}; Ctrl-C stops\n`);
  const stop = async () => {
    await unregister().catch((error: unknown) => process.stderr.write(`could not delete the endpoint: ${error}\n`));
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});

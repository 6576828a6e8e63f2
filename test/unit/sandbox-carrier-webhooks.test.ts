import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type SandboxCarrier,
  type SandboxCarrierOptions,
  startSandboxCarrier,
} from '../../scripts/local/sandbox-carrier';
import { LOCAL_CARRIER_WEBHOOK_SECRET } from '../../shared/production-safety';
import { advanceParcel, webhookDeliveries } from '../support/sandbox-carrier';

type Json = Record<string, any>;

const basic = (user: string) => `Basic ${Buffer.from(`${user}:`).toString('base64')}`;

/** Checks an `X-Hmac-Signature` value as a receiver would, written here without the sandbox's code. */
function signedBy(body: string, header: string | undefined, secret: string): boolean {
  const match = /^hmac-sha256-hex=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match?.[1]) return false;
  const expected = createHmac('sha256', Buffer.from(secret.normalize('NFKD'), 'utf8'))
    .update(Buffer.from(body, 'utf8'))
    .digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs)
      throw new Error(`still not done after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Received {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the receiver answers to the n-th request (from 1) on a path: a status, or `hold` (never answered). */
type Behaviour = (n: number, body: Json) => number | 'hold';

describe('the sandbox carrier’s tracker events and webhooks', () => {
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const held: ServerResponse[] = [];
  const started: SandboxCarrier[] = [];
  let paths = 0;

  /** A receiver path no other test uses, answered by `behaviour` (200 by default). */
  function endpoint(behaviour: Behaviour = () => 200): { url: string; requests: () => Received[] } {
    const path = `/webhooks/carrier/${++paths}`;
    behaviours.set(path, behaviour);
    return { url: `${receiverUrl}${path}`, requests: () => received.filter((request) => request.path === path) };
  }

  beforeAll(async () => {
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '/';
        received.push({ path, method: request.method ?? '', headers: request.headers, body, at: Date.now() });
        const n = received.filter((entry) => entry.path === path).length;
        const answer = (behaviours.get(path) ?? (() => 404))(n, JSON.parse(body));
        if (answer === 'hold') held.push(response);
        else response.writeHead(answer, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(started.map((sandbox) => sandbox.stop()));
    await new Promise<void>((resolve) => {
      receiver.close(() => resolve());
      receiver.closeAllConnections();
    });
  });

  async function start(options: SandboxCarrierOptions = {}): Promise<SandboxCarrier> {
    const sandbox = await startSandboxCarrier(options);
    started.push(sandbox);
    return sandbox;
  }

  async function call(sandbox: SandboxCarrier, method: string, path: string, body?: unknown) {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: {
        Authorization: basic(sandbox.apiKey),
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  let references = 0;
  const newReference = () => `ord_webhooks_${++references}`;

  /** Creates a shipment for the reference and buys its first rate: answers the bought shipment. */
  async function buy(sandbox: SandboxCarrier, reference: string): Promise<Json> {
    const created = await call(sandbox, 'POST', '/v2/shipments', {
      shipment: {
        reference,
        to_address: { name: 'Alice', street1: '1 Main St', city: 'Berlin', zip: '10115', country: 'DE' },
        from_address: { id: 'adr_shop' },
        parcel: { weight: 16 },
      },
    });
    expect(created.status).toBe(201);
    const bought = await call(sandbox, 'POST', `/v2/shipments/${created.body.id}/buy`, {
      rate: { id: created.body.rates[0].id },
    });
    expect(bought.status).toBe(200);
    return bought.body;
  }

  const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  describe('automatic advance', () => {
    it('posts tracker.created, then tracker.updated for in_transit, out_for_delivery and delivered, in order and signed', async () => {
      const hook = endpoint();
      const lines: string[] = [];
      const sandbox = await start({
        webhook: { url: hook.url },
        advance: { inTransitAfterMs: 30, outForDeliveryAfterMs: 30, deliveredAfterMs: 30 },
        onRequest: (line) => lines.push(line),
      });
      const reference = newReference();
      const bought = await buy(sandbox, reference);

      const requests = await eventually(hook.requests, (list) => list.length >= 4);
      await sleep(100);

      expect(hook.requests()).toHaveLength(4);
      const events = requests.map((request) => JSON.parse(request.body));
      expect(events.map((event) => [event.description, event.result.status, event.previous_attributes])).toEqual([
        ['tracker.created', 'pre_transit', {}],
        ['tracker.updated', 'in_transit', { status: 'pre_transit' }],
        ['tracker.updated', 'out_for_delivery', { status: 'in_transit' }],
        ['tracker.updated', 'delivered', { status: 'out_for_delivery' }],
      ]);
      for (const request of requests) {
        expect(request.method).toBe('POST');
        expect(request.headers['content-type']).toBe('application/json');
        expect(request.headers['user-agent']).toMatch(/^cartwheel-sandbox-carrier/);
        expect(
          signedBy(request.body, request.headers['x-hmac-signature'] as string, LOCAL_CARRIER_WEBHOOK_SECRET),
        ).toBe(true);
        expect(signedBy(request.body, request.headers['x-hmac-signature'] as string, 'another secret')).toBe(false);
      }
      expect(new Set(events.map((event) => event.id)).size).toBe(4);

      const last = events[3];
      expect(last).toEqual({
        id: expect.stringMatching(/^evt_[0-9a-f]{24}$/),
        object: 'Event',
        mode: 'test',
        description: 'tracker.updated',
        created_at: iso,
        updated_at: iso,
        previous_attributes: { status: 'out_for_delivery' },
        pending_urls: [],
        completed_urls: [],
        result: {
          id: bought.tracker.id,
          object: 'Tracker',
          mode: 'test',
          tracking_code: bought.tracking_code,
          status: 'delivered',
          status_detail: 'arrived_at_destination',
          carrier: 'USPS',
          shipment_id: bought.id,
          public_url: bought.tracker.public_url,
          created_at: bought.tracker.created_at,
          updated_at: last.created_at,
          tracking_details: ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'].map((status) => ({
            object: 'TrackingDetail',
            status,
            status_detail: expect.any(String),
            message: expect.any(String),
            datetime: iso,
          })),
        },
      });
      expect(last.result.tracking_details.map((detail: Json) => detail.status_detail)).toEqual([
        'label_created',
        'arrived_at_facility',
        'out_for_delivery',
        'arrived_at_destination',
      ]);
      expect(events[0].result).toEqual(bought.tracker);
      // Each step waits its delay from the previous one (timers may fire a millisecond early).
      const times = last.result.tracking_details.map((detail: Json) => Date.parse(detail.datetime));
      for (let step = 1; step < times.length; step++) expect(times[step] - times[step - 1]).toBeGreaterThanOrEqual(28);
      expect((await call(sandbox, 'GET', `/v2/shipments/${bought.id}`)).body).toMatchObject({
        status: 'delivered',
        tracker: { status: 'delivered', updated_at: last.result.updated_at },
      });
      expect(sandbox.webhookDeliveries(reference)).toEqual(
        events.map((event) => ({
          eventId: event.id,
          status: event.result.status,
          attempts: 1,
          delivered: true,
          lastStatus: 200,
        })),
      );
      const logged = lines.filter((line) => line.startsWith('webhook'));
      expect(logged).toHaveLength(4);
      expect(logged[3]).toContain(hook.url);
      expect(logged[3]).toContain('200');
      expect(logged[3]).toContain(last.id);
      expect(logged[3]).toContain('delivered');
    });

    it('stops advancing a refunded label, and only that one', async () => {
      const hook = endpoint();
      const sandbox = await start({
        webhook: { url: hook.url },
        advance: { inTransitAfterMs: 150, outForDeliveryAfterMs: 10, deliveredAfterMs: 10 },
      });
      const refunded = newReference();
      const kept = newReference();
      const voided = await buy(sandbox, refunded);
      // Within the 150 ms before the first scan.
      const refund = await call(sandbox, 'POST', `/v2/shipments/${voided.id}/refund`);
      await buy(sandbox, kept);

      await eventually(
        () => sandbox.webhookDeliveries(kept),
        (list) => list.at(-1)?.status === 'delivered' && list.at(-1)?.delivered === true,
      );
      await sleep(100);

      expect(refund.body.refund_status).toBe('submitted');
      expect((await call(sandbox, 'GET', `/v2/shipments/${voided.id}`)).body.tracker.status).toBe('pre_transit');
      expect(sandbox.webhookDeliveries(refunded).map(({ status }) => status)).toEqual(['pre_transit']);
      expect(sandbox.webhookDeliveries(kept).map(({ status }) => status)).toEqual([
        'pre_transit',
        'in_transit',
        'out_for_delivery',
        'delivered',
      ]);
    });

    it('moves only forward: a label the hook sent ahead skips the steps it has passed', async () => {
      const sandbox = await start({
        advance: { inTransitAfterMs: 40, outForDeliveryAfterMs: 40, deliveredAfterMs: 40 },
      });
      const reference = newReference();
      const bought = await buy(sandbox, reference);
      sandbox.advance(reference, 'out_for_delivery');

      await eventually(
        async () => (await call(sandbox, 'GET', `/v2/shipments/${bought.id}`)).body.tracker.status,
        (status) => status === 'delivered',
      );

      const details = (await call(sandbox, 'GET', `/v2/shipments/${bought.id}`)).body.tracker.tracking_details;
      expect(details.map((detail: Json) => detail.status)).toEqual(['pre_transit', 'out_for_delivery', 'delivered']);
    });

    it('does not advance by default', async () => {
      const sandbox = await start();
      const bought = await buy(sandbox, newReference());

      await sleep(50);

      expect((await call(sandbox, 'GET', `/v2/shipments/${bought.id}`)).body.tracker.status).toBe('pre_transit');
    });

    it('refuses negative delays and a webhook off loopback before listening', async () => {
      await expect(
        startSandboxCarrier({ advance: { inTransitAfterMs: -1, outForDeliveryAfterMs: 1, deliveredAfterMs: 1 } }),
      ).rejects.toThrow(/inTransitAfterMs/);
      for (const url of ['http://example.com/hook', 'https://127.0.0.1/hook', 'http://10.0.0.1/hook', 'not a url'])
        await expect(startSandboxCarrier({ webhook: { url } })).rejects.toThrow(/webhook/);
    });
  });

  describe('delivery', () => {
    it('retries a 500 with doubling delays: answered 500, 500, 200 makes 3 attempts of the same bytes', async () => {
      const hook = endpoint((n) => (n <= 2 ? 500 : 200));
      const sandbox = await start({ webhook: { url: hook.url, secret: 'whsec_retry' }, webhookRetryBaseMs: 20 });
      const reference = newReference();
      await buy(sandbox, reference);

      const [delivery] = await eventually(
        () => sandbox.webhookDeliveries(reference),
        (list) => list[0]?.delivered === true,
      );
      await sleep(100);

      expect(delivery).toEqual({
        eventId: expect.stringMatching(/^evt_/),
        status: 'pre_transit',
        attempts: 3,
        delivered: true,
        lastStatus: 200,
      });
      const requests = hook.requests();
      expect(requests).toHaveLength(3);
      expect(new Set(requests.map((request) => request.body)).size).toBe(1);
      expect(new Set(requests.map((request) => request.headers['x-hmac-signature'])).size).toBe(1);
      expect(signedBy(requests[0]?.body ?? '', requests[0]?.headers['x-hmac-signature'] as string, 'whsec_retry')).toBe(
        true,
      );
      const [first, second, third] = requests.map((request) => request.at) as [number, number, number];
      expect(second - first).toBeGreaterThanOrEqual(15);
      expect(third - second).toBeGreaterThanOrEqual(35);
    });

    it('gives up after 5 attempts, on error answers and on network errors alike', async () => {
      const failing = endpoint(() => 503);
      const sandbox = await start({ webhook: { url: failing.url }, webhookRetryBaseMs: 1 });
      const reference = newReference();
      await buy(sandbox, reference);
      sandbox.advance(reference, 'in_transit');

      const deliveries = await eventually(
        () => sandbox.webhookDeliveries(reference),
        (list) => list.length === 2 && list.every(({ attempts }) => attempts === 5),
      );
      await sleep(100);

      expect(deliveries.map(({ delivered, lastStatus }) => [delivered, lastStatus])).toEqual([
        [false, 503],
        [false, 503],
      ]);
      expect(failing.requests()).toHaveLength(10);

      // A port nobody listens on: connection refused every time.
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const unreachable = await start({ webhook: { url: `http://127.0.0.1:${port}/hook` }, webhookRetryBaseMs: 1 });
      const other = newReference();
      await buy(unreachable, other);

      expect(
        await eventually(
          () => unreachable.webhookDeliveries(other),
          (list) => list[0]?.attempts === 5,
        ),
      ).toEqual([
        { eventId: expect.any(String), status: 'pre_transit', attempts: 5, delivered: false, lastStatus: null },
      ]);
    });

    it('delivers one tracker’s events in order, each after the previous one, while other trackers go on', async () => {
      // The first request (the slow reference's tracker.created) is held until the test answers it.
      const slowHook = endpoint((n) => (n === 1 ? 'hold' : 200));
      const slowReference = newReference();
      const quickReference = newReference();
      const sandbox = await start({ webhook: { url: slowHook.url }, webhookRetryBaseMs: 1 });
      await buy(sandbox, slowReference);
      await eventually(slowHook.requests, (list) => list.length === 1);
      sandbox.advance(slowReference, 'in_transit');
      sandbox.advance(slowReference, 'delivered');
      await buy(sandbox, quickReference);
      sandbox.advance(quickReference, 'out_for_delivery');

      // The quick tracker's events arrive while the slow tracker's first one is unanswered.
      const whileHeld = await eventually(slowHook.requests, (list) => list.length === 3);
      await sleep(50);
      expect(whileHeld.map((request) => JSON.parse(request.body).result.status)).toEqual([
        'pre_transit',
        'pre_transit',
        'out_for_delivery',
      ]);
      expect(sandbox.webhookDeliveries(slowReference).map(({ attempts }) => attempts)).toEqual([1, 0, 0]);
      expect(held).toHaveLength(1);

      // Answering the held request (500: retried) lets the tracker's queue go on, in order.
      held.shift()?.writeHead(500).end();
      await eventually(
        () => sandbox.webhookDeliveries(slowReference),
        (list) => list.every(({ delivered }) => delivered),
      );

      const slowEvents = slowHook
        .requests()
        .map((request) => JSON.parse(request.body))
        .filter((event) => sandbox.webhookDeliveries(slowReference).some(({ eventId }) => eventId === event.id));
      expect(slowEvents.map((event) => event.result.status)).toEqual([
        'pre_transit',
        'pre_transit',
        'in_transit',
        'delivered',
      ]);
      expect(sandbox.webhookDeliveries(slowReference).map(({ attempts }) => attempts)).toEqual([2, 1, 1]);
    });
  });

  describe('the advance hook', () => {
    let sandbox: SandboxCarrier;
    let hook: ReturnType<typeof endpoint>;

    beforeAll(async () => {
      hook = endpoint();
      sandbox = await start({ webhook: { url: hook.url } });
      process.env.CARRIER_API_URL = sandbox.url;
      process.env.CARRIER_API_KEY = sandbox.apiKey;
    });

    it('answers the signed tracker.updated event with the status asked, and posts the same bytes', async () => {
      const reference = newReference();
      const bought = await buy(sandbox, reference);

      const { event, body, signature } = await advanceParcel(reference, 'out_for_delivery');

      expect(signedBy(body, signature, LOCAL_CARRIER_WEBHOOK_SECRET)).toBe(true);
      expect(JSON.parse(body)).toEqual(event);
      expect(event).toMatchObject({
        object: 'Event',
        description: 'tracker.updated',
        previous_attributes: { status: 'pre_transit' },
        result: { id: bought.tracker.id, status: 'out_for_delivery', status_detail: 'out_for_delivery' },
      });
      const posted = await eventually(hook.requests, (list) => list.some((request) => request.body === body));
      expect(posted.find((request) => request.body === body)?.headers['x-hmac-signature']).toBe(signature);
      expect(
        await eventually(
          () => webhookDeliveries(reference),
          (list) => list.length === 2 && list.every(({ delivered }) => delivered),
        ),
      ).toEqual([
        { eventId: expect.any(String), status: 'pre_transit', attempts: 1, delivered: true, lastStatus: 200 },
        { eventId: event.id, status: 'out_for_delivery', attempts: 1, delivered: true, lastStatus: 200 },
      ]);
    });

    it('moves backwards and repeats statuses, recording each in the history, on the latest label even refunded', async () => {
      const reference = newReference();
      await buy(sandbox, reference);
      const latest = await buy(sandbox, reference);
      await call(sandbox, 'POST', `/v2/shipments/${latest.id}/refund`);

      const delivered = await advanceParcel(reference, 'delivered');
      const back = await advanceParcel(reference, 'in_transit');
      const again = sandbox.advance(reference, 'in_transit');

      expect(delivered.event.result.shipment_id).toBe(latest.id);
      expect(back.event.previous_attributes).toEqual({ status: 'delivered' });
      expect(again.event.previous_attributes).toEqual({ status: 'in_transit' });
      expect(again.event.result.tracking_details.map((detail) => detail.status)).toEqual([
        'pre_transit',
        'delivered',
        'in_transit',
        'in_transit',
      ]);
      expect(again.event.result.updated_at).toBe(again.event.created_at);
      expect(signedBy(again.body, again.signature, sandbox.webhookSecret)).toBe(true);
      expect((await call(sandbox, 'GET', `/v2/shipments/${latest.id}`)).body.tracker.status).toBe('in_transit');
    });

    it('answers 404 without a bought shipment and 400 to an invalid status; throws in process', async () => {
      const reference = newReference();
      const unbought = await call(sandbox, 'POST', '/v2/shipments', { shipment: { reference } });
      expect(unbought.status).toBe(422);

      expect(
        (await call(sandbox, 'POST', `/_sandbox/references/${reference}/advance`, { status: 'delivered' })).status,
      ).toBe(404);
      await expect(advanceParcel(reference, 'delivered')).rejects.toThrow(/404/);
      expect(() => sandbox.advance(reference, 'delivered')).toThrow(/no bought shipment/);

      await buy(sandbox, reference);
      for (const body of [{ status: 'lost' }, {}, { status: 'delivered', extra: 1 }, '[]', 'delivered', '']) {
        const answer = await call(sandbox, 'POST', `/_sandbox/references/${reference}/advance`, body);
        expect(answer.status).toBe(400);
        expect(answer.body.error).toMatchObject({ code: 'BAD_REQUEST' });
      }
      expect(() => sandbox.advance(reference, 'lost' as never)).toThrow(/invalid tracker status/);
      expect(sandbox.webhookDeliveries(reference)).toHaveLength(1);
    });

    it('answers 404 to the hooks’ other methods, and wants the API key', async () => {
      expect((await call(sandbox, 'GET', '/_sandbox/references/ord_x/advance')).status).toBe(404);
      expect((await call(sandbox, 'POST', '/_sandbox/references/ord_x/webhooks')).status).toBe(404);
      const anonymous = await fetch(`${sandbox.url}/_sandbox/references/ord_x/webhooks`);
      expect(anonymous.status).toBe(401);
    });

    it('signs with the webhookSecret option and posts nothing without a webhook', async () => {
      const quiet = await start({ webhookSecret: 'whsec_ﬁve' });
      const reference = newReference();
      await buy(quiet, reference);

      const signed = quiet.advance(reference, 'in_transit');

      expect(quiet.webhookSecret).toBe('whsec_ﬁve');
      expect(signedBy(signed.body, signed.signature, 'whsec_five')).toBe(true);
      expect(quiet.webhookDeliveries(reference)).toEqual([]);
      expect((await call(quiet, 'GET', `/_sandbox/references/${reference}/webhooks`)).body).toEqual({
        deliveries: [],
      });
    });
  });

  describe('stop', () => {
    it('clears the advance timers and aborts the webhook posts in flight', async () => {
      const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
      const hook = endpoint(() => 'hold');
      const sandbox = await startSandboxCarrier({
        webhook: { url: hook.url },
        advance: { inTransitAfterMs: 60_000, outForDeliveryAfterMs: 60_000, deliveredAfterMs: 60_000 },
      });
      const reference = newReference();
      await buy(sandbox, reference);
      await eventually(hook.requests, (list) => list.length === 1);
      const stopping = Date.now();

      await sandbox.stop();

      expect(Date.now() - stopping).toBeLessThan(1000);
      expect(sandbox.webhookDeliveries(reference)).toEqual([
        { eventId: expect.any(String), status: 'pre_transit', attempts: 1, delivered: false, lastStatus: null },
      ]);
      // The count is the process's: another file's timer (a socket's idle timeout) may come and go
      // meanwhile, so it only has to get back to where it was; the sandbox's would hold for 60 s.
      const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
      expect(await eventually(timeouts, (count) => count <= timersBefore)).toBeLessThanOrEqual(timersBefore);
      expect(() => sandbox.advance(reference, 'delivered')).not.toThrow();
      await sleep(20);
      expect(hook.requests()).toHaveLength(1);
    });
  });
});

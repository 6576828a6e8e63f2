/**
 * The local carrier: the EasyPost subset of sandbox-shipments.ts over HTTP on loopback, for
 * `npm start` and the tests. The production adapter (shared/adapters/carrier/easypost-carrier.ts)
 * talks to it unchanged; only the base URL differs. Like EasyPost it takes and answers JSON and wants
 * HTTP Basic authentication with the API key as the user and an empty password (401 otherwise).
 * A label's `public_url` (`GET /track/{trk}`) and `label_url` (`GET /labels/{shp}.png`) are public,
 * as EasyPost's are.
 *
 * Test hooks, in process or over HTTP (same authentication), so tests in other processes can use
 * them too, per reference (the order id): counters (`statsFor`, `GET /_sandbox/references/{ref}`);
 * faults (`injectFaults`, `POST /_sandbox/references/{ref}/faults` with
 * `{ "serverErrors"?, "delayMs"?, "times"? }`): a run of 503s answered without processing, then
 * answers held back *after* processing, so that a client times out on a request that took effect;
 * and the carrier's first scan of every bought parcel (`dispatch`,
 * `POST /_sandbox/references/{ref}/dispatch`), after which a refund is `rejected`.
 *
 * Trackers: the purchase makes a `tracker.created` Event and every status change a
 * `tracker.updated` one, signed with the webhook secret and POSTed to `webhook.url` when one is set
 * (sandbox-carrier-webhooks.ts: retries, one tracker's events in order). With `advance`, each label's
 * tracker moves by itself pre_transit → in_transit → out_for_delivery → delivered, each delay counted
 * from the previous step; a refunded label stops. Hooks: `advance`
 * (`POST /_sandbox/references/{ref}/advance` with `{ "status" }`) moves the tracker of the
 * reference's latest label to any status, backwards too, and answers the signed event (posted as
 * well, not awaited); `webhookDeliveries` (`GET /_sandbox/references/{ref}/webhooks`) lists what was
 * sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_CARRIER_API_KEY, LOCAL_CARRIER_WEBHOOK_SECRET } from '../../shared/production-safety';
import { startLoopbackServer } from './loopback-server';
import {
  createWebhookSender,
  type SandboxWebhookDelivery,
  type SignedTrackerEvent,
  type WebhookSender,
} from './sandbox-carrier-webhooks';
import { newSandboxId } from './sandbox-payments';
import {
  apiError,
  createSandboxShipments,
  decoded,
  type FieldError,
  faultProblems,
  isTrackerStatus,
  type SandboxAnswer,
  type SandboxFaults,
  type SandboxShipmentStats,
  type SandboxShipments,
  TRACKER_STATUSES,
  type TrackerChange,
  type TrackerStatus,
} from './sandbox-shipments';

export type { SandboxWebhookDelivery, SignedTrackerEvent } from './sandbox-carrier-webhooks';
export { webhookSignature } from './sandbox-carrier-webhooks';
export type {
  SandboxFaults,
  SandboxShipmentStats,
  SandboxTracker,
  SandboxTrackerEvent,
  SandboxTrackingDetail,
  TrackerStatus,
} from './sandbox-shipments';
export { TRACKER_STATUSES } from './sandbox-shipments';

/** The automatic advance's delays, each counted from the previous step (the first from the purchase). */
export interface SandboxAdvanceDelays {
  inTransitAfterMs: number;
  outForDeliveryAfterMs: number;
  deliveredAfterMs: number;
}

export interface SandboxCarrierOptions {
  /** Defaults to a port chosen by the OS. */
  port?: number;
  /** The API key clients must send; defaults to the local one of shared/production-safety.ts. */
  apiKey?: string;
  /** One line per API request and per webhook delivery attempt, for `npm start`'s output. */
  onRequest?: (line: string) => void;
  /**
   * Where tracker events are POSTed (http:// on loopback only), signed with `secret` (defaults to
   * `webhookSecret`). Without it nothing is posted.
   */
  webhook?: { url: string; secret?: string };
  /** The signing secret when `webhook.secret` is not given; defaults to the local one of shared/production-safety.ts. */
  webhookSecret?: string;
  /** The wait before a delivery's second attempt, doubling for each further one (5 attempts in all); defaults to 1000. */
  webhookRetryBaseMs?: number;
  /** Trackers that advance on their own after these delays; null (the default) for none. */
  advance?: SandboxAdvanceDelays | null;
}

export interface SandboxCarrier {
  /** http://127.0.0.1:<port> (the API is under /v2). */
  url: string;
  port: number;
  apiKey: string;
  statsFor(reference: string): SandboxShipmentStats;
  /** Replaces the pending faults of each kind given (throws on invalid ones). */
  injectFaults(reference: string, faults: SandboxFaults): void;
  /** The carrier scans every bought shipment of the reference; throws when it has none. */
  dispatch(reference: string): void;
  /** The secret events are signed with. */
  webhookSecret: string;
  /**
   * Moves the tracker of the reference's most recently bought shipment to `status` (any, backwards
   * too) and answers its signed `tracker.updated` event, also posted to the webhook (not awaited).
   * Throws on an invalid status or when the reference has no bought shipment.
   */
  advance(reference: string, status: TrackerStatus): SignedTrackerEvent;
  /** The webhook deliveries of the reference's events, in the order the events were made. */
  webhookDeliveries(reference: string): SandboxWebhookDelivery[];
  /** Closes the server and every connection, answered or not; clears the advance timers and aborts webhook posts. */
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const HOOK = /^\/_sandbox\/references\/([^/]+)(?:\/(faults|dispatch|advance|webhooks))?$/;
const TRACK_PAGE = /^\/track\/([^/]+)$/;
const LABEL = /^\/labels\/([^/]+)\.png$/;
/** A 1×1 PNG: the sandbox's every label. */
const LABEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** The problems of an advance hook's body; none when it is `{ "status": <a tracker status> }`. */
function advanceProblems(body: unknown): FieldError[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return [{ field: 'body', message: 'must be an object' }];
  const { status, ...rest } = body as Record<string, unknown>;
  const problems = Object.keys(rest).map((field) => ({ field, message: 'is not a field' }));
  if (!isTrackerStatus(status))
    problems.push({ field: 'status', message: `must be one of ${TRACKER_STATUSES.join(', ')}` });
  return problems;
}

function delayProblems(delays: SandboxAdvanceDelays): string[] {
  return (['inTransitAfterMs', 'outForDeliveryAfterMs', 'deliveredAfterMs'] as const)
    .filter((name) => !(Number.isFinite(delays[name]) && delays[name] >= 0))
    .map((name) => `advance.${name} must be a number ≥ 0`);
}

export async function startSandboxCarrier(options: SandboxCarrierOptions = {}): Promise<SandboxCarrier> {
  const apiKey = options.apiKey ?? LOCAL_CARRIER_API_KEY;
  const webhookSecret = options.webhook?.secret ?? options.webhookSecret ?? LOCAL_CARRIER_WEBHOOK_SECRET;
  const delays = options.advance ?? null;
  const problems = delays ? delayProblems(delays) : [];
  if (problems.length > 0) throw new Error(`invalid sandbox carrier options: ${problems.join('; ')}`);
  // Throws here, before anything listens, on a webhook URL off loopback.
  const webhooks: WebhookSender = createWebhookSender({
    url: options.webhook?.url ?? null,
    secret: webhookSecret,
    retryBaseMs: options.webhookRetryBaseMs ?? 1000,
    ...(options.onRequest && { log: options.onRequest }),
  });
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;

  function later(ms: number, run: () => void): void {
    if (stopping) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopping) run();
    }, ms);
    timers.add(timer);
  }

  /** The automatic advance from `step` on: each step waits its delay, then moves the tracker forward. */
  function schedule(shipmentId: string, step: number): void {
    if (!delays) return;
    const steps: [TrackerStatus, number][] = [
      ['in_transit', delays.inTransitAfterMs],
      ['out_for_delivery', delays.outForDeliveryAfterMs],
      ['delivered', delays.deliveredAfterMs],
    ];
    const next = steps[step];
    if (!next) return;
    later(next[1], () => {
      if (state().autoAdvance(shipmentId, next[0])) schedule(shipmentId, step + 1);
    });
  }

  /** The latest event onTrackerEvent signed, so the advance hook answers the very bytes posted. */
  let lastSigned: SignedTrackerEvent | undefined;
  /** Every tracker event: signed, posted (when there is a webhook), and a new label's advance started. */
  function onTrackerEvent({ reference, shipmentId, trackerId, event }: TrackerChange): void {
    lastSigned = webhooks.sign(event);
    webhooks.post(reference, trackerId, lastSigned);
    if (event.description === 'tracker.created') schedule(shipmentId, 0);
  }

  /** Moves the tracker; answers the event exactly as onTrackerEvent signed (and posted) it. */
  function moved(reference: string, status: TrackerStatus): SignedTrackerEvent | undefined {
    const event = state().moveTracker(reference, status);
    if (!event) return undefined;
    const signed = lastSigned?.event.id === event.id ? lastSigned : webhooks.sign(event);
    return { ...signed, event: JSON.parse(signed.body) as SignedTrackerEvent['event'] };
  }

  function advance(reference: string, status: TrackerStatus): SignedTrackerEvent {
    if (!isTrackerStatus(status)) throw new Error(`invalid tracker status ${String(status)}`);
    const signed = moved(reference, status);
    if (!signed) throw new Error(`reference ${reference} has no bought shipment`);
    return signed;
  }

  function injectFaults(reference: string, faults: SandboxFaults): void {
    state().injectFaults(reference, faults);
  }

  function dispatch(reference: string): void {
    if (state().dispatch(reference) === 0) throw new Error(`reference ${reference} has no bought shipment`);
  }

  /** `Authorization: Basic base64("<key>:")`. */
  function authorized(header: string | undefined): boolean {
    const match = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
    return match?.[1] !== undefined && Buffer.from(match[1], 'base64').toString('utf8') === `${apiKey}:`;
  }

  /** Answers the public pages (no authentication); false when the request is not for one. */
  function publicPage(request: IncomingMessage, response: ServerResponse, path: string): boolean {
    if (request.method !== 'GET') return false;
    const track = TRACK_PAGE.exec(path);
    if (track?.[1] !== undefined) {
      const tracker = state().trackerOf(decoded(track[1]));
      if (!tracker) send(response, apiError(404, 'NOT_FOUND', 'The tracker does not exist.'));
      else response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(trackingPage(tracker));
      return true;
    }
    const label = LABEL.exec(path);
    if (label?.[1] === undefined) return false;
    if (!state().hasLabel(decoded(label[1]))) send(response, apiError(404, 'NOT_FOUND', 'The label does not exist.'));
    else response.writeHead(200, { 'Content-Type': 'image/png' }).end(LABEL_PNG);
    return true;
  }

  /** The test hooks; undefined when the request is not one. */
  function hookAnswer(request: IncomingMessage, path: string, raw: string): SandboxAnswer | undefined {
    const match = HOOK.exec(path);
    if (match?.[1] === undefined) return undefined;
    const reference = decoded(match[1]);
    if (request.method === 'GET' && !match[2]) return { status: 200, body: state().statsFor(reference) };
    if (request.method === 'GET' && match[2] === 'webhooks')
      return { status: 200, body: { deliveries: webhooks.deliveries(reference) } };
    if (request.method !== 'POST' || !match[2] || match[2] === 'webhooks') return undefined;
    if (match[2] === 'advance') return advanceAnswer(reference, raw);
    if (match[2] === 'dispatch') {
      if (state().dispatch(reference) > 0) return { status: 204, body: null };
      return apiError(404, 'NOT_FOUND', `Reference ${reference} has no bought shipment.`);
    }
    let faults: unknown;
    try {
      faults = JSON.parse(raw);
    } catch {
      return apiError(400, 'BAD_REQUEST', 'The faults are not JSON.');
    }
    const problems = faultProblems(faults);
    if (problems.length > 0) return apiError(400, 'BAD_REQUEST', 'Invalid faults.', problems);
    state().injectFaults(reference, faults as SandboxFaults);
    return { status: 204, body: null };
  }

  function advanceAnswer(reference: string, raw: string): SandboxAnswer {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return apiError(400, 'BAD_REQUEST', 'The body is not JSON.');
    }
    const problems = advanceProblems(body);
    if (problems.length > 0) return apiError(400, 'BAD_REQUEST', 'Invalid tracker status.', problems);
    const signed = moved(reference, (body as { status: TrackerStatus }).status);
    if (!signed) return apiError(404, 'NOT_FOUND', `Reference ${reference} has no bought shipment.`);
    return { status: 200, body: signed };
  }

  async function handle(request: IncomingMessage, response: ServerResponse, raw: string): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://sandbox').pathname;
    const method = request.method ?? 'GET';
    if (publicPage(request, response, path)) return;
    if (!authorized(request.headers.authorization)) {
      return send(response, apiError(401, 'APIKEY.INACTIVE', 'This API key is inactive or was not provided.'));
    }
    const hook = hookAnswer(request, path, raw);
    if (hook) return send(response, hook);
    const reply = state().answer(method, path, raw);
    options.onRequest?.(
      `${method} ${path} → ${reply.status}${reply.injected ? ' (injected)' : ''}${
        reply.holdMs > 0 ? `, held ${reply.holdMs} ms` : ''
      }, reference ${reply.reference ?? '-'}`,
    );
    await server.holdBack(reply.holdMs);
    send(response, reply);
  }

  // Label and tracking URLs name the server, so the state is made once its port is known; until then
  // (within the same start, before anyone knows the port) a request is answered 500.
  let shipments: SandboxShipments | undefined;
  const state = (): SandboxShipments => {
    if (!shipments) throw new Error('the sandbox carrier is starting');
    return shipments;
  };
  const server = await startLoopbackServer({
    ...(options.port !== undefined && { port: options.port }),
    maxBodyBytes: MAX_BODY_BYTES,
    handle,
    tooLarge: (response) => send(response, apiError(413, 'REQUEST.TOO_LARGE', 'Request too large.')),
    failed: (response, error) =>
      send(response, apiError(500, 'INTERNAL_SERVER_ERROR', `sandbox failure: ${error.message}`)),
  });
  shipments = createSandboxShipments({ baseUrl: server.url, onTrackerEvent });

  return {
    url: server.url,
    port: server.port,
    apiKey,
    statsFor: (reference) => state().statsFor(reference),
    injectFaults,
    dispatch,
    webhookSecret,
    advance,
    webhookDeliveries: (reference) => webhooks.deliveries(reference),
    stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      webhooks.stop();
      return server.stop();
    },
  };
}

/** The customer-facing tracking page of a label (its tracker's `public_url`). */
function trackingPage(tracker: NonNullable<ReturnType<SandboxShipments['trackerOf']>>): string {
  const html = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.codePointAt(0)};`);
  const events = tracker.history.map(({ status, at }) => `<li>${html(at)}: ${html(status)}</li>`).join('');
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>Parcel ${html(tracker.trackingCode)}</title></head><body>`,
    `<h1>Parcel ${html(tracker.trackingCode)}</h1>`,
    `<p>${html(tracker.carrier)} (sandbox), status: <strong>${html(tracker.status)}</strong></p>`,
    `<ol>${events}</ol></body></html>`,
  ].join('');
}

function send(response: ServerResponse, answer: SandboxAnswer): void {
  if (response.destroyed || response.writableEnded) return;
  const headers: Record<string, string> = { 'X-Ep-Request-Uuid': newSandboxId('req') };
  if (answer.body === null) {
    response.writeHead(answer.status, headers).end();
    return;
  }
  response.writeHead(answer.status, { ...headers, 'Content-Type': 'application/json' });
  response.end(JSON.stringify(answer.body));
}

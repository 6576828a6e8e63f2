import { createHmac } from 'node:crypto';
import { NotFoundError } from '../../errors';
import type { Clock } from '../../lib/clock';
import type { CursorCodec } from '../../lib/cursor-codec';
import type { DomainEvent } from '../events/domain-event';
import type { ListResult, Page, PageRequest } from '../pagination';
import { CircuitOpenError } from '../payments/circuit-breaker';
import { type WebhookEndpoint, WebhookEndpointNotFoundError } from './webhook-endpoint';

/**
 * Delivery of events to webhook endpoints (contract §5.7). The event publisher puts one message per
 * event and subscribed endpoint on the webhook queue; the delivery worker POSTs it, signed, and
 * keeps every attempt on the delivery's record. A failure is retried with exponential backoff and
 * jitter (the message held back on the queue) until `giveUpAfterSeconds` have passed since the
 * first attempt; then the delivery is kept as FAILED, listed, and can be sent again by hand.
 */

/** What the queue carries: the event itself, so a delivery needs nothing else to be made. */
export interface WebhookDeliveryMessage {
  endpointId: string;
  event: DomainEvent;
}

export type DeliveryStatus = 'PENDING' | 'RETRYING' | 'SUCCEEDED' | 'FAILED';

export interface DeliveryAttempt {
  at: string;
  /** The receiver's HTTP status; null when there was no answer (`error` says why). */
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** One event's delivery to one endpoint, with its attempts (the newest last). */
export interface WebhookDelivery {
  endpointId: string;
  /** The delivery's id is its event's id: an endpoint gets each event once. */
  eventId: string;
  eventType: DomainEvent['type'];
  event: DomainEvent;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  /** Which round of attempts: 0, then one more at each manual retry. */
  round: number;
  /** When the attempts of this round began (a manual retry starts a new round). */
  firstAttemptAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The delivery records. Every change is one conditional write, so racing deliveries agree. */
export interface WebhookDeliveryStore {
  /**
   * Takes the delivery for one attempt until `leaseUntil` (creating its record on first sight):
   * `claimed` with the record, `done` when it succeeded or was given up on, `busy` while another
   * attempt holds it or its next attempt is not due yet (until when, epoch ms: a duplicate message
   * keeps to the backoff).
   */
  claim(
    message: WebhookDeliveryMessage,
    at: { now: string; leaseUntil: string },
  ): Promise<{ state: 'claimed'; delivery: WebhookDelivery } | { state: 'done' } | { state: 'busy'; untilMs: number }>;
  /**
   * Stores the attempts (the new one last), the status and when the next attempt is due, and gives
   * the lease up. Only the lease's holder calls it, so it may write the list whole.
   * @returns false when a manual retry started a new round meanwhile (nothing stored but the lease
   *   given up: the new round's message makes its own attempt)
   */
  recordAttempt(
    ref: RoundRef,
    attempts: DeliveryAttempt[],
    outcome: { status: DeliveryStatus; nextAttemptAt: string | null; firstAttemptAt: string },
  ): Promise<boolean>;
  /** Gives the lease up without an attempt (the attempt could not be made: the key or the table failed). */
  release(ref: DeliveryRef): Promise<void>;
  get(ref: DeliveryRef): Promise<WebhookDelivery | null>;
  /** The endpoint's deliveries, newest event first. */
  list(endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>>;
  /** Starts a new round of attempts (a manual retry): PENDING, no first attempt yet. Null when there is none. */
  restart(ref: DeliveryRef, now: string): Promise<WebhookDelivery | null>;
}

export type DeliveryRef = { endpointId: string; eventId: string };
/** A delivery in one round of attempts (a manual retry starts the next round). */
export type RoundRef = DeliveryRef & { round: number };

/** What the receiver did with one POST. */
export type SendOutcome = { status: number; durationMs: number } | { error: string; durationMs: number };

/**
 * Sends one POST. Refuses (as an `error`) to connect to an address the URL policy forbids, looked up
 * at connect time, and never follows a redirect.
 */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendOutcome>;
}

/** The queue of deliveries (SQS). */
export interface WebhookDeliveryQueue {
  send(messages: WebhookDeliveryMessage[]): Promise<void>;
}

/** The header a receiver verifies: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/** A delivery that failed and is to be tried again in `retryInSeconds` (the worker holds its message back). */
export class RetryDeliveryLaterError extends Error {
  readonly retryInSeconds: number;

  constructor(retryInSeconds: number, why: string) {
    super(`webhook delivery to be retried in ${retryInSeconds} s: ${why}`);
    this.name = 'RetryDeliveryLaterError';
    this.retryInSeconds = retryInSeconds;
  }
}

/** Thrown inside the endpoint's circuit so that failed attempts count toward opening it. */
class DeliveryFailedError extends Error {
  constructor(readonly outcome: SendOutcome) {
    super('webhook delivery failed');
  }
}

/** What an endpoint's circuit counts as a failure: an attempt that got no 2xx. */
export const isDeliveryFailure = (error: unknown): boolean => error instanceof DeliveryFailedError;

export class WebhookDeliveryNotFoundError extends NotFoundError {
  constructor(endpointId: string, eventId: string) {
    super('WEBHOOK_DELIVERY_NOT_FOUND', `No delivery of ${eventId} to webhook endpoint ${endpointId}.`);
  }
}

export interface RetrySchedule {
  /** The first retry's delay; each one after doubles it, up to `maxDelaySeconds`, with full jitter on half. */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** How long after the round's first attempt a delivery is given up on (at least 24 h in production). */
  giveUpAfterSeconds: number;
}

/** The delay before the attempt after `attempts` failed ones: half fixed, half jitter (never 0, never in lockstep). */
export function retryDelaySeconds(attempts: number, { baseDelaySeconds, maxDelaySeconds }: RetrySchedule): number {
  const ceiling = Math.min(maxDelaySeconds, baseDelaySeconds * 2 ** Math.max(0, attempts - 1));
  return Math.max(1, Math.round(ceiling / 2 + (Math.random() * ceiling) / 2));
}

/** The attempts a delivery's record keeps (the newest): a round of retries over 25 h makes 17 to 26. */
export const MAX_KEPT_ATTEMPTS = 50;

/** What a breaker does for the deliverer: runs a call, or throws `CircuitOpenError` without making it. */
export type EndpointCircuit = <T>(call: () => Promise<T>) => Promise<T>;

export interface WebhookDelivererDeps {
  endpoint: (id: string) => Promise<WebhookEndpoint | null>;
  deliveries: WebhookDeliveryStore;
  sender: WebhookSender;
  /** The endpoint's signing secret (derived from the shop's webhook key). */
  secretOf: (endpointId: string) => Promise<string>;
  /** The endpoint's own circuit: one dead receiver fails fast without holding the others up. */
  circuitOf: (endpointId: string) => EndpointCircuit;
  clock: Clock;
  timeoutMs: number;
  schedule: RetrySchedule;
  onAttempt?: (attempt: DeliveryAttempt & { endpointId: string; eventType: string; outcome: DeliveryStatus }) => void;
}

const isSuccess = (outcome: SendOutcome) => 'status' in outcome && outcome.status >= 200 && outcome.status < 300;

const plusSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();

export function createWebhookDeliverer(deps: WebhookDelivererDeps) {
  const { deliveries, clock, schedule } = deps;
  /** A claim outlives the attempt it covers (the timeout) with room for the record's write. */
  const leaseSeconds = Math.ceil(deps.timeoutMs / 1000) + 20;

  async function attempt(endpoint: WebhookEndpoint, event: DomainEvent): Promise<SendOutcome> {
    const body = JSON.stringify(event);
    const secret = await deps.secretOf(endpoint.id);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Cartwheel-Webhooks/1',
      'cartwheel-event-id': event.id,
      'cartwheel-event-type': event.type,
      'cartwheel-signature': signatureHeader(secret, body, Math.floor(clock.now().getTime() / 1000)),
    };
    try {
      return await deps.circuitOf(endpoint.id)(async () => {
        const outcome = await deps.sender.post(endpoint.url, body, headers, deps.timeoutMs);
        if (!isSuccess(outcome)) throw new DeliveryFailedError(outcome);
        return outcome;
      });
    } catch (error) {
      if (error instanceof DeliveryFailedError) return error.outcome;
      throw error;
    }
  }

  return {
    /**
     * Makes one attempt of the message's delivery. Returns when the delivery is over (succeeded,
     * given up on, already done, or its endpoint gone).
     * @throws RetryDeliveryLaterError when it is to be tried again later
     */
    async deliver(message: WebhookDeliveryMessage): Promise<'succeeded' | 'failed' | 'done' | 'no-endpoint'> {
      const endpoint = await deps.endpoint(message.endpointId);
      if (!endpoint) return 'no-endpoint';
      const now = clock.now();
      const claim = await deliveries.claim(message, {
        now: now.toISOString(),
        leaseUntil: plusSeconds(now, leaseSeconds),
      });
      if (claim.state === 'done') return 'done';
      if (claim.state === 'busy')
        throw new RetryDeliveryLaterError(
          Math.max(1, Math.ceil((claim.untilMs - now.getTime()) / 1000)),
          'another attempt holds it',
        );
      const { delivery } = claim;
      const ref = { endpointId: endpoint.id, eventId: delivery.eventId, round: delivery.round };
      let outcome: SendOutcome;
      let circuitWait = 0;
      try {
        outcome = await attempt(endpoint, delivery.event);
      } catch (error) {
        if (!(error instanceof CircuitOpenError)) {
          await deliveries.release(ref);
          throw error;
        }
        // Not sent: the endpoint's circuit is open. Kept as an attempt of its own, so the delivery
        // backs off and gives up on its schedule like any failed one (and does not come back every
        // cooldown until SQS dead-letters it).
        outcome = { error: 'not sent: the endpoint’s circuit is open', durationMs: 0 };
        circuitWait = error.retryInSeconds;
      }
      const at = clock.now();
      const firstAttemptAt = delivery.firstAttemptAt ?? now.toISOString();
      const record: DeliveryAttempt = {
        at: now.toISOString(),
        status: 'status' in outcome ? outcome.status : null,
        error: 'error' in outcome ? outcome.error : null,
        durationMs: Math.round(outcome.durationMs),
      };
      const kept = [...delivery.attempts, record].slice(-MAX_KEPT_ATTEMPTS);
      const report = (status: DeliveryStatus) =>
        deps.onAttempt?.({ ...record, endpointId: endpoint.id, eventType: delivery.eventType, outcome: status });
      // A manual retry meanwhile started a new round: this attempt is not recorded, and its message
      // comes back at once to serve the new round (should the retry's own message have been lost; a
      // second message of a round only waits for the first).
      const recorded = async (status: DeliveryStatus, nextAttemptAt: string | null) => {
        if (!(await deliveries.recordAttempt(ref, kept, { status, nextAttemptAt, firstAttemptAt })))
          throw new RetryDeliveryLaterError(1, 'a manual retry started a new round meanwhile');
      };
      if (isSuccess(outcome)) {
        await recorded('SUCCEEDED', null);
        report('SUCCEEDED');
        return 'succeeded';
      }
      // Given up only once the whole retry time has passed; the last wait is cut to end there.
      const deadline = Date.parse(firstAttemptAt) + schedule.giveUpAfterSeconds * 1000;
      if (at.getTime() >= deadline) {
        await recorded('FAILED', null);
        report('FAILED');
        return 'failed';
      }
      const attempts = delivery.attempts.filter((earlier) => earlier.at >= firstAttemptAt).length + 1;
      const untilDeadline = Math.ceil((deadline - at.getTime()) / 1000);
      const delay = Math.max(1, Math.min(Math.max(retryDelaySeconds(attempts, schedule), circuitWait), untilDeadline));
      await recorded('RETRYING', plusSeconds(at, delay));
      report('RETRYING');
      throw new RetryDeliveryLaterError(delay, record.error ?? `answered ${record.status}`);
    },
  };
}

export type WebhookDeliverer = ReturnType<typeof createWebhookDeliverer>;

/** The contract's delivery: the event's id and type, the status, and every attempt (no payload). */
export const toDeliveryView = (delivery: WebhookDelivery) => ({
  id: delivery.eventId,
  endpointId: delivery.endpointId,
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  occurredAt: delivery.event.occurredAt,
  status: delivery.status,
  attempts: delivery.attempts,
  nextAttemptAt: delivery.nextAttemptAt,
  createdAt: delivery.createdAt,
  updatedAt: delivery.updatedAt,
});

export type DeliveryView = ReturnType<typeof toDeliveryView>;

/** The endpoint, or WebhookEndpointNotFoundError. */
async function existing(endpoint: (id: string) => Promise<WebhookEndpoint | null>, id: string) {
  const found = await endpoint(id);
  if (!found) throw new WebhookEndpointNotFoundError(id);
  return found;
}

/** `GET /v1/admin/webhook-endpoints/{id}/deliveries`: an endpoint's deliveries, newest event first. */
export function createWebhookDeliveryListing(deps: {
  endpoint: (id: string) => Promise<WebhookEndpoint | null>;
  deliveries: Pick<WebhookDeliveryStore, 'list'>;
  cursors: CursorCodec;
}) {
  return {
    /** @throws WebhookEndpointNotFoundError, InvalidCursorError */
    async list(endpointId: string, limit: number, cursor?: string): Promise<ListResult<DeliveryView>> {
      await existing(deps.endpoint, endpointId);
      const scope = `webhook-deliveries:${endpointId}`;
      const page = await deps.deliveries.list(endpointId, {
        limit,
        after: cursor ? await deps.cursors.decode(cursor, scope) : undefined,
      });
      return {
        items: page.items.map(toDeliveryView),
        nextCursor: page.next ? await deps.cursors.encode(page.next, scope) : null,
      };
    },
  };
}

/** `POST …/deliveries/{deliveryId}/retry`: the manual redelivery. */
export function createWebhookDeliveryRetry(deps: {
  endpoint: (id: string) => Promise<WebhookEndpoint | null>;
  deliveries: Pick<WebhookDeliveryStore, 'restart'>;
  queue: WebhookDeliveryQueue;
  clock: Clock;
}) {
  return {
    /**
     * Sends the delivery again, whatever became of it (a failed one, or one a receiver lost): a new
     * round of attempts, with the same event and id.
     * @throws WebhookEndpointNotFoundError, WebhookDeliveryNotFoundError
     */
    async retry(ref: DeliveryRef): Promise<DeliveryView> {
      await existing(deps.endpoint, ref.endpointId);
      const delivery = await deps.deliveries.restart(ref, deps.clock.now().toISOString());
      if (!delivery) throw new WebhookDeliveryNotFoundError(ref.endpointId, ref.eventId);
      await deps.queue.send([{ endpointId: ref.endpointId, event: delivery.event }]);
      return toDeliveryView(delivery);
    },
  };
}

/**
 * The deliveries an event makes: one per endpoint subscribed to its type (or to everything) that
 * existed when the event occurred (an endpoint registered later does not get the past).
 */
export const deliveriesOf = (event: DomainEvent, endpoints: WebhookEndpoint[]): WebhookDeliveryMessage[] =>
  endpoints
    .filter((endpoint) => endpoint.events.includes('*') || endpoint.events.includes(event.type))
    .filter((endpoint) => endpoint.createdAt <= event.occurredAt)
    .map((endpoint) => ({ endpointId: endpoint.id, event }));

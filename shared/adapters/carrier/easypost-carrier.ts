import {
  type Carrier,
  CarrierError,
  type Shipment,
  type ShipmentCancellation,
  ShipmentRejectedError,
  type ShipmentRejection,
  type ShipmentRequest,
} from '../../domain/fulfilment/carrier';
import { type JsonObject, objectAt, parseJsonObject, transportFailure } from '../json-api';
import { type RetryPolicy, retryTransient } from '../retry-transient';

/**
 * The carrier over EasyPost's HTTP API v2 (shipments, label purchase, refunds), with `fetch`
 * rather than EasyPost's SDK (docs/decisions/0018-carrier-adapter.md). The same adapter runs
 * locally against the sandbox of scripts/local/sandbox-carrier.ts, pointed at another base URL.
 *
 * EasyPost has no idempotency keys; what makes a label exactly-once is the shipment id: the
 * fulfilment service stores it on the order before buying, and a shipment has at most one label.
 * So every call here is safe to repeat: a create makes another (free, unbought) shipment, a buy of
 * a bought shipment is refused and answered with its label, a refund of a refunded label answers
 * its status again.
 */

export interface EasyPostCarrierOptions {
  /** `https://api.easypost.com`, or the local sandbox. */
  baseUrl: string;
  /** The API key, resolved on first use (from SSM in AWS) and cached by the source. */
  apiKey: () => Promise<string>;
  /** The shop's address (`adr_…`), every parcel's sender. */
  fromAddressId: string;
  /** Per attempt, from sending the request to reading the whole answer. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** Observes each retry (logs, metrics). */
  onRetry?: (retry: { operation: string; attempt: number; delayMs: number; error: CarrierError }) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

type EasyPostObject = JsonObject;

/** EasyPost weighs parcels in ounces. */
const GRAMS_PER_OUNCE = 28.349523125;

/** A 422: the carrier refused the request for what it says, and would refuse it again. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly fields: string[],
  ) {
    super(`refused: ${code}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`);
  }
}

/** A 404: no such shipment in this account. */
class NotFound extends Error {}

export function createEasyPostCarrier(options: EasyPostCarrierOptions): Carrier {
  const send = options.fetch ?? fetch;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  /**
   * One attempt: the answer's JSON (2xx), a Refusal (422), NotFound (404), or a CarrierError that
   * says whether trying again may help. The error text of a carrier can quote the address, so only
   * its code and the names of the fields it objects to reach a message (and so a log line).
   */
  async function attempt(method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<EasyPostObject> {
    let response: Response;
    let text: string;
    try {
      // One signal for the whole exchange: a carrier that answers the headers and then stalls times out too.
      const signal = AbortSignal.timeout(options.timeoutMs);
      response = await send(`${baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Basic ${Buffer.from(`${key}:`, 'utf8').toString('base64')}`,
          Accept: 'application/json',
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      throw transportError(error, method, path, options.timeoutMs);
    }
    const answer = parseJsonObject(text);
    const status = response.status;
    if (response.ok && answer) return answer;
    const error = answer ? objectAt(answer, 'error') : undefined;
    const code = typeof error?.code === 'string' ? error.code : undefined;
    if (status === 422) throw new Refusal(code ?? 'UNPROCESSABLE', fieldsOf(error));
    if (status === 404) throw new NotFound(`${method} ${path} answered 404 ${code ?? ''}`);
    // Without JSON a 2xx is as unusable as a 5xx; every request here is safe to repeat.
    const retryable = response.ok || status === 429 || status >= 500;
    throw new CarrierError(`${method} ${path} answered ${status}${code ? ` ${code}` : ''}`, {
      retryable,
      httpStatus: status,
      ...(code && { carrierCode: code }),
    });
  }

  async function call(operation: string, method: 'GET' | 'POST', path: string, body?: unknown) {
    let key: string;
    try {
      key = await options.apiKey();
    } catch (error) {
      throw new CarrierError('the carrier API key could not be loaded', { retryable: false, cause: error });
    }
    return retryTransient(() => attempt(method, path, key, body), options.retry, {
      retryable: (error): error is CarrierError => error instanceof CarrierError && error.retryable,
      ...(options.sleep && { sleep: options.sleep }),
      onRetry: (retry) => options.onRetry?.({ operation, ...retry }),
    });
  }

  const shipmentPath = (shipmentId: string) => `/v2/shipments/${encodeURIComponent(shipmentId)}`;

  async function shipmentOf(shipmentId: string): Promise<EasyPostObject> {
    try {
      return await call('get-shipment', 'GET', shipmentPath(shipmentId));
    } catch (error) {
      if (error instanceof NotFound || error instanceof Refusal) throw unknownShipment(shipmentId, error);
      throw error;
    }
  }

  return {
    async createShipment(request: ShipmentRequest) {
      const { address } = request;
      let created: EasyPostObject;
      try {
        created = await call('create-shipment', 'POST', '/v2/shipments', {
          shipment: {
            reference: request.orderId,
            to_address: {
              name: address.name,
              street1: address.line1,
              ...(address.line2 && { street2: address.line2 }),
              city: address.city,
              zip: address.postalCode,
              country: address.country,
            },
            from_address: { id: options.fromAddressId },
            parcel: { weight: ounces(request.weightGrams) },
          },
        });
      } catch (error) {
        if (error instanceof Refusal) throw rejection(request.orderId, 'create', error);
        if (error instanceof NotFound) throw unexpected('POST /v2/shipments answered 404', error);
        throw error;
      }
      const shipmentId = created.id;
      if (typeof shipmentId !== 'string') throw unexpected('the shipment answer carries no id');
      // A shipment without a rate can never be bought: no service of the account takes it.
      if (cheapestRate(created) === undefined) {
        throw new ShipmentRejectedError(
          'undeliverable-address',
          `order ${request.orderId}: shipment ${shipmentId} has no rate (${rateErrors(created)})`,
        );
      }
      return { shipmentId };
    },

    async buyLabel(shipmentId: string): Promise<Shipment> {
      const shipment = await shipmentOf(shipmentId);
      const bought = labelOf(shipment);
      if (bought) return bought;
      const rate = cheapestRate(shipment);
      if (rate === undefined) {
        throw new ShipmentRejectedError('undeliverable-address', `shipment ${shipmentId} has no rate to buy`);
      }
      try {
        const answer = await call('buy-label', 'POST', `${shipmentPath(shipmentId)}/buy`, { rate: { id: rate } });
        const label = labelOf(answer);
        if (!label) throw unexpected(`the purchase of shipment ${shipmentId} carries no tracking code`);
        return label;
      } catch (error) {
        if (!(error instanceof Refusal) && !(error instanceof NotFound)) throw error;
        // Bought already: by an attempt whose answer was lost, or by a racing delivery. Its label is ours.
        const label = labelOf(await shipmentOf(shipmentId));
        if (label) return label;
        throw rejection(shipmentId, 'buy', error instanceof Refusal ? error : new Refusal('NOT_FOUND', []));
      }
    },

    async cancel(shipmentId: string): Promise<ShipmentCancellation> {
      let answer: EasyPostObject;
      try {
        answer = await call('refund-label', 'POST', `${shipmentPath(shipmentId)}/refund`, {});
      } catch (error) {
        if (!(error instanceof Refusal)) {
          if (error instanceof NotFound) throw unknownShipment(shipmentId, error);
          throw error;
        }
        // Refused: a shipment without a label has nothing to void.
        if (!labelOf(await shipmentOf(shipmentId))) return 'not-booked';
        throw new CarrierError(`the refund of shipment ${shipmentId} was refused: ${error.code}`, {
          retryable: false,
          carrierCode: error.code,
        });
      }
      switch (answer.refund_status) {
        case 'submitted':
        case 'refunded':
          return 'cancelled';
        case 'rejected':
          // The carrier has scanned the parcel: the label was used.
          return 'already-dispatched';
        default:
          throw unexpected(`the refund of shipment ${shipmentId} is ${String(answer.refund_status)}`);
      }
    },
  };
}

/** Whole tenths of an ounce, rounded up (a carrier rounds a parcel's weight up too). */
export const ounces = (grams: number): number => Math.max(1, Math.ceil((grams / GRAMS_PER_OUNCE) * 10)) / 10;

/** The id of the cheapest rate of a shipment (by amount; EasyPost quotes amounts as decimal strings). */
function cheapestRate(shipment: EasyPostObject): string | undefined {
  const rates = Array.isArray(shipment.rates) ? (shipment.rates as unknown[]) : [];
  let best: { id: string; amount: number } | undefined;
  for (const rate of rates) {
    if (typeof rate !== 'object' || rate === null) continue;
    const { id, rate: amount } = rate as EasyPostObject;
    const value = Number(amount);
    if (typeof id !== 'string' || !Number.isFinite(value)) continue;
    if (!best || value < best.amount) best = { id, amount: value };
  }
  return best?.id;
}

/** The bought label of a shipment, or undefined when it has none. */
function labelOf(shipment: EasyPostObject): Shipment | undefined {
  const trackingCode = shipment.tracking_code;
  const selected = objectAt(shipment, 'selected_rate');
  if (typeof trackingCode !== 'string' || trackingCode === '' || !selected) return undefined;
  const publicUrl = objectAt(shipment, 'tracker')?.public_url;
  return {
    carrier: typeof selected.carrier === 'string' ? selected.carrier : 'unknown',
    trackingNumber: trackingCode,
    trackingUrl: typeof publicUrl === 'string' && /^https?:\/\//.test(publicUrl) ? publicUrl : null,
  };
}

/** What the carrier said about the rates it could not give (no address details). */
function rateErrors(shipment: EasyPostObject): string {
  const messages = Array.isArray(shipment.messages) ? (shipment.messages as unknown[]) : [];
  const types = messages
    .map((message) => (message as EasyPostObject | null)?.type)
    .filter((t) => typeof t === 'string');
  return types.length > 0 ? types.join(', ') : 'no message';
}

function rejection(subject: string, step: 'create' | 'buy', refusal: Refusal): ShipmentRejectedError {
  const reason: ShipmentRejection = refusal.fields.some((field) => field.includes('parcel'))
    ? 'invalid-parcel'
    : 'undeliverable-address';
  return new ShipmentRejectedError(reason, `${subject}: the carrier refused the ${step}, ${refusal.message}`, {
    cause: refusal,
  });
}

const unknownShipment = (shipmentId: string, cause: Error) =>
  new CarrierError(`shipment ${shipmentId} is not known to the carrier account`, { retryable: false, cause });

const unexpected = (message: string, cause?: unknown) =>
  new CarrierError(message, { retryable: true, ...(cause !== undefined && { cause }) });

function fieldsOf(error: EasyPostObject | undefined): string[] {
  const errors = Array.isArray(error?.errors) ? (error.errors as unknown[]) : [];
  return errors
    .map((entry) => (entry as EasyPostObject | null)?.field)
    .filter((field): field is string => typeof field === 'string');
}

function transportError(error: unknown, method: string, path: string, timeoutMs: number): CarrierError {
  const { timedOut, reason } = transportFailure(error);
  const message = timedOut
    ? `${method} ${path} got no complete answer within ${timeoutMs} ms`
    : `${method} ${path} failed: ${reason}`;
  return new CarrierError(message, { retryable: true, cause: error });
}

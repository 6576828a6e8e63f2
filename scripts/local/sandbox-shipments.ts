/**
 * The in-memory part of EasyPost's API v2 that Cartwheel uses, for the local sandbox carrier
 * (sandbox-carrier.ts serves it over HTTP): create a shipment (answered with its rates), buy one
 * rate's label, refund (void) an unused label, and the tracker each label gets. EasyPost has no
 * idempotency keys (decision 0018): a shipment is bought at most once, a second buy is a 422
 * `SHIPMENT.POSTAGE.EXISTS` whatever rate it names, and a refund answers its status again.
 *
 * Magic value: a `to_address.street1` containing `UNDELIVERABLE` (any case) gets a shipment without
 * rates and a `rate_error` message, as EasyPost answers an address no carrier of the account serves.
 *
 * The test hooks' faults are state too, per reference (the order id): a run of 503s answered
 * without processing, then answers held back after processing (the server does the holding).
 * Each tracker keeps its status history. Its creation (the purchase) and every status change make an
 * EasyPost `Event` (`tracker.created`, `tracker.updated`, `result` the Tracker), handed to
 * `onTrackerEvent`; sandbox-carrier.ts signs and posts them, and moves trackers on a clock with
 * `autoAdvance`, whose rules are here: forward only, and never a refunded label.
 */
import { randomInt } from 'node:crypto';
import { newSandboxId } from './sandbox-payments';

export const SHIPMENTS_PATH = '/v2/shipments';
const SHIPMENT_PATH = /^\/v2\/shipments\/([^/]+)(?:\/(buy|refund))?$/;

/** EasyPost's tracker statuses that a label goes through (`unknown`, `cancelled`, `error` never happen here). */
export const TRACKER_STATUSES = [
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'available_for_pickup',
  'delivered',
  'return_to_sender',
  'failure',
] as const;
export type TrackerStatus = (typeof TRACKER_STATUSES)[number];

export const isTrackerStatus = (value: unknown): value is TrackerStatus =>
  (TRACKER_STATUSES as readonly unknown[]).includes(value);

/** Per status: EasyPost's `status_detail` and a tracking detail's message. */
const STATUS_DETAILS: Record<TrackerStatus, { detail: string; message: string }> = {
  pre_transit: { detail: 'label_created', message: 'Shipping label created' },
  in_transit: { detail: 'arrived_at_facility', message: 'Arrived at USPS facility' },
  out_for_delivery: { detail: 'out_for_delivery', message: 'Out for delivery' },
  available_for_pickup: { detail: 'arrived_at_pickup_location', message: 'Available for pickup' },
  delivered: { detail: 'arrived_at_destination', message: 'Delivered' },
  return_to_sender: { detail: 'return', message: 'Returned to sender' },
  failure: { detail: 'delivery_exception', message: 'Delivery failed' },
};

/**
 * How far along the automatic advance (pre_transit → in_transit → out_for_delivery → delivered) a
 * status is; undefined for those that end it (returned, failed). Pickup counts as in transit, as for
 * the order (decision 0018).
 */
const PROGRESS: Partial<Record<TrackerStatus, number>> = {
  pre_transit: 0,
  in_transit: 1,
  available_for_pickup: 1,
  out_for_delivery: 2,
  delivered: 3,
};

export interface SandboxTrackingDetail {
  object: 'TrackingDetail';
  status: TrackerStatus;
  status_detail: string;
  message: string;
  datetime: string;
}

/** An EasyPost Tracker, as a shipment and an event carry it. */
export interface SandboxTracker {
  id: string;
  object: 'Tracker';
  mode: 'test';
  tracking_code: string;
  status: TrackerStatus;
  status_detail: string;
  carrier: string;
  shipment_id: string;
  public_url: string;
  created_at: string;
  /** When it got its latest status. */
  updated_at: string;
  /** One per status it had, oldest first. */
  tracking_details: SandboxTrackingDetail[];
}

/** An EasyPost webhook `Event` about a tracker. */
export interface SandboxTrackerEvent {
  id: string;
  object: 'Event';
  mode: 'test';
  description: 'tracker.created' | 'tracker.updated';
  created_at: string;
  updated_at: string;
  /** The status before the change; empty for `tracker.created`. */
  previous_attributes: { status?: TrackerStatus };
  pending_urls: string[];
  completed_urls: string[];
  result: SandboxTracker;
}

export interface TrackerChange {
  reference: string;
  shipmentId: string;
  trackerId: string;
  event: SandboxTrackerEvent;
}

export interface TrackerState {
  id: string;
  trackingCode: string;
  status: TrackerStatus;
  /** Every status the tracker had, oldest first; the last one is `status`. */
  history: { status: TrackerStatus; at: string }[];
}

export interface SandboxShipmentStats {
  reference: string;
  /** Shipments created (201s). */
  shipments: number;
  /** Labels bought. */
  labels: number;
  /** Refunds `submitted`, once per shipment. */
  refunds: number;
  /** Every API request about the reference, failures and injected 503s included. */
  requests: number;
  shipmentIds: string[];
}

export interface SandboxFaults {
  /** The next n API requests about the reference answer 503 without being processed. */
  serverErrors?: number;
  /** The next `times` processed answers about the reference are held back this long. */
  delayMs?: number;
  /** Defaults to 1; only with `delayMs`. */
  times?: number;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface SandboxAnswer {
  status: number;
  /** JSON; null for a 204. */
  body: unknown;
}

export interface SandboxReply extends SandboxAnswer {
  /** The reference the request was about, when known. */
  reference?: string;
  /** How long to hold the answer back (an injected delay), 0 for none. */
  holdMs: number;
  /** Whether the answer is an injected 503. */
  injected: boolean;
}

export interface SandboxShipments {
  /** Answers an authenticated API request (`method`, path without query, raw JSON body). */
  answer(method: string, path: string, raw: string): SandboxReply;
  statsFor(reference: string): SandboxShipmentStats;
  /** Replaces the pending faults of each kind given; throws on invalid ones (see `faultProblems`). */
  injectFaults(reference: string, faults: SandboxFaults): void;
  /** The carrier scans every bought shipment of the reference (`in_transit`); answers how many were bought. */
  dispatch(reference: string): number;
  /** A tracker and its label's carrier, for the public tracking page. */
  trackerOf(trackerId: string): (TrackerState & { carrier: string }) | undefined;
  /** Whether the shipment has a label (served at `postage_label.label_url`). */
  hasLabel(shipmentId: string): boolean;
  /**
   * Moves the tracker of the reference's most recently bought shipment (refunded or not) to any
   * status, backwards and unchanged included (a test's out-of-order or repeated event), recorded in
   * its history; answers the `tracker.updated` event, undefined when the reference has no label.
   */
  moveTracker(reference: string, status: TrackerStatus): SandboxTrackerEvent | undefined;
  /**
   * One step of the automatic advance: moves the shipment's tracker to `status` if that is further
   * along than where it is (else nothing). False when the advance is over for this label: refunded,
   * delivered, returned or failed (or no label at all).
   */
  autoAdvance(shipmentId: string, status: TrackerStatus): boolean;
}

export interface SandboxShipmentsOptions {
  /** The server's URL, for label and tracking URLs. */
  baseUrl: string;
  now?: () => Date;
  /** Called, synchronously, with each tracker's `tracker.created` (at the purchase) and `tracker.updated` events. */
  onTrackerEvent?: (change: TrackerChange) => void;
}

type Json = Record<string, unknown>;

interface Rate {
  id: string;
  object: 'Rate';
  shipment_id: string;
  carrier: string;
  service: string;
  rate: string;
  currency: 'USD';
  delivery_days: number;
}

interface ShipmentState {
  id: string;
  reference: string;
  createdAt: string;
  updatedAt: string;
  toAddress: Json;
  fromAddressId: string;
  parcel: { id: string; weight: number };
  rates: Rate[];
  messages: { carrier: string; type: string; message: string }[];
  purchase?: { rate: Rate; trackingCode: string; labelUrl: string; tracker: TrackerState };
  refundStatus: 'submitted' | 'rejected' | null;
}

const CARRIER = 'USPS';

/** Per service: cents for the parcel plus cents per (started) ounce. Priority is listed first on purpose. */
const SERVICES = [
  { service: 'Priority', baseCents: 895, centsPerOunce: 40, deliveryDays: 2 },
  { service: 'GroundAdvantage', baseCents: 450, centsPerOunce: 15, deliveryDays: 5 },
];

/** An EasyPost error body: `{ error: { code, message, errors: [{ field, message }] } }`. */
export const apiError = (status: number, code: string, message: string, errors: FieldError[] = []): SandboxAnswer => ({
  status,
  body: { error: { code, message, errors } },
});

const record = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};

/** A path segment, decoded; a malformed escape stays as it is (and matches no id). */
export const decoded = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const filled = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** A fault hook's problems, field by field; none when the faults are valid. */
export function faultProblems(faults: unknown): FieldError[] {
  if (typeof faults !== 'object' || faults === null || Array.isArray(faults))
    return [{ field: 'faults', message: 'must be an object' }];
  const { serverErrors, delayMs, times, ...rest } = faults as Json;
  const problems = Object.keys(rest).map((field) => ({ field, message: 'is not a fault' }));
  if (serverErrors === undefined && delayMs === undefined)
    problems.push({ field: 'faults', message: 'needs serverErrors or delayMs' });
  if (serverErrors !== undefined && !(Number.isInteger(serverErrors) && (serverErrors as number) >= 0))
    problems.push({ field: 'serverErrors', message: 'must be an integer ≥ 0' });
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && (delayMs as number) >= 0))
    problems.push({ field: 'delayMs', message: 'must be a number ≥ 0' });
  if (times !== undefined && !(Number.isInteger(times) && (times as number) >= 1))
    problems.push({ field: 'times', message: 'must be an integer ≥ 1' });
  if (times !== undefined && delayMs === undefined) problems.push({ field: 'times', message: 'needs delayMs' });
  return problems;
}

export function createSandboxShipments(options: SandboxShipmentsOptions): SandboxShipments {
  const now = options.now ?? (() => new Date());
  const shipments = new Map<string, ShipmentState>();
  const trackers = new Map<string, ShipmentState>();
  const trackingCodes = new Set<string>();
  const stats = new Map<string, SandboxShipmentStats>();
  const faults = new Map<string, { serverErrors: number; delay?: { ms: number; times: number } }>();
  /** Per reference, its bought shipments' ids in the order they were bought. */
  const purchases = new Map<string, string[]>();

  const statsOf = (reference: string): SandboxShipmentStats => {
    let entry = stats.get(reference);
    if (!entry) {
      entry = { reference, shipments: 0, labels: 0, refunds: 0, requests: 0, shipmentIds: [] };
      stats.set(reference, entry);
    }
    return entry;
  };

  const faultsOf = (reference: string) => {
    let entry = faults.get(reference);
    if (!entry) {
      entry = { serverErrors: 0 };
      faults.set(reference, entry);
    }
    return entry;
  };

  function newTrackingCode(): string {
    let code: string;
    do code = `EZ${String(randomInt(0, 10_000_000_000)).padStart(10, '0')}`;
    while (trackingCodes.has(code));
    trackingCodes.add(code);
    return code;
  }

  function trackerJson(shipment: ShipmentState, tracker: TrackerState): SandboxTracker {
    const first = tracker.history[0];
    const last = tracker.history.at(-1);
    if (!first || !last) throw new Error(`tracker ${tracker.id} has no history`);
    return {
      id: tracker.id,
      object: 'Tracker',
      mode: 'test',
      tracking_code: tracker.trackingCode,
      status: tracker.status,
      status_detail: STATUS_DETAILS[tracker.status].detail,
      carrier: CARRIER,
      shipment_id: shipment.id,
      public_url: `${options.baseUrl}/track/${tracker.id}`,
      created_at: first.at,
      updated_at: last.at,
      tracking_details: tracker.history.map(({ status, at }) => ({
        object: 'TrackingDetail',
        status,
        status_detail: STATUS_DETAILS[status].detail,
        message: STATUS_DETAILS[status].message,
        datetime: at,
      })),
    };
  }

  /** Makes the tracker's event for its latest history entry and hands it to `onTrackerEvent`. */
  function emit(shipment: ShipmentState, tracker: TrackerState, previous?: TrackerStatus): SandboxTrackerEvent {
    const at = tracker.history.at(-1)?.at ?? now().toISOString();
    const event: SandboxTrackerEvent = {
      id: newSandboxId('evt'),
      object: 'Event',
      mode: 'test',
      description: previous === undefined ? 'tracker.created' : 'tracker.updated',
      created_at: at,
      updated_at: at,
      previous_attributes: previous === undefined ? {} : { status: previous },
      pending_urls: [],
      completed_urls: [],
      result: trackerJson(shipment, tracker),
    };
    options.onTrackerEvent?.({
      reference: shipment.reference,
      shipmentId: shipment.id,
      trackerId: tracker.id,
      event: structuredClone(event),
    });
    return event;
  }

  /**
   * The one place a tracker's status changes, with its `tracker.updated` event; unless `always`, a
   * move to the status it has already is no change (and no event).
   */
  function advance(shipment: ShipmentState, status: TrackerStatus, always = false): SandboxTrackerEvent | undefined {
    const tracker = shipment.purchase?.tracker;
    if (!tracker || (tracker.status === status && !always)) return undefined;
    const previous = tracker.status;
    const at = now().toISOString();
    tracker.status = status;
    tracker.history.push({ status, at });
    shipment.updatedAt = at;
    return emit(shipment, tracker, previous);
  }

  const dispatched = (shipment: ShipmentState) =>
    (shipment.purchase?.tracker.status ?? 'pre_transit') !== 'pre_transit';

  function json(shipment: ShipmentState): Json {
    const { purchase } = shipment;
    const tracker = purchase?.tracker;
    return structuredClone({
      id: shipment.id,
      object: 'Shipment',
      mode: 'test',
      reference: shipment.reference,
      status: tracker?.status ?? 'unknown',
      to_address: shipment.toAddress,
      from_address: { id: shipment.fromAddressId },
      parcel: { id: shipment.parcel.id, object: 'Parcel', weight: shipment.parcel.weight },
      rates: shipment.rates,
      messages: shipment.messages,
      selected_rate: purchase?.rate ?? null,
      tracking_code: purchase?.trackingCode ?? null,
      postage_label: purchase ? { object: 'PostageLabel', label_url: purchase.labelUrl } : null,
      tracker: tracker ? trackerJson(shipment, tracker) : null,
      refund_status: shipment.refundStatus,
      created_at: shipment.createdAt,
      updated_at: shipment.updatedAt,
    });
  }

  function createShipment(input: Json): SandboxAnswer {
    const to = record(input.to_address);
    const fromId = record(input.from_address).id;
    const weight = record(input.parcel).weight;
    const problems: FieldError[] = [];
    if (!filled(input.reference)) problems.push({ field: 'reference', message: 'cannot be blank' });
    for (const field of ['name', 'street1', 'city', 'zip', 'country'])
      if (!filled(to[field])) problems.push({ field: `to_address.${field}`, message: 'cannot be blank' });
    if (filled(to.country) && !/^[A-Z]{2}$/.test(to.country))
      problems.push({ field: 'to_address.country', message: 'must be an ISO 3166-1 alpha-2 code' });
    for (const field of ['street2', 'state'])
      if (to[field] != null && typeof to[field] !== 'string')
        problems.push({ field: `to_address.${field}`, message: 'must be a string' });
    if (typeof fromId !== 'string' || !/^adr_\w+$/.test(fromId))
      problems.push({ field: 'from_address.id', message: 'must be an address id (adr_…)' });
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0)
      problems.push({ field: 'parcel.weight', message: 'must be a positive number of ounces' });
    if (problems.length > 0)
      return apiError(422, 'SHIPMENT.INVALID_PARAMS', 'The shipment has missing or invalid parameters.', problems);

    const reference = input.reference as string;
    const at = now().toISOString();
    const id = newSandboxId('shp');
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    const toAddress: Json = {
      id: newSandboxId('adr'),
      object: 'Address',
      name: to.name,
      street1: to.street1,
      street2: text(to.street2),
      city: to.city,
      state: text(to.state),
      zip: to.zip,
      country: to.country,
    };
    const undeliverable = (to.street1 as string).toUpperCase().includes('UNDELIVERABLE');
    const ounces = Math.ceil(weight as number);
    const rates: Rate[] = undeliverable
      ? []
      : SERVICES.map(({ service, baseCents, centsPerOunce, deliveryDays }) => ({
          id: newSandboxId('rate'),
          object: 'Rate',
          shipment_id: id,
          carrier: CARRIER,
          service,
          rate: ((baseCents + centsPerOunce * ounces) / 100).toFixed(2),
          currency: 'USD',
          delivery_days: deliveryDays,
        }));
    const shipment: ShipmentState = {
      id,
      reference,
      createdAt: at,
      updatedAt: at,
      toAddress,
      fromAddressId: fromId as string,
      parcel: { id: newSandboxId('prcl'), weight: weight as number },
      rates,
      messages: undeliverable
        ? [{ carrier: CARRIER, type: 'rate_error', message: 'Unable to deliver to this address' }]
        : [],
      refundStatus: null,
    };
    shipments.set(id, shipment);
    statsOf(reference).shipments++;
    statsOf(reference).shipmentIds.push(id);
    return { status: 201, body: json(shipment) };
  }

  function buy(shipment: ShipmentState, input: Json): SandboxAnswer {
    if (shipment.purchase)
      return apiError(422, 'SHIPMENT.POSTAGE.EXISTS', 'The shipment already has postage: it cannot be bought again.');
    const rateId = record(input.rate).id;
    const rate = shipment.rates.find((candidate) => candidate.id === rateId);
    if (!rate)
      return apiError(422, 'SHIPMENT.RATE.INVALID', 'The rate is not one of this shipment.', [
        { field: 'rate.id', message: 'is not a rate of this shipment' },
      ]);
    const at = now().toISOString();
    const trackingCode = newTrackingCode();
    const tracker: TrackerState = {
      id: newSandboxId('trk'),
      trackingCode,
      status: 'pre_transit',
      history: [{ status: 'pre_transit', at }],
    };
    shipment.purchase = { rate, trackingCode, labelUrl: `${options.baseUrl}/labels/${shipment.id}.png`, tracker };
    shipment.updatedAt = at;
    trackers.set(tracker.id, shipment);
    statsOf(shipment.reference).labels++;
    purchases.set(shipment.reference, [...(purchases.get(shipment.reference) ?? []), shipment.id]);
    emit(shipment, tracker);
    return { status: 200, body: json(shipment) };
  }

  function refund(shipment: ShipmentState): SandboxAnswer {
    if (!shipment.purchase) return apiError(422, 'SHIPMENT.NOT_PURCHASED', 'The shipment has no postage to refund.');
    if (shipment.refundStatus === null) {
      // A scanned label was used: the carrier refuses to void it.
      shipment.refundStatus = dispatched(shipment) ? 'rejected' : 'submitted';
      shipment.updatedAt = now().toISOString();
      if (shipment.refundStatus === 'submitted') statsOf(shipment.reference).refunds++;
    }
    return { status: 200, body: json(shipment) };
  }

  const parse = (raw: string): Json | undefined => {
    try {
      return record(raw.trim() === '' ? {} : JSON.parse(raw));
    } catch {
      return undefined;
    }
  };

  function answer(method: string, path: string, raw: string): SandboxReply {
    const notFound = { ...apiError(404, 'NOT_FOUND', `${method} ${path} is not a route.`), holdMs: 0, injected: false };
    const match = SHIPMENT_PATH.exec(path);
    const action = match ? (match[2] ?? 'get') : path === SHIPMENTS_PATH ? 'create' : undefined;
    if (action === undefined || (action === 'get') !== (method === 'GET') || (method !== 'GET' && method !== 'POST'))
      return notFound;
    const body = action === 'create' || action === 'buy' ? parse(raw) : {};
    const shipment = match?.[1] === undefined ? undefined : shipments.get(decoded(match[1]));
    const reference = action === 'create' ? record(body?.shipment).reference : shipment?.reference;
    const about = filled(reference) ? reference : undefined;

    if (about !== undefined) {
      statsOf(about).requests++;
      const pending = faultsOf(about);
      if (pending.serverErrors > 0) {
        pending.serverErrors--;
        const unavailable = apiError(
          503,
          'SERVICE_UNAVAILABLE',
          'The service is unavailable (injected by the sandbox).',
        );
        return { ...unavailable, reference: about, holdMs: 0, injected: true };
      }
    }
    const processed = (() => {
      const notJson = apiError(400, 'BAD_REQUEST', 'The request body is not JSON.');
      if (action === 'create') return body === undefined ? notJson : createShipment(record(body.shipment));
      if (!shipment) return apiError(404, 'NOT_FOUND', 'The shipment does not exist.');
      if (body === undefined) return notJson;
      if (action === 'buy') return buy(shipment, body);
      if (action === 'refund') return refund(shipment);
      return { status: 200, body: json(shipment) };
    })();
    let holdMs = 0;
    const delay = about === undefined ? undefined : faults.get(about)?.delay;
    if (about !== undefined && delay) {
      holdMs = delay.ms;
      if (--delay.times === 0) faultsOf(about).delay = undefined;
    }
    return { ...processed, ...(about !== undefined && { reference: about }), holdMs, injected: false };
  }

  function injectFaults(reference: string, injected: SandboxFaults): void {
    const problems = faultProblems(injected);
    if (problems.length > 0)
      throw new Error(`invalid faults: ${problems.map(({ field, message }) => `${field} ${message}`).join('; ')}`);
    const pending = faultsOf(reference);
    if (injected.serverErrors !== undefined) pending.serverErrors = injected.serverErrors;
    if (injected.delayMs !== undefined) pending.delay = { ms: injected.delayMs, times: injected.times ?? 1 };
  }

  function dispatch(reference: string): number {
    let bought = 0;
    for (const id of statsOf(reference).shipmentIds) {
      const shipment = shipments.get(id);
      if (!shipment?.purchase) continue;
      bought++;
      if (!dispatched(shipment)) advance(shipment, 'in_transit');
    }
    return bought;
  }

  function moveTracker(reference: string, status: TrackerStatus): SandboxTrackerEvent | undefined {
    const latest = purchases.get(reference)?.at(-1);
    const shipment = latest === undefined ? undefined : shipments.get(latest);
    return shipment && advance(shipment, status, true);
  }

  function autoAdvance(shipmentId: string, status: TrackerStatus): boolean {
    const shipment = shipments.get(shipmentId);
    const tracker = shipment?.purchase?.tracker;
    if (!shipment || !tracker || shipment.refundStatus === 'submitted') return false;
    const reached = PROGRESS[tracker.status];
    const target = PROGRESS[status];
    if (reached === undefined || target === undefined) return false;
    if (target > reached) advance(shipment, status);
    return (PROGRESS[tracker.status] ?? 3) < 3;
  }

  function trackerOf(trackerId: string) {
    const tracker = trackers.get(trackerId)?.purchase?.tracker;
    return tracker && { ...structuredClone(tracker), carrier: CARRIER };
  }

  return {
    answer,
    statsFor: (reference) => structuredClone(statsOf(reference)),
    injectFaults,
    dispatch,
    trackerOf,
    hasLabel: (shipmentId) => shipments.get(shipmentId)?.purchase !== undefined,
    moveTracker,
    autoAdvance,
  };
}

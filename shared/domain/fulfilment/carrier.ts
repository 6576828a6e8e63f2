import { AppError } from '../../errors';
import type { Address } from '../orders/order';

/**
 * The carrier port: what the fulfilment worker needs to ship an order. The adapter speaks EasyPost's
 * API (shared/adapters/carrier/easypost-carrier.ts), locally to the sandbox of
 * scripts/local/sandbox-carrier.ts (docs/decisions/0018-carrier-adapter.md).
 *
 * A label is bought in two steps, so that no idempotency key is needed: a shipment is created
 * (free; a duplicate costs nothing), its id is stored on the order, and only that shipment's label
 * is bought. A shipment has at most one label, so a repeated purchase returns the first.
 *
 * Two kinds of failure:
 * - any thrown error other than `ShipmentRejectedError` is transient (a timeout, a 5xx, a wrong
 *   key): the worker lets SQS deliver the message again, and the same call is repeated;
 * - `ShipmentRejectedError` is final (the carrier cannot ship to this address, or this parcel):
 *   booking again cannot succeed.
 */
export interface ShipmentRequest {
  orderId: string;
  address: Address;
  /** The parcel's weight: the order's, or the shop's default when its products have none. */
  weightGrams: number;
}

/** A bought label, as customers see it. */
export interface Shipment {
  /** The carrier's name (`USPS`). */
  carrier: string;
  trackingNumber: string;
  /** The carrier's public tracking page, when it has one. */
  trackingUrl: string | null;
}

/**
 * What voiding a label found:
 * - `cancelled`: the label is void (also when it was voided before: voiding is idempotent);
 * - `not-booked`: no label was bought, so nothing will ship;
 * - `already-dispatched`: the parcel has left the shop; only a recall by the shop can stop it.
 */
export type ShipmentCancellation = 'cancelled' | 'not-booked' | 'already-dispatched';

export interface Carrier {
  /**
   * Creates a shipment for the order, without buying its label (which costs nothing).
   * @returns the carrier's shipment id, to store on the order before the label is bought.
   * @throws ShipmentRejectedError when the carrier refuses this shipment for good.
   * @throws any other error when it may succeed later.
   */
  createShipment(request: ShipmentRequest): Promise<{ shipmentId: string }>;

  /**
   * Buys the shipment's label (the cheapest rate); a shipment bought before answers its label.
   * @throws ShipmentRejectedError when the carrier refuses this shipment for good.
   * @throws any other error when the purchase may succeed later (repeat it: it buys at most once).
   */
  buyLabel(shipmentId: string): Promise<Shipment>;

  /**
   * Voids the shipment's label, if it has one. Safe to repeat.
   * @throws any error when the cancellation may succeed later.
   */
  cancel(shipmentId: string): Promise<ShipmentCancellation>;
}

/** Why a shipment was refused for good. */
export type ShipmentRejection =
  /** The carrier cannot deliver to the address (incomplete, or a destination it does not serve). */
  | 'undeliverable-address'
  /** A parcel the carrier cannot take (its weight), or no rate for it. */
  | 'invalid-parcel';

/**
 * The carrier refused the shipment and would refuse it again. `message` carries the specifics for
 * the logs (it may name parts of the address); `detail` stays generic.
 */
export class ShipmentRejectedError extends AppError {
  readonly reason: ShipmentRejection;

  constructor(reason: ShipmentRejection, message: string, options: { cause?: unknown } = {}) {
    super(422, 'SHIPMENT_REJECTED', 'Shipment rejected', {
      detail: 'The carrier refused the shipment; booking it again will not help.',
      cause: options.cause,
    });
    this.message = message;
    this.reason = reason;
  }

  override toJSON() {
    return { ...super.toJSON(), message: this.message, reason: this.reason };
  }
}

/**
 * The carrier could not be reached or did not answer usefully: thrown so SQS delivers the message
 * again. `retryable` says whether repeating the request at once can help (timeouts, network, 5xx,
 * 429); a wrong key (401, 403) is not, and fails every delivery until the message reaches the
 * dead-letter queue and its alarm.
 */
export class CarrierError extends AppError {
  readonly retryable: boolean;
  readonly httpStatus: number | null;
  readonly carrierCode: string | null;

  constructor(
    message: string,
    options: { retryable: boolean; httpStatus?: number; carrierCode?: string; cause?: unknown },
  ) {
    super(502, 'CARRIER_ERROR', 'Carrier error', {
      detail: 'The carrier could not be reached or did not answer; try again later.',
      cause: options.cause,
    });
    this.message = message;
    this.retryable = options.retryable;
    this.httpStatus = options.httpStatus ?? null;
    this.carrierCode = options.carrierCode ?? null;
  }

  override toJSON() {
    return {
      ...super.toJSON(),
      message: this.message,
      retryable: this.retryable,
      httpStatus: this.httpStatus,
      carrierCode: this.carrierCode,
    };
  }
}

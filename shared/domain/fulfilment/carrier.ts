import { AppError } from '../../errors';
import type { Address } from '../orders/order';

/**
 * The carrier port: what the fulfilment worker needs to ship an order. The only adapter so far is
 * an in-process sandbox (shared/adapters/carrier/sandbox-carrier.ts); a real carrier's API client
 * implements this same interface.
 *
 * Two kinds of failure:
 * - any thrown error other than `ShipmentRejectedError` is transient (a timeout, a 5xx): the
 *   worker lets SQS deliver the message again, and the call is repeated with the same key;
 * - `ShipmentRejectedError` is final (the carrier cannot ship to this address, or these items):
 *   booking again cannot succeed.
 */
export interface ShipmentRequest {
  orderId: string;
  /**
   * The carrier books one shipment per key and answers a repeat with the first booking, so a
   * redelivered message never ships twice. The fulfilment worker derives it from the order id.
   */
  idempotencyKey: string;
  address: Address;
  items: Array<{ sku: string; quantity: number }>;
}

export interface Shipment {
  /** The carrier's name as customers see it (`sandbox-post`). */
  carrier: string;
  trackingNumber: string;
}

/** Which booking to cancel: the one made under this idempotency key. */
export interface ShipmentCancellationRequest {
  orderId: string;
  idempotencyKey: string;
}

/**
 * What a cancellation found:
 * - `cancelled`: the booking is void (also when it was cancelled before: cancelling is idempotent);
 * - `not-booked`: there is no booking under this key, so nothing will ship;
 * - `already-dispatched`: the parcel has left the shop; only a recall by the shop can stop it.
 */
export type ShipmentCancellation = 'cancelled' | 'not-booked' | 'already-dispatched';

export interface Carrier {
  /**
   * Books the shipment of an order, at most once per idempotency key.
   * @returns the carrier's name and the shipment's tracking number.
   * @throws ShipmentRejectedError when the carrier refuses this shipment for good.
   * @throws any other error when the booking may succeed later (retry it with the same key).
   */
  book(request: ShipmentRequest): Promise<Shipment>;

  /**
   * Cancels the booking made under an idempotency key, if there is one. Safe to repeat.
   * @returns what the carrier found (see `ShipmentCancellation`).
   * @throws any error when the cancellation may succeed later (retry it with the same key).
   */
  cancel(request: ShipmentCancellationRequest): Promise<ShipmentCancellation>;
}

/** Why a shipment was refused for good. */
export type ShipmentRejection =
  /** The carrier cannot deliver to the address (incomplete, or a destination it does not serve). */
  | 'undeliverable-address'
  /** Nothing to ship, or quantities the carrier cannot take. */
  | 'invalid-items';

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

import { AppError } from '../../errors';
import type { Address } from '../orders/order';

/**
 * The carrier port: what the fulfilment worker needs to ship an order. The only adapter so far is
 * an in-process sandbox (shared/adapters/carrier/sandbox-carrier.ts); a real carrier's API client
 * implements this same interface.
 *
 * Two kinds of failure:
 * - any thrown error other than `ShipmentRejectedError` is transient (a timeout, a 5xx): the
 *   worker lets SQS deliver the message again, and the booking is repeated with the same key;
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

export interface Carrier {
  /**
   * Books the shipment of an order, at most once per idempotency key.
   * @returns the carrier's name and the shipment's tracking number.
   * @throws ShipmentRejectedError when the carrier refuses this shipment for good.
   * @throws any other error when the booking may succeed later (retry it with the same key).
   */
  book(request: ShipmentRequest): Promise<Shipment>;
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

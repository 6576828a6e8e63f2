import { createHash } from 'node:crypto';
import { type Carrier, ShipmentRejectedError } from '../../domain/fulfilment/carrier';

export const SANDBOX_CARRIER_NAME = 'sandbox-post';

/**
 * An in-process stand-in for a carrier's booking API, used locally, in tests and (until a real
 * carrier is wired in) in AWS. Like a real carrier with idempotency keys, a repeated booking answers
 * with the first one: the tracking number is derived from the key (`SBX` + 12 digits), so the same
 * key always gets the same number and no state is needed. It refuses what a carrier would refuse:
 * an incomplete address, and shipments without items.
 *
 * Without state it cannot tell a booked key from an unknown one, so it answers `cancelled` to every
 * cancellation; its parcels never leave, so nothing is ever `already-dispatched`.
 */
export function createSandboxCarrier(): Carrier {
  return {
    async book(request) {
      const { address, items } = request;
      const missing = (['name', 'line1', 'city', 'postalCode', 'country'] as const).filter(
        (field) => typeof address[field] !== 'string' || address[field].trim().length === 0,
      );
      if (missing.length > 0) {
        throw new ShipmentRejectedError(
          'undeliverable-address',
          `order ${request.orderId}: the address has no ${missing.join(', ')}`,
        );
      }
      if (!/^[A-Z]{2}$/.test(address.country)) {
        throw new ShipmentRejectedError('undeliverable-address', `order ${request.orderId}: unknown country code`);
      }
      if (items.length === 0 || items.some((item) => !Number.isInteger(item.quantity) || item.quantity < 1)) {
        throw new ShipmentRejectedError('invalid-items', `order ${request.orderId}: nothing to ship`);
      }
      return { carrier: SANDBOX_CARRIER_NAME, trackingNumber: sandboxTrackingNumber(request.idempotencyKey) };
    },

    async cancel() {
      return 'cancelled';
    },
  };
}

/** `SBX` and 12 decimal digits from a hash of the key: stable per key, spread evenly. */
export function sandboxTrackingNumber(idempotencyKey: string): string {
  const digest = createHash('sha256').update(idempotencyKey, 'utf8').digest();
  const digits = digest.readBigUInt64BE(0) % 10n ** 12n;
  return `SBX${digits.toString().padStart(12, '0')}`;
}

import type { Order } from '../../shared/domain/orders/order';

/**
 * A one-line order awaiting payment (500 EUR cents), as the repository would return it, for unit
 * tests of the services over in-memory ports; `placedAt` sets its clock (reservation 15 min later).
 */
export function pendingOrderFixture({
  orderId = 'ord_1',
  placedAt = '2026-01-01T09:59:00.000Z',
}: {
  orderId?: string;
  placedAt?: string;
} = {}): Order {
  return {
    orderId,
    userId: 'c1',
    email: 'c1@example.com',
    status: 'PENDING_PAYMENT',
    items: [{ sku: 'A', name: 'A', quantity: 1, unitPrice: 500, lineTotal: 500 }],
    subtotal: 500,
    discount: 0,
    discountCode: null,
    total: 500,
    currency: 'EUR',
    shippingAddress: null,
    reservationExpiresAt: new Date(new Date(placedAt).getTime() + 15 * 60_000).toISOString(),
    payment: { status: 'PENDING', attempts: 0 },
    shipment: null,
    createdAt: placedAt,
    updatedAt: placedAt,
    events: [{ type: 'ORDER_PLACED', at: placedAt }],
  };
}

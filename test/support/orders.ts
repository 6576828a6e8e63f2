import type { Order } from '../../shared/domain/orders/order';

/** A one-line order of 5.00 EUR waiting for its payment: placed at `placedAt`, held until `reservationExpiresAt`. */
export function pendingOrder({
  orderId = 'ord_1',
  placedAt,
  reservationExpiresAt,
}: {
  orderId?: string;
  placedAt: string;
  reservationExpiresAt: string;
}): Order {
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
    reservationExpiresAt,
    payment: { status: 'PENDING', attempts: 0 },
    shipment: null,
    createdAt: placedAt,
    updatedAt: placedAt,
    events: [{ type: 'ORDER_PLACED', at: placedAt }],
  };
}

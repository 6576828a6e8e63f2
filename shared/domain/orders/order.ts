import type { OrderShippingMethod } from '../shipping/shipping-method';
/** Order lifecycle (docs/contract.md §3): every change is a conditional write from the expected status. */
export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAID',
  'SHIPPED',
  'DELIVERED',
  'PAYMENT_FAILED',
  'EXPIRED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_EVENT_TYPES = [
  'ORDER_PLACED',
  'PAYMENT_SUCCEEDED',
  'PAYMENT_FAILED',
  'SHIPPED',
  // A shipment the carrier refused, sent again by the shop (the address corrected, say).
  'SHIPMENT_RETRIED',
  // The carrier's tracking (contract §5.5): one event per status the parcel reaches.
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERY_FAILED',
  'RETURNED_TO_SENDER',
  'DELIVERED',
  // Returns (contract §5.6); REFUNDED also follows a return's refund.
  'RETURN_REQUESTED',
  'RETURN_RECEIVED',
  'RETURN_REJECTED',
  'CANCELLED',
  'EXPIRED',
  'REFUNDED',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** Which status may follow which: nothing moves backwards or skips a state. */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING_PAYMENT: ['PAID', 'PAYMENT_FAILED', 'EXPIRED', 'CANCELLED'],
  PAID: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  PAYMENT_FAILED: [],
  EXPIRED: [],
  CANCELLED: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => TRANSITIONS[from].includes(to);

export interface Address {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  country: string;
}

export interface OrderLine {
  /** The sellable unit: a simple product's sku, or a variant's. */
  sku: string;
  /** The product it is (or is a variant of); lines stored before variants existed lack it. */
  productSku?: string;
  /** The product's name. */
  name: string;
  /** The variant's option values, e.g. `{ Size: 'M' }`; `{}` for a simple product. */
  options?: Record<string, string>;
  /** The line's tax rate and its tax (on the line after its share of the discount); absent before tax existed. */
  taxRateBps?: number;
  taxAmount?: number;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

export interface OrderEvent {
  type: OrderEventType;
  at: string;
  detail?: string | null;
}

export interface PaymentState {
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'REFUND_PENDING' | 'REFUNDED';
  attempts: number;
  /** The gateway's id of the successful charge (internal: refunds need it). */
  paymentIntentId?: string;
}

/** Where a parcel is, as the carrier's tracking says (contract §5.5), in the order it gets there. */
export const SHIPMENT_STATUSES = [
  'LABEL_CREATED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERY_FAILED',
  'RETURNED_TO_SENDER',
  'DELIVERED',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** Where a parcel's journey ends: nothing the carrier says afterwards changes the shipment. */
const FINAL_SHIPMENT_STATUSES: readonly ShipmentStatus[] = ['DELIVERED', 'RETURNED_TO_SENDER'];

/**
 * Whether tracking may move a shipment from `from` to `to`: forward only (a failed delivery may
 * still end delivered or returned, never in transit again), and never on from a final status. An
 * update that arrives out of order is therefore ignored, whatever order the carrier sent them in.
 */
export const shipmentAdvances = (from: ShipmentStatus, to: ShipmentStatus): boolean =>
  !FINAL_SHIPMENT_STATUSES.includes(from) && SHIPMENT_STATUSES.indexOf(to) > SHIPMENT_STATUSES.indexOf(from);

/** The shipment of a shipped order. Orders shipped before tracking existed have only carrier and number. */
export interface OrderShipment {
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string | null;
  status?: ShipmentStatus;
  deliveredAt?: string | null;
}

/** An order as stored. `userId` and `email` are the customer's (both removed on erasure, with the address). */
export interface Order {
  orderId: string;
  userId: string | null;
  /** Where the order's e-mails go: the customer's address when the order was placed (internal). */
  email: string | null;
  status: OrderStatus;
  items: OrderLine[];
  subtotal: number;
  discount: number;
  discountCode: string | null;
  /** The code has a per-customer limit, so this order holds one of the customer's redemptions of it (internal). */
  discountLimitedPerCustomer?: boolean;
  /** Absent on orders placed before shipping and tax existed (0). */
  shipping?: number;
  /** The method it ships with; null when the shop had none (absent on orders from before shipping methods). */
  shippingMethod?: OrderShippingMethod | null;
  /** The lines' tax and the shipping's, included in `total` or added to it as the store's prices are. */
  tax?: number;
  total: number;
  currency: string;
  shippingAddress: Address | null;
  reservationExpiresAt: string;
  payment: PaymentState;
  shipment: OrderShipment | null;
  /** The parcel's weight in grams, from the products' weights when it was placed (internal; absent before). */
  parcelWeightGrams?: number;
  /**
   * The carrier's shipment (`shp_…`) whose label is bought for this order, stored before the
   * purchase so a redelivery buys the same one (internal; docs/decisions/0018-carrier-adapter.md).
   */
  carrierShipmentId?: string;
  /** Units of each sku in the order's returns that were not rejected (internal; absent: none). */
  returnedQuantities?: Record<string, number>;
  /** Of those, the units the shop received: what the refunds are priced against (internal; absent: none). */
  receivedQuantities?: Record<string, number>;
  /**
   * What was given back so far, in minor units: the whole total when a paid order was cancelled, the
   * returns' refunds otherwise. Absent on orders from before returns: their payment status says it.
   */
  refunded?: number;
  /**
   * The request id of the call that placed it (internal; absent before correlation ids): its work,
   * messages and events carry it, so the logs of every function that touched the order share it.
   */
  correlationId?: string;
  createdAt: string;
  updatedAt: string;
  events: OrderEvent[];
}

/** What the order gave back so far (orders from before returns: all of it, if its payment was refunded). */
export const refundedOf = (order: Order): number =>
  order.refunded ?? (order.payment.status === 'REFUNDED' ? order.total : 0);

/** The contract's `Order` representation (no internal fields). */
export function toOrderView(order: Order, options: { withEvents: boolean } = { withEvents: true }) {
  return {
    orderId: order.orderId,
    status: order.status,
    // Lines stored before variants existed are simple products: their own product, no options.
    items: order.items.map((line) => ({
      sku: line.sku,
      productSku: line.productSku ?? line.sku,
      name: line.name,
      options: line.options ?? {},
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      lineTotal: line.lineTotal,
      taxRateBps: line.taxRateBps ?? 0,
      taxAmount: line.taxAmount ?? 0,
    })),
    subtotal: order.subtotal,
    discount: order.discount,
    shipping: order.shipping ?? 0,
    shippingMethod: order.shippingMethod ?? null,
    tax: order.tax ?? 0,
    total: order.total,
    currency: order.currency,
    shippingAddress: order.shippingAddress,
    reservationExpiresAt: order.reservationExpiresAt,
    payment: { status: order.payment.status, attempts: order.payment.attempts },
    refunded: refundedOf(order),
    shipment: order.shipment && {
      carrier: order.shipment.carrier,
      trackingNumber: order.shipment.trackingNumber,
      trackingUrl: order.shipment.trackingUrl ?? null,
      status: order.shipment.status ?? 'LABEL_CREATED',
      deliveredAt: order.shipment.deliveredAt ?? null,
    },
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    ...(options.withEvents ? { events: order.events } : {}),
  };
}

export type OrderView = ReturnType<typeof toOrderView>;

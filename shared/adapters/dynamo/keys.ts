/**
 * Single-table key design (see docs/data-model.md). Every item has PK/SK; GSI1 and GSI2 are
 * overloaded per entity; `expiresAt` (epoch seconds) is the TTL attribute.
 */
export const keys = {
  product: (sku: string) => ({ PK: `PRODUCT#${sku}`, SK: '#PRODUCT' }),
  stock: (sku: string) => ({ PK: `PRODUCT#${sku}`, SK: '#STOCK' }),
  /**
   * A variant and its stock, in its product's item collection (one Query reads a product with every
   * variant). The variant's sku is claimed by a `VariantRef` item at `product(variantSku)`.
   */
  variant: (productSku: string, sku: string) => ({ PK: `PRODUCT#${productSku}`, SK: `#VARIANT#${sku}` }),
  variantPrefix: '#VARIANT#',
  adjustment: (sku: string, at: string, id: string) => ({ PK: `PRODUCT#${sku}`, SK: `ADJUSTMENT#${at}#${id}` }),
  adjustmentPrefix: 'ADJUSTMENT#',
  /** A customer's profile and cart live in the customer's item collection. */
  profile: (sub: string) => ({ PK: `CUSTOMER#${sub}`, SK: '#PROFILE' }),
  cart: (sub: string) => ({ PK: `CUSTOMER#${sub}`, SK: '#CART' }),
  /** The ids of the customer's orders in PENDING_PAYMENT (a string set, capped at checkout). */
  pendingOrders: (sub: string) => ({ PK: `CUSTOMER#${sub}`, SK: '#PENDING_ORDERS' }),
  /** The ids of the customer's live orders that redeemed a code limited per customer. */
  customerRedemptions: (sub: string, code: string) => ({ PK: `CUSTOMER#${sub}`, SK: `#REDEMPTIONS#${code}` }),
  customerRedemptionsPrefix: '#REDEMPTIONS#',
  /** A finished erasure request of the customer (so a late redelivery of its message does nothing). */
  erasure: (sub: string, requestedAt: string) => ({ PK: `CUSTOMER#${sub}`, SK: `#ERASURE#${requestedAt}` }),
  discount: (code: string) => ({ PK: `DISCOUNT#${code}`, SK: '#DISCOUNT' }),
  /** GSI1: every discount code, by code. */
  discountIndex: (code: string) => ({ GSI1PK: 'DISCOUNTS', GSI1SK: code }),
  order: (orderId: string) => ({ PK: `ORDER#${orderId}`, SK: '#ORDER' }),
  /** A follow-up work record of an order (transactional outbox): `PAYMENT`, `REFUND`, `FULFILMENT`, `NOTIFY_<event>`. */
  outbox: (orderId: string, kind: string) => ({ PK: `ORDER#${orderId}`, SK: `#OUTBOX#${kind}` }),
  /** GSI1 (sparse): work records by age, in 8 shards to spread the write load (the key never changes). */
  outboxIndex: (shard: number, createdAt: string, orderId: string, kind: string) => ({
    GSI1PK: `OUTBOX#${shard}`,
    GSI1SK: `${createdAt}#${orderId}#${kind}`,
  }),
  /** GSI1: a customer's orders, newest first. */
  customerOrdersIndex: (sub: string, createdAt: string, orderId: string) => ({
    GSI1PK: `CUSTOMER#${sub}#ORDERS`,
    GSI1SK: `${createdAt}#${orderId}`,
  }),
  /** GSI2: orders of one status, newest first. */
  orderStatusIndex: (status: string, createdAt: string, orderId: string) => ({
    GSI2PK: `ORDERSTATUS#${status}`,
    GSI2SK: `${createdAt}#${orderId}`,
  }),
  /**
   * An Idempotency-Key record of `POST /v1/orders`, in the customer's item collection, so the
   * erasure finds the customer's stored checkout responses with one Query (decision 0005).
   */
  idempotency: (sub: string, key: string) => ({ PK: `CUSTOMER#${sub}`, SK: `#IDEMPOTENCY#${key}` }),
  idempotencyPrefix: '#IDEMPOTENCY#',
  /** A payment webhook event that was applied (its gateway event id), so a redelivery is not applied again. */
  webhookEvent: (eventId: string) => ({ PK: `WEBHOOK#${eventId}`, SK: '#WEBHOOK' }),
  /** A domain event, written with its fact; the table's stream carries it to the event publisher. */
  event: (eventId: string) => ({ PK: `EVENT#${eventId}`, SK: '#EVENT' }),
  /** One event's delivery to one webhook endpoint (its attempts), in the endpoint's partition, by event id. */
  webhookDelivery: (endpointId: string, eventId: string) => ({
    PK: `WEBHOOKENDPOINT#${endpointId}`,
    SK: `DELIVERY#${eventId}`,
  }),
  webhookDeliveryPrefix: 'DELIVERY#',
  /** A webhook endpoint of the shop; all of them in one partition, read whole. */
  webhookEndpoint: (id: string) => ({ PK: 'WEBHOOKENDPOINTS', SK: `ENDPOINT#${id}` }),
  /** How many webhook endpoints there are (the limit's counter). */
  webhookEndpointCount: () => ({ PK: 'WEBHOOKENDPOINTS', SK: '#COUNT' }),
  /** A return of (some of) an order's units. */
  orderReturn: (returnId: string) => ({ PK: `RETURN#${returnId}`, SK: '#RETURN' }),
  /** GSI1: an order's returns, oldest first. */
  orderReturnsIndex: (orderId: string, createdAt: string, returnId: string) => ({
    GSI1PK: `ORDER#${orderId}#RETURNS`,
    GSI1SK: `${createdAt}#${returnId}`,
  }),
  /** GSI2: returns of one status, oldest first. */
  returnStatusIndex: (status: string, createdAt: string, returnId: string) => ({
    GSI2PK: `RETURNSTATUS#${status}`,
    GSI2SK: `${createdAt}#${returnId}`,
  }),
  /** Which order a carrier shipment (`shp_…`) was created for: how tracking updates find their order. */
  carrierShipment: (shipmentId: string) => ({ PK: `CARRIERSHIPMENT#${shipmentId}`, SK: '#ORDER' }),
  /** Fixed-window rate-limit counter of one principal and rule. */
  rateLimit: (rule: string, principal: string, window: number) => ({
    PK: `RATE#${rule}#${principal}#${window}`,
    SK: '#RATE',
  }),
  /** The shared state of one circuit breaker (`payment-gateway`). */
  circuit: (name: string) => ({ PK: `CIRCUIT#${name}`, SK: '#CIRCUIT' }),
  /**
   * Sales ledger: a paid order or a refund, in the partition of its UTC day, spread over a few shards
   * (one busy day is not one hot partition). Kind and order id make the key: writing an entry twice
   * is the same item.
   */
  ledgerEntry: (day: string, shard: number, kind: string, orderId: string) => ({
    PK: `LEDGER#${day}#${shard}`,
    SK: `${kind.toUpperCase()}#${orderId}`,
  }),
  /** The stored sales report of one UTC day. */
  dailyReport: (day: string) => ({ PK: `REPORT#${day}`, SK: '#REPORT' }),
  /** Where the cleanup job's walk through the table stopped. */
  cleanupCursor: () => ({ PK: 'JOB#cleanup', SK: '#CURSOR' }),
  /** Which snapshot of a search index (`products`) is current: its version, chunk count and checksum. */
  searchSnapshotPointer: (index: string) => ({ PK: `SEARCH#${index}`, SK: '#CURRENT' }),
  /**
   * One chunk of a saved snapshot of a search index (`snapshotId`: its version and a token of the
   * save): all of a save's chunks are one item collection, read by one Query.
   */
  searchSnapshotChunk: (index: string, snapshotId: string, chunk: number) => ({
    PK: `SEARCH#${index}#SNAPSHOT#${snapshotId}`,
    SK: `CHUNK#${String(chunk).padStart(4, '0')}`,
  }),
  /** The tax rates of one destination country. */
  taxRates: (country: string) => ({ PK: `TAXRATE#${country}`, SK: '#TAXRATE' }),
  /** GSI1: every country's tax rates, by country. */
  taxRatesIndex: (country: string) => ({ GSI1PK: 'TAXRATES', GSI1SK: country }),
  /** The shop's shipping methods, all in one item (read with a checkout's prices, decision 0017). */
  shippingMethods: () => ({ PK: 'SHIPPING', SK: '#METHODS' }),
  /** GSI1: active products of one category, by sku. */
  categoryIndex: (category: string, sku: string) => ({ GSI1PK: `CATEGORY#${category}`, GSI1SK: sku }),
  /** GSI2: all active products, by sku. */
  catalogIndex: (sku: string) => ({ GSI2PK: 'CATALOG', GSI2SK: sku }),
} as const;

export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';

/**
 * Where a sellable unit's stock is kept: a simple product's own stock item, or its variant's item
 * (an order line names its product; lines stored before variants existed name none and are simple).
 */
export const stockKey = ({ sku, productSku }: { sku: string; productSku?: string }) =>
  productSku && productSku !== sku ? keys.variant(productSku, sku) : keys.stock(sku);

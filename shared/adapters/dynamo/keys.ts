/**
 * Single-table key design (see docs/data-model.md). Every item has PK/SK; GSI1 and GSI2 are
 * overloaded per entity; `expiresAt` (epoch seconds) is the TTL attribute.
 */
export const keys = {
  product: (sku: string) => ({ PK: `PRODUCT#${sku}`, SK: '#PRODUCT' }),
  stock: (sku: string) => ({ PK: `PRODUCT#${sku}`, SK: '#STOCK' }),
  adjustment: (sku: string, at: string, id: string) => ({ PK: `PRODUCT#${sku}`, SK: `ADJUSTMENT#${at}#${id}` }),
  adjustmentPrefix: 'ADJUSTMENT#',
  /** A customer's profile and cart live in the customer's item collection. */
  profile: (sub: string) => ({ PK: `CUSTOMER#${sub}`, SK: '#PROFILE' }),
  cart: (sub: string) => ({ PK: `CUSTOMER#${sub}`, SK: '#CART' }),
  discount: (code: string) => ({ PK: `DISCOUNT#${code}`, SK: '#DISCOUNT' }),
  /** GSI1: every discount code, by code. */
  discountIndex: (code: string) => ({ GSI1PK: 'DISCOUNTS', GSI1SK: code }),
  order: (orderId: string) => ({ PK: `ORDER#${orderId}`, SK: '#ORDER' }),
  /** The durable "send the payment message" record written with the order (outbox). */
  paymentOutbox: (orderId: string) => ({ PK: `ORDER#${orderId}`, SK: '#OUTBOX#PAYMENT' }),
  /** GSI1 (sparse): unsent outbox records by age, in 8 shards to spread the write load. */
  outboxIndex: (shard: number, createdAt: string, orderId: string) => ({
    GSI1PK: `OUTBOX#${shard}`,
    GSI1SK: `${createdAt}#${orderId}`,
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
  idempotency: (sub: string, key: string) => ({ PK: `IDEMPOTENCY#${sub}#${key}`, SK: '#IDEMPOTENCY' }),
  /** Fixed-window rate-limit counter of one principal and rule. */
  rateLimit: (rule: string, principal: string, window: number) => ({
    PK: `RATE#${rule}#${principal}#${window}`,
    SK: '#RATE',
  }),
  /** GSI1: active products of one category, by sku. */
  categoryIndex: (category: string, sku: string) => ({ GSI1PK: `CATEGORY#${category}`, GSI1SK: sku }),
  /** GSI2: all active products, by sku. */
  catalogIndex: (sku: string) => ({ GSI2PK: 'CATALOG', GSI2SK: sku }),
} as const;

export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';

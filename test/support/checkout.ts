import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as cancelOrder } from '../../functions/http/cancel-order';
import { handler as createOrder } from '../../functions/http/create-order';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as getOrder } from '../../functions/http/get-order';
import { handler as putInventory } from '../../functions/http/put-inventory';
import { invoke } from './http-event';
import { adminToken, customerToken, tableName, uniqueSku } from './integration';

export const address = {
  name: 'Ada Lovelace',
  line1: '12 Analytical Way',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};

/** A new active product with `onHand` units, through the admin API. */
export async function stockedProduct(onHand: number, price = 1000): Promise<string> {
  const sku = uniqueSku('CHK');
  const token = adminToken();
  const created = await invoke(createProduct, {
    method: 'POST',
    path: '/v1/products',
    body: { sku, name: `Product ${sku}`, price, category: 'Checkout tests' },
    token,
  });
  if (created.status !== 201) throw new Error(`product not created: ${created.body}`);
  const stocked = await invoke(putInventory, {
    method: 'PUT',
    path: `/v1/inventory/${sku}`,
    pathParameters: { sku },
    body: { onHand },
    token,
  });
  if (stocked.status !== 200) throw new Error(`stock not set: ${stocked.body}`);
  return sku;
}

export interface OrderRequest {
  items?: Array<{ sku: string; quantity: number }>;
  discountCode?: string;
  shippingAddress?: unknown;
  paymentToken?: string;
  [field: string]: unknown;
}

/** POST /v1/orders as a customer (a fresh Idempotency-Key unless one is given; `null`: none). */
export function placeOrder(sub: string, body: OrderRequest, key: string | null = randomUUID()) {
  return invoke(createOrder, {
    method: 'POST',
    path: '/v1/orders',
    body: { shippingAddress: address, paymentToken: 'tok_visa', ...body },
    headers: key === null ? {} : { 'Idempotency-Key': key },
    token: customerToken(sub),
  });
}

export function readOrder(sub: string, orderId: string, token = customerToken(sub)) {
  return invoke(getOrder, {
    method: 'GET',
    path: `/v1/orders/${orderId}`,
    route: '/v1/orders/{orderId}',
    pathParameters: { orderId },
    token,
  });
}

export function cancel(sub: string, orderId: string, token = customerToken(sub)) {
  return invoke(cancelOrder, {
    method: 'POST',
    path: `/v1/orders/${orderId}/cancel`,
    route: '/v1/orders/{orderId}/cancel',
    pathParameters: { orderId },
    token,
  });
}

export async function stockOf(db: DynamoDBDocumentClient, sku: string) {
  const result = await db.send(
    new GetCommand({ TableName: tableName(), Key: { PK: `PRODUCT#${sku}`, SK: '#STOCK' }, ConsistentRead: true }),
  );
  const { onHand, reserved, available } = result.Item ?? {};
  return { onHand, reserved, available };
}

/** Counts HTTP statuses: `{ 201: 50, 409: 150 }`. */
export function countStatuses(responses: Array<{ status: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

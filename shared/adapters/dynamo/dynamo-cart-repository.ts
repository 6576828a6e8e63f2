import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Cart, CartItem } from '../../domain/cart/cart';
import type { CartRepository } from '../../domain/cart/cart-ports';
import { applied, isConditionFailure } from './dynamo-client';
import { keys } from './keys';

type Item = Record<string, unknown>;

/**
 * A cart no one has changed for this long is abandoned: DynamoDB's TTL deletes it (lazily, so a
 * cart may outlive its `expiresAt` for a while; reads do not hide it, it is still a valid cart).
 */
export const CART_RETENTION_SECONDS = 30 * 24 * 60 * 60;

const expiresAt = (now: string) => Math.floor(Date.parse(now) / 1000) + CART_RETENTION_SECONDS;

/**
 * `items` is stored as a map line → quantity (one attribute path per line): a simple product's line
 * is its sku, a variant's `<product sku>/<variant sku>` (`/` is in no sku), so the cart names the
 * product of each variant and is priced in one read. Lines come back by sku.
 */
const lineKey = ({ sku, productSku }: Omit<CartItem, 'quantity'>) =>
  productSku && productSku !== sku ? `${productSku}/${sku}` : sku;

function toCartItem([key, quantity]: [string, number]): CartItem {
  const [productSku, sku] = key.includes('/') ? (key.split('/') as [string, string]) : [undefined, key];
  return productSku ? { sku, productSku, quantity } : { sku, quantity };
}

function toCart(item: Item): Cart {
  const lines = Object.entries((item.items as Record<string, number> | undefined) ?? {});
  return {
    sub: item.sub as string,
    items: lines.map(toCartItem).sort((a, b) => (a.sku < b.sku ? -1 : 1)),
    version: item.version as number,
    updatedAt: item.updatedAt as string,
  };
}

/**
 * The write that empties a cart and moves its version on (`CartRepository.empty`): the item stays, so
 * its versions never start again. With `readVersion` (checkout, in the order's transaction), only if
 * the cart is still the one it read; without, only if there is a cart.
 */
export function cartEmptying(tableName: string, sub: string, now: string, readVersion?: number) {
  return {
    TableName: tableName,
    Key: keys.cart(sub),
    UpdateExpression: 'SET #items = :none, #updatedAt = :now ADD #version :one',
    ConditionExpression: readVersion === undefined ? 'attribute_exists(PK)' : '#version = :read',
    ExpressionAttributeNames: { '#items': 'items', '#version': 'version', '#updatedAt': 'updatedAt' },
    ExpressionAttributeValues: {
      ':none': {},
      ':now': now,
      ':one': 1,
      ...(readVersion === undefined ? {} : { ':read': readVersion }),
    },
  };
}

export function createDynamoCartRepository(db: DynamoDBDocumentClient, tableName: string): CartRepository {
  /** The first change creates the cart, only if there still is none. */
  async function create(sub: string, line: CartItem, now: string): Promise<Cart | null> {
    const item = {
      ...keys.cart(sub),
      type: 'Cart',
      sub,
      items: line.quantity > 0 ? { [lineKey(line)]: line.quantity } : {},
      version: 1,
      updatedAt: now,
      expiresAt: expiresAt(now),
    };
    try {
      await db.send(
        new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
      );
      return toCart(item);
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  return {
    async get(sub) {
      const result = await db.send(new GetCommand({ TableName: tableName, Key: keys.cart(sub), ConsistentRead: true }));
      return result.Item ? toCart(result.Item) : null;
    },

    async setQuantity(sub, line, expectedVersion, now) {
      if (expectedVersion === 0) return create(sub, line, now);
      const { quantity } = line;
      const change = quantity > 0 ? 'SET #items.#sku = :quantity,' : 'REMOVE #items.#sku SET';
      try {
        const result = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.cart(sub),
            UpdateExpression: `${change} #version = :next, #updatedAt = :now, #expiresAt = :expiresAt`,
            // The version proves nobody changed the cart since it was read (the line count included).
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: {
              '#items': 'items',
              '#sku': lineKey(line),
              '#version': 'version',
              '#updatedAt': 'updatedAt',
              '#expiresAt': 'expiresAt',
            },
            ExpressionAttributeValues: {
              ...(quantity > 0 ? { ':quantity': quantity } : {}),
              ':expected': expectedVersion,
              ':next': expectedVersion + 1,
              ':now': now,
              ':expiresAt': expiresAt(now),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toCart(result.Attributes as Item);
      } catch (error) {
        if (isConditionFailure(error)) return null;
        throw error;
      }
    },

    async empty(sub, now) {
      await applied(db.send(new UpdateCommand(cartEmptying(tableName, sub, now))));
    },

    async delete(sub) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keys.cart(sub) }));
    },
  };
}

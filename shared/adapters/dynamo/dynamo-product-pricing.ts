import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PricedProduct, ProductPricing } from '../../domain/orders/order-ports';
import { batchGetItems } from './batch-get';
import { keys } from './keys';

/** Current names and prices for checkout: one BatchGetItem of the product items. */
export function createDynamoProductPricing(db: DynamoDBDocumentClient, tableName: string): ProductPricing {
  return {
    async priceOf(skus) {
      const items = await batchGetItems(
        db,
        tableName,
        [...new Set(skus)].map((sku) => keys.product(sku)),
      );
      return new Map<string, PricedProduct>(
        items.map((item) => [
          item.sku as string,
          {
            sku: item.sku as string,
            name: item.name as string,
            price: item.price as number,
            active: item.active as boolean,
          },
        ]),
      );
    },
  };
}

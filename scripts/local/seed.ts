/**
 * RECONSTRUCTED by the harness engineer after accidentally overwriting the original: replace
 * with the catalog owner's version. Seeds the demo catalog through the real services, once:
 * a sku that exists is left as it is, so a developer's changes survive restarts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoCatalogRepository } from '../../shared/adapters/dynamo/dynamo-catalog-repository';
import { createDynamoInventoryRepository } from '../../shared/adapters/dynamo/dynamo-inventory-repository';
import { ProductExistsError } from '../../shared/domain/catalog/catalog-errors';
import { createCatalogService } from '../../shared/domain/catalog/catalog-service';
import { createInventoryService } from '../../shared/domain/inventory/inventory-service';
import { randomIds, systemClock } from '../../shared/lib/clock';
import { createCursorCodec } from '../../shared/lib/cursor-codec';
import { demoCatalog } from './demo-catalog';
import { LOCAL_CREDENTIALS } from './local-aws';

export async function seedDemoCatalog(options: { tableName: string; endpoint: string }): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: process.env.AWS_REGION ?? 'eu-west-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  // Cursors are never produced here; the codec is only a required dependency.
  const cursors = createCursorCodec('seed-does-not-paginate');
  const catalog = createCatalogService({
    catalog: createDynamoCatalogRepository(db, options.tableName),
    cursors,
    clock: systemClock,
    currency: process.env.STORE_CURRENCY || 'EUR',
  });
  const inventory = createInventoryService({
    inventory: createDynamoInventoryRepository(db, options.tableName),
    cursors,
    clock: systemClock,
    ids: randomIds,
  });
  try {
    for (const { stock, ...product } of demoCatalog) {
      try {
        await catalog.create(product);
      } catch (error) {
        if (error instanceof ProductExistsError) continue;
        throw error;
      }
      await inventory.setOnHand(product.sku, stock, 'seed');
    }
  } finally {
    client.destroy();
  }
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDbEngine, startDynamoDb } from '../../scripts/local/dynamodb-engine';
import { LOCAL_CREDENTIALS } from '../../scripts/local/local-aws';
import { provisionTable } from '../../scripts/local/provision';
import type { ServerlessDefinition } from '../../scripts/local/serverless-definition';
import { createDocumentClient } from '../../shared/adapters/dynamo/dynamo-client';
import { createDynamoShippingMethodRepository } from '../../shared/adapters/dynamo/dynamo-shipping-method-repository';
import { buildCatalogService, buildInventoryService } from '../../shared/container/catalog';
import type { NewProduct } from '../../shared/domain/catalog/product';
import {
  createShippingMethodService,
  type NewShippingMethod,
} from '../../shared/domain/shipping/shipping-method-service';
import { systemClock } from '../../shared/lib/clock';
import { createCursorCodec } from '../../shared/lib/cursor-codec';

export interface LocalTableOptions {
  definition: ServerlessDefinition;
  port: number;
  tableName: string;
  /** The one product the read benchmarks fetch. */
  sku: string;
  currency: string;
}

/**
 * DynamoDB Local in memory, with the table of serverless.yml and one product with stock, written
 * through the real services (as scripts/local/seed.ts does) so the items have the real shape.
 */
export async function startLocalTable(options: LocalTableOptions): Promise<DynamoDbEngine> {
  const engine = await startDynamoDb({ port: options.port });
  try {
    const region = options.definition.provider.region;
    await provisionTable({
      definition: options.definition,
      dynamoEndpoint: engine.endpoint,
      region,
      tableName: options.tableName,
    });
    await seedProduct({ ...options, endpoint: engine.endpoint, region });
    return engine;
  } catch (error) {
    await engine.stop();
    throw error;
  }
}

async function seedProduct(options: LocalTableOptions & { endpoint: string; region: string }): Promise<void> {
  await seedProducts({
    endpoint: options.endpoint,
    region: options.region,
    tableName: options.tableName,
    currency: options.currency,
    products: [
      {
        sku: options.sku,
        name: 'Bench stoneware mug',
        description: 'A 350 ml mug, dishwasher safe.',
        category: 'Kitchen',
        price: 1490,
        onHand: 120,
      },
    ],
  });
}

export interface SeedProduct {
  sku: string;
  name: string;
  description?: string;
  category: string;
  price: number;
  /** Units of the product, or of each of its variants. */
  onHand: number;
  options?: NewProduct['options'];
  variants?: NewProduct['variants'];
}

/** Bound on concurrent seeding writes: enough to overlap round trips, few enough not to contend. */
const SEED_CONCURRENCY = 8;

/**
 * Active products with stock, written through the catalog and inventory services as the composition
 * root builds them (shared/container/catalog.ts, as scripts/local/seed.ts does), so the items have
 * exactly the shape production writes.
 */
export async function seedProducts(options: {
  endpoint: string;
  region: string;
  tableName: string;
  currency: string;
  products: SeedProduct[];
  /** The shop's shipping methods, created first. */
  shippingMethods?: NewShippingMethod[];
}): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: LOCAL_CREDENTIALS,
  });
  const table = { db: createDocumentClient(client), name: options.tableName };
  // Nothing here paginates; the codec is only a required dependency.
  const cursors = createCursorCodec('bench-does-not-paginate');
  try {
    const shipping = createShippingMethodService({
      methods: createDynamoShippingMethodRepository(table.db, table.name),
      clock: systemClock,
    });
    for (const method of options.shippingMethods ?? []) await shipping.create(method);
    const catalog = buildCatalogService(table, { cursors, currency: options.currency });
    const inventory = buildInventoryService(table, { cursors });
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < options.products.length; index = next++) {
        const { onHand, ...product } = options.products[index] as SeedProduct;
        await catalog.create(product);
        const sellable = product.variants?.map((variant) => variant.sku) ?? [product.sku];
        for (const sku of sellable) await inventory.setOnHand(sku, onHand, 'bench');
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, options.products.length) }, worker));
  } finally {
    client.destroy();
  }
}

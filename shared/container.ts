import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createDynamoCatalogRepository } from './adapters/dynamo/dynamo-catalog-repository';
import { createDocumentClient, createDynamoClient } from './adapters/dynamo/dynamo-client';
import { createDynamoInventoryRepository } from './adapters/dynamo/dynamo-inventory-repository';
import { createSqsClient } from './adapters/sqs/sqs-client';
import { createTokenVerifier } from './auth/token-verifier';
import { config } from './config';
import { createCatalogService } from './domain/catalog/catalog-service';
import { createHealthService } from './domain/health/health-service';
import { createInventoryService } from './domain/inventory/inventory-service';
import { randomIds, systemClock } from './lib/clock';
import { createCursorCodec } from './lib/cursor-codec';
import { logger } from './observability';

/**
 * The composition root. Each getter builds its part once per cold start (on first use, so a
 * function only pays for what it uses) from the validated configuration.
 */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

export const dynamoClient = /* @__PURE__ */ once(() => createDynamoClient(config().region));
export const documentClient = /* @__PURE__ */ once(() => createDocumentClient(dynamoClient()));
export const sqsClient = /* @__PURE__ */ once(() => createSqsClient(config().region));
export const tokenVerifier = /* @__PURE__ */ once(() => createTokenVerifier(config().auth));
export const cursorCodec = /* @__PURE__ */ once(() => createCursorCodec(config().cursorSecret));

export const catalogService = /* @__PURE__ */ once(() =>
  createCatalogService({
    catalog: createDynamoCatalogRepository(documentClient(), config().tableName),
    cursors: cursorCodec(),
    clock: systemClock,
    currency: config().currency,
  }),
);

export const inventoryService = /* @__PURE__ */ once(() =>
  createInventoryService({
    inventory: createDynamoInventoryRepository(documentClient(), config().tableName),
    cursors: cursorCodec(),
    clock: systemClock,
    ids: randomIds,
  }),
);

export const healthService = /* @__PURE__ */ once(() => {
  const { tableName, queues } = config();
  const queueUrls = Object.values(queues);
  return createHealthService(
    [
      {
        name: 'dynamodb',
        check: async () => {
          const result = await dynamoClient().send(new DescribeTableCommand({ TableName: tableName }));
          if (result.Table?.TableStatus !== 'ACTIVE') throw new Error(`table status ${result.Table?.TableStatus}`);
        },
      },
      {
        name: 'queues',
        check: async () => {
          await Promise.all(
            queueUrls.map((QueueUrl) =>
              sqsClient().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] })),
            ),
          );
        },
      },
    ],
    (name, error) => logger.warn('health probe failed', { probe: name, error: error as Error }),
  );
});

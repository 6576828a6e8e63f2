import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBStreamEvent,
  ScheduledEvent,
  SQSEvent,
} from 'aws-lambda';
import { handler as erasureWorker } from '../../functions/queue/erasure-worker';
import { handler as paymentWorker } from '../../functions/queue/payment-worker';
import { handler as cleanup } from '../../functions/scheduled/cleanup';
import { handler as dailyReport } from '../../functions/scheduled/daily-report';
import { handler as expireReservations } from '../../functions/scheduled/expire-reservations';
import { handler as reconcile } from '../../functions/scheduled/reconcile';
import { handler as searchIndexer } from '../../functions/stream/search-indexer';
import { handler as workForwarder } from '../../functions/stream/work-forwarder';
import { signSampleEvent } from '../../scripts/local/sample-signature';
import { createDynamoSearchSnapshotReader } from '../../shared/adapters/dynamo/dynamo-search-snapshot-store';
import { loadEmbeddedSearchIndex } from '../../shared/adapters/search/embedded-search-index';
import { config } from '../../shared/config';
import { jobRunner } from '../../shared/container/jobs';
import { PRODUCT_SEARCH_INDEX } from '../../shared/domain/search/search-ports';
import { localSecret } from '../support/config-env';
import { lambdaContext } from '../support/http-event';
import { adminToken, customerToken, testDocumentClient } from '../support/integration';
import { useOwnTable } from '../support/own-table';
import { drainQueue } from '../support/sqs-queue';

// The samples create a shipping method: shop-wide, so in a table of this file's own.
useOwnTable('samples');

const eventsDir = join(__dirname, '..', '..', 'events');
const sqs = new SQSClient({ region: process.env.AWS_REGION });
afterAll(() => sqs.destroy());
/** The stream's, SQS workers' and scheduled functions' samples; every other sample is an HTTP function's. */
const scheduled = { 'expire-reservations': expireReservations, reconcile, 'daily-report': dailyReport, cleanup };
const workers = ['work-forwarder', 'search-indexer', 'payment-worker', 'erasure-worker', ...Object.keys(scheduled)];
const allNames = readdirSync(eventsDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''))
  .sort();
const names = allNames.filter((name) => !workers.includes(name));

const expectedStatus: Record<string, number> = {
  health: 200,
  openapi: 200,
  docs: 200,
  fallback: 404,
  'list-products': 200,
  'search-products': 200,
  'get-product': 200,
  'create-product': 201,
  'update-product': 200,
  // The seeded T-shirt gains a size (the first time: a repeat of the sample answers 409 VARIANT_EXISTS).
  'add-variant': 201,
  'update-variant': 200,
  'get-inventory': 200,
  'put-inventory': 200,
  'adjust-inventory': 200,
  'list-inventory-adjustments': 200,
  'get-profile': 200,
  'update-profile': 200,
  // Queues the erasure of the sample customer; nothing consumes the test queue.
  'delete-profile': 202,
  'get-cart': 200,
  'set-cart-item': 200,
  'remove-cart-item': 200,
  'clear-cart': 204,
  'create-discount': 201,
  'list-discounts': 200,
  'get-discount': 200,
  'set-tax-rates': 200,
  'list-tax-rates': 200,
  // In name order: the sample method is created, read, listed, offered to the cart, changed.
  'create-shipping-method': 201,
  'get-shipping-method': 200,
  'list-shipping-methods': 200,
  'update-shipping-method': 200,
  'list-shipping-options': 200,
  'run-job': 200,
  // An event about an order that does not exist: acknowledged, as the gateway expects.
  'payment-webhook': 200,
  'list-returns': 200,
  'carrier-webhook': 200,
  'get-daily-report': 200,
};

function loadEvent(name: string): APIGatewayProxyEventV2 {
  const text = readFileSync(join(eventsDir, `${name}.json`), 'utf8')
    .replaceAll('{{ADMIN_TOKEN}}', adminToken('sample-admin'))
    .replaceAll('{{CUSTOMER_TOKEN}}', customerToken('sample-customer'));
  return JSON.parse(signSampleEvent(text, localSecret(config().paymentWebhookSecret))) as APIGatewayProxyEventV2;
}

async function run(name: string): Promise<APIGatewayProxyStructuredResultV2> {
  const module = (await import(`../../functions/http/${name}`)) as {
    handler: (event: APIGatewayProxyEventV2, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
  };
  return (await module.handler(loadEvent(name), lambdaContext(name))) as APIGatewayProxyStructuredResultV2;
}

describe('the sample events of events/ (the ones `npm run invoke` uses)', () => {
  beforeAll(async () => {
    // The sample events name the seeded demo product; give this table one, in stock.
    const created = await run('create-product');
    expect(created.statusCode).toBe(201);
    const seeded = loadEvent('create-product');
    seeded.body = JSON.stringify({
      sku: 'MUG-CLASSIC-01',
      name: 'Classic stoneware mug',
      price: 1490,
      category: 'Kitchen',
    });
    const module = await import('../../functions/http/create-product');
    const result = (await module.handler(seeded, lambdaContext('create-product'))) as APIGatewayProxyStructuredResultV2;
    expect([201, 409]).toContain(result.statusCode);
    expect((await run('put-inventory')).statusCode).toBe(200);
    // The variant samples name the seeded T-shirt and one of its variants.
    seeded.body = JSON.stringify({
      sku: 'TEE-ORG',
      name: 'Organic cotton T-shirt',
      price: 2900,
      category: 'Apparel',
      options: [
        { name: 'Size', values: ['M'] },
        { name: 'Colour', values: ['Natural'] },
      ],
      variants: [{ sku: 'TEE-ORG-M-NAT', options: { Size: 'M', Colour: 'Natural' } }],
    });
    const shirt = (await module.handler(seeded, lambdaContext('create-product'))) as APIGatewayProxyStructuredResultV2;
    expect([201, 409]).toContain(shirt.statusCode);
    // The report sample reads the day the sample names.
    await jobRunner().run('daily-report', { date: loadEvent('get-daily-report').pathParameters?.date });
  });

  it('cover every function of serverless.yml', () => {
    expect(allNames).toEqual([...Object.keys(expectedStatus), ...workers].sort());
  });

  it('work-forwarder hands its sample work record to the notification queue', async () => {
    const event = JSON.parse(readFileSync(join(eventsDir, 'work-forwarder.json'), 'utf8')) as DynamoDBStreamEvent;
    expect(await workForwarder(event, lambdaContext('work-forwarder'))).toEqual({ batchItemFailures: [] });
    // Nothing else reads the test stage's notification queue.
    const bodies = (await drainQueue(sqs, config().queues.notification)).map((message) =>
      JSON.parse(message.Body ?? ''),
    );
    expect(bodies).toContainEqual({
      type: 'NOTIFICATION_REQUESTED',
      orderId: 'ord_sampleorderthatdoesnotexist',
      event: 'PAID',
    });
  });

  it('search-indexer handles its sample change (a product that does not exist): the current index, built if there was none, does not hold it', async () => {
    const event = JSON.parse(readFileSync(join(eventsDir, 'search-indexer.json'), 'utf8')) as DynamoDBStreamEvent;
    const db = testDocumentClient();
    try {
      const reader = createDynamoSearchSnapshotReader({
        db,
        tableName: config().tableName,
        index: PRODUCT_SEARCH_INDEX,
      });
      const before = (await reader.currentVersion()) ?? 0;
      await searchIndexer(event, lambdaContext('search-indexer'));
      // Nothing the search shows changed, so no snapshot is saved for it, unless there was none yet
      // (then the index is built from the catalog); other test files may save meanwhile.
      const after = await reader.load();
      expect(after?.version).toBeGreaterThanOrEqual(Math.max(before, 1));
      expect(loadEmbeddedSearchIndex(after?.bytes as Buffer).get('SAMPLE-NOT-A-PRODUCT')).toBeUndefined();
    } finally {
      db.destroy();
    }
  });

  it('payment-worker acknowledges its sample (an order that does not exist is not retried)', async () => {
    const event = JSON.parse(readFileSync(join(eventsDir, 'payment-worker.json'), 'utf8')) as SQSEvent;
    expect(await paymentWorker(event, lambdaContext('payment-worker'))).toEqual({ batchItemFailures: [] });
  });

  it('erasure-worker erases its sample customer (who has nothing) and acknowledges the message', async () => {
    const event = JSON.parse(readFileSync(join(eventsDir, 'erasure-worker.json'), 'utf8')) as SQSEvent;
    expect(await erasureWorker(event, lambdaContext('erasure-worker'))).toEqual({ batchItemFailures: [] });
  });

  it.each(Object.entries(scheduled))('%s runs its job from its EventBridge sample', async (name, handler) => {
    const event = JSON.parse(readFileSync(join(eventsDir, `${name}.json`), 'utf8')) as ScheduledEvent;
    expect(event['detail-type']).toBe('Scheduled Event');
    expect(await handler(event, lambdaContext(name))).toMatchObject({ job: name, summary: expect.any(Object) });
  });

  it.each(names.filter((name) => name !== 'create-product'))('%s answers as its route promises', async (name) => {
    const result = await run(name);
    expect({ name, status: result.statusCode }).toEqual({ name, status: expectedStatus[name] });
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { handler as createProduct } from '../../functions/http/create-product';
import { handler as putInventory } from '../../functions/http/put-inventory';
import { handler as updateProduct } from '../../functions/http/update-product';
import { handler as updateVariant } from '../../functions/http/update-variant';
import { loadServerlessDefinition } from '../../scripts/local/serverless-definition';
import { streamEventSources } from '../../scripts/local/stream-event-mapping';
import { type StreamPollers, startStreamPollers } from '../../scripts/local/stream-poller';
import {
  createDynamoSearchSnapshotReader,
  createDynamoSearchSnapshotStore,
} from '../../shared/adapters/dynamo/dynamo-search-snapshot-store';
import { loadEmbeddedSearchIndex } from '../../shared/adapters/search/embedded-search-index';
import { buildSearchIndexer } from '../../shared/container/search-indexing';
import { systemClock } from '../../shared/lib/clock';
import { searchIndexerHandler } from '../../shared/workers/search-indexer';
import { invoke, lambdaContext } from '../support/http-event';
import { adminToken, tableName, testDocumentClient, uniqueSku } from '../support/integration';
import { eventually } from '../support/sqs-queue';

/**
 * The search index kept in step with the catalog through the table's stream, on the real engine:
 * DynamoDB Local's stream read by the local event source mapping with the indexer's own filter and
 * batching from serverless.yml, the worker as deployed, snapshots in the table. Each test indexes
 * into an index of its own; the table is shared, so a rebuild takes in other files' products too.
 */
const db = testDocumentClient();
afterAll(() => db.destroy());

const table = () => ({ db, name: tableName() });

/** A word nobody else's product has, to search by. */
const uniqueWord = () => [...randomBytes(8)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');

const setStock = (sku: string, onHand: number) =>
  invoke(putInventory, {
    method: 'PUT',
    path: `/v1/inventory/${sku}`,
    pathParameters: { sku },
    body: { onHand },
    token: adminToken(),
  });

async function newProduct(word: string, onHand: number) {
  const sku = uniqueSku('SRCH');
  const created = await invoke(createProduct, {
    method: 'POST',
    path: '/v1/products',
    body: { sku, name: `Mug ${word}`, price: 1500, category: 'Search tests' },
    token: adminToken(),
  });
  expect(created.status).toBe(201);
  expect((await setStock(sku, onHand)).status).toBe(200);
  return { sku, etag: created.headers.etag as string };
}

/** What the index's current snapshot finds for `q` (and `inStock`), by sku. */
async function found(index: string, q: string, inStock = false): Promise<string[]> {
  const stored = await createDynamoSearchSnapshotReader({ db, tableName: tableName(), index }).load();
  if (!stored) return [];
  const page = await loadEmbeddedSearchIndex(stored.bytes).search({ q, sort: 'relevance', limit: 100, inStock });
  return page.hits.map((hit) => hit.document.id);
}

async function indexing(index: string): Promise<StreamPollers> {
  const definition = await loadServerlessDefinition({ stage: 'test' });
  const indexer = buildSearchIndexer(table(), index);
  const handler = searchIndexerHandler(() => indexer);
  return startStreamPollers({
    sources: streamEventSources(definition, 'Table').filter((source) => source.functionKey === 'search-indexer'),
    dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB as string,
    region: process.env.AWS_REGION as string,
    tableName: tableName(),
    invoke: async (functionName, event: DynamoDBStreamEvent) => {
      await handler(event, lambdaContext(functionName));
      return { ok: true, payload: null };
    },
  });
}

describe('the search index worker, driven by the table stream', () => {
  it('shows a new product, a stock change and a deactivation in search within 10 seconds', async () => {
    const index = `test-${randomUUID()}`;
    const pollers = await indexing(index);
    try {
      const word = uniqueWord();
      const { sku, etag } = await newProduct(word, 3);
      await eventually(async () => (await found(index, word, true)).includes(sku), 'the new product found', {
        timeoutMs: 10_000,
      });

      const emptied = await setStock(sku, 0);
      expect(emptied.status).toBe(200);
      await eventually(async () => !(await found(index, word, true)).includes(sku), 'out of stock, left out', {
        timeoutMs: 10_000,
      });
      expect(await found(index, word)).toEqual([sku]);

      const deactivated = await invoke(updateProduct, {
        method: 'PATCH',
        path: `/v1/products/${sku}`,
        route: '/v1/products/{sku}',
        pathParameters: { sku },
        body: { active: false },
        headers: { 'If-Match': etag },
        token: adminToken(),
      });
      expect(deactivated.status).toBe(200);
      await eventually(async () => (await found(index, word)).length === 0, 'the inactive product never found', {
        timeoutMs: 10_000,
      });
    } finally {
      await pollers.stop();
    }
  }, 60_000);

  it("follows a product's variants through the stream: their skus, option values and stock", async () => {
    const index = `test-${randomUUID()}`;
    const pollers = await indexing(index);
    try {
      const word = uniqueWord();
      const sku = uniqueSku('SRCH');
      const colour = uniqueWord();
      const created = await invoke(createProduct, {
        method: 'POST',
        path: '/v1/products',
        body: {
          sku,
          name: `Shirt ${word}`,
          price: 2500,
          category: 'Search tests',
          options: [{ name: 'Colour', values: [colour, 'Plain'] }],
          variants: [
            { sku: `${sku}-A`, options: { Colour: colour } },
            { sku: `${sku}-B`, options: { Colour: 'Plain' } },
          ],
        },
        token: adminToken(),
      });
      expect(created.status).toBe(201);
      await eventually(async () => (await found(index, colour)).includes(sku), 'found by a variant’s value', {
        timeoutMs: 10_000,
      });
      expect(await found(index, `${sku}-B`)).toEqual([sku]);
      expect(await found(index, word, true)).toEqual([]);
      // A variant's stock lives in its variant item: its change reaches the index through the stream too.
      expect((await setStock(`${sku}-B`, 4)).status).toBe(200);
      await eventually(async () => (await found(index, word, true)).includes(sku), 'in stock through a variant', {
        timeoutMs: 10_000,
      });
      const deactivated = await invoke(updateVariant, {
        method: 'PATCH',
        path: `/v1/products/${sku}/variants/${sku}-A`,
        route: '/v1/products/{sku}/variants/{variantSku}',
        pathParameters: { sku, variantSku: `${sku}-A` },
        body: { active: false },
        token: adminToken(),
      });
      expect(deactivated.status).toBe(200);
      await eventually(async () => (await found(index, colour)).length === 0, 'its inactive variant’s value gone', {
        timeoutMs: 10_000,
      });
      expect(await found(index, word)).toEqual([sku]);
    } finally {
      await pollers.stop();
    }
  }, 60_000);

  it('saves no snapshot for a change the search does not show: stock that stays above zero', async () => {
    const index = `test-${randomUUID()}`;
    const word = uniqueWord();
    const { sku } = await newProduct(word, 3);
    const indexer = buildSearchIndexer(table(), index);
    const first = await indexer.rebuild();
    const restocked = await setStock(sku, 5);
    expect(restocked.status).toBe(200);
    expect(await indexer.apply([sku])).toEqual({ version: first.version, saved: false, rebuilt: false });
    // Another instance, from the stored snapshot, sees it the same way; down to zero is a change.
    const other = buildSearchIndexer(table(), index);
    expect((await other.apply([sku])).saved).toBe(false);
    const emptied = await setStock(sku, 0);
    expect(emptied.status).toBe(200);
    expect(await other.apply([sku])).toEqual({ version: first.version + 1, saved: true, rebuilt: false });
    expect(await found(index, word, true)).toEqual([]);
  }, 60_000);

  it('rebuilds from the catalog, and saves, when the current snapshot is one this release cannot read', async () => {
    const index = `test-${randomUUID()}`;
    const word = uniqueWord();
    const { sku } = await newProduct(word, 2);
    const store = createDynamoSearchSnapshotStore({ db, tableName: tableName(), index, clock: systemClock });
    await store.save({ version: 1, bytes: Buffer.from(JSON.stringify({ format: 'an-older-engine/1' })) });
    // Even for a change the search would not show, the unreadable snapshot is replaced.
    expect(await buildSearchIndexer(table(), index).apply([`NO-SUCH-${randomUUID()}`])).toEqual({
      version: 2,
      saved: true,
      rebuilt: true,
    });
    expect(await found(index, word)).toEqual([sku]);
  }, 60_000);

  it('loses no change when indexers race: each saves on top of the other', async () => {
    const index = `test-${randomUUID()}`;
    const words = [uniqueWord(), uniqueWord(), uniqueWord(), uniqueWord()];
    // A snapshot without them; then four workers (instances) apply one new product each, at once.
    await buildSearchIndexer(table(), index).rebuild();
    const products = await Promise.all(words.map((word) => newProduct(word, 1)));
    for (const word of words) expect(await found(index, word)).toEqual([]);
    const indexers = products.map(() => buildSearchIndexer(table(), index));
    const versions = await Promise.all(products.map(({ sku }, i) => indexers[i]?.apply([sku])));
    expect(new Set(versions.map((saved) => saved?.version)).size).toBe(products.length);
    for (const [i, word] of words.entries()) expect(await found(index, word)).toEqual([products[i]?.sku]);
  }, 60_000);
});

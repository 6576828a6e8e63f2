import { createDocumentClient } from '../../../shared/adapters/dynamo/dynamo-client';
import { createDynamoSearchSnapshotReader } from '../../../shared/adapters/dynamo/dynamo-search-snapshot-store';
import { loadEmbeddedSearchIndex } from '../../../shared/adapters/search/embedded-search-index';
import { decodeSnapshot } from '../../../shared/adapters/search/search-snapshot';
import { buildCatalogService, buildInventoryService } from '../../../shared/container/catalog';
import { SNAPSHOT_CHECK_INTERVAL_MS } from '../../../shared/container/search';
import { buildSearchIndexer } from '../../../shared/container/search-indexing';
import type { IndexedDocument } from '../../../shared/domain/search/search-document';
import { PRODUCT_SEARCH_INDEX } from '../../../shared/domain/search/search-ports';
import { createCursorCodec } from '../../../shared/lib/cursor-codec';
import type { BenchContext } from '../../bench-context';
import { applyFunctionEnv, stackDynamoClient } from '../../lib/checkout-requests';
import { type SeedProduct, seedProducts } from '../../lib/local-table';
import { percentile } from '../../lib/stats';
import { startStreamFunction } from '../../lib/work-forwarding';

/** The catalog the index holds while changes are measured (the checkout stack's 1,001 products and more). */
export const CATALOG_SIZE = 10_000;
export const QUICK_CATALOG_SIZE = 2_000;
export const CHANGES = 40;
export const QUICK_CHANGES = 8;
/** How often the bench asks whether a newer snapshot is current (one small GetItem). */
const POLL_MS = 50;
/** Bound on one change's wait: far beyond the target, so a stuck worker fails the row instead of hanging. */
const GIVE_UP_MS = 60_000;

export interface ChangeTiming {
  kind: 'new product' | 'stock to zero' | 'stock back';
  /** From the write's answer to the first current snapshot that shows it. */
  toSnapshotMs: number;
}

export interface Measured {
  catalog: number;
  changes: ChangeTiming[];
  /** Changes not shown within GIVE_UP_MS. */
  missed: number;
  /** What a warm search function adds at worst: its check interval and loading the new snapshot. */
  checkIntervalMs: number;
  reloadMs: number;
  snapshotBytes: number;
  versions: number;
}

const ADJECTIVES = ['Classic', 'Insulated', 'Rustic', 'Modern', 'Compact', 'Vintage', 'Sturdy', 'Light'];
const NOUNS = ['mug', 'lamp', 'kettle', 'blanket', 'notebook', 'backpack', 'bottle', 'chair', 'scarf', 'candle'];
const CATEGORIES = ['Kitchen', 'Lighting', 'Home', 'Stationery', 'Outdoor', 'Fashion'];

const filler = (index: number): SeedProduct => ({
  sku: `BENCH-SEARCH-${String(index).padStart(5, '0')}`,
  name: `${ADJECTIVES[index % ADJECTIVES.length]} ${NOUNS[(index * 7) % NOUNS.length]} ${index}`,
  description: `A ${NOUNS[(index * 7) % NOUNS.length]} of the search benchmark, model ${index}.`,
  category: CATEGORIES[index % CATEGORIES.length] as string,
  price: 500 + ((index * 7919) % 9500),
  onHand: index % 5 === 0 ? 0 : 10,
});

/**
 * Freshness of search on the local stack: a catalog in DynamoDB Local, its index built and saved,
 * the built `search-indexer` on the table's stream (a process of its own), then one change at a time
 * through the catalog and inventory services, each timed until the current snapshot shows it.
 */
export async function measure(context: BenchContext): Promise<Measured> {
  const { functions } = await context.bundles();
  const stack = await context.checkoutStack();
  applyFunctionEnv(stack.env);
  const size = context.quick ? QUICK_CATALOG_SIZE : CATALOG_SIZE;
  const existing = stack.spreadSkus.length + stack.variantProducts.length + 1;
  await seedProducts({
    endpoint: stack.dynamoEndpoint,
    region: stack.region,
    tableName: stack.tableName,
    currency: stack.env.STORE_CURRENCY || 'EUR',
    products: Array.from({ length: Math.max(0, size - existing) }, (_, index) => filler(index)),
  });
  const client = stackDynamoClient(stack);
  const db = createDocumentClient(client);
  const table = { db, name: stack.tableName };
  try {
    const first = await buildSearchIndexer(table).rebuild();
    const reader = createDynamoSearchSnapshotReader({ db, tableName: stack.tableName, index: PRODUCT_SEARCH_INDEX });
    const indexer = await startStreamFunction(stack, functions, 'search-indexer');
    const cursors = createCursorCodec('bench-does-not-paginate');
    const catalog = buildCatalogService(table, { cursors, currency: stack.env.STORE_CURRENCY || 'EUR' });
    const inventory = buildInventoryService(table, { cursors });
    const changes: ChangeTiming[] = [];
    let missed = 0;
    let lastVersion = first.version;
    let snapshotBytes = 0;
    let reloadMs = 0;
    try {
      const count = context.quick ? QUICK_CHANGES : CHANGES;
      for (let change = 0; change < count; change++) {
        const kind: ChangeTiming['kind'] =
          change % 3 === 0 ? 'new product' : change % 3 === 1 ? 'stock to zero' : 'stock back';
        // Stock changes on this measure's own products (the checkout measures left reservations on
        // theirs), one in stock (index not a multiple of 5): to zero, then the same one back.
        const sku =
          kind === 'new product'
            ? `BENCH-FRESH-${String(change).padStart(4, '0')}`
            : filler(5 * Math.floor(change / 3) + 1).sku;
        const shows =
          kind === 'new product'
            ? (document: IndexedDocument | undefined) => document !== undefined
            : (document: IndexedDocument | undefined) => (document?.available === 0) === (kind === 'stock to zero');
        if (kind === 'new product') {
          await catalog.create({ sku, name: `Fresh lantern ${change}`, category: 'Lighting', price: 2500 });
        } else {
          await inventory.setOnHand(sku, kind === 'stock to zero' ? 0 : 7, 'bench');
        }
        const written = performance.now();
        let shown = false;
        while (!shown && performance.now() - written < GIVE_UP_MS) {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          const version = await reader.currentVersion();
          if (version === null || version <= lastVersion) continue;
          const seen = performance.now();
          const stored = await reader.load();
          if (!stored) continue;
          lastVersion = stored.version;
          const snapshot = decodeSnapshot(stored.bytes);
          if (shows(snapshot.documents.find((document) => document.id === sku))) {
            changes.push({ kind, toSnapshotMs: seen - written });
            snapshotBytes = stored.bytes.length;
            const loadStarted = performance.now();
            loadEmbeddedSearchIndex(stored.bytes);
            reloadMs = Math.max(reloadMs, performance.now() - loadStarted);
            shown = true;
          }
        }
        if (!shown) missed++;
      }
      return {
        catalog: size,
        changes,
        missed,
        checkIntervalMs: SNAPSHOT_CHECK_INTERVAL_MS,
        reloadMs,
        snapshotBytes,
        versions: lastVersion - first.version,
      };
    } finally {
      await indexer.stop();
    }
  } finally {
    client.destroy();
  }
}

export const worstCaseMs = (measured: Measured, toSnapshotMs: number) =>
  toSnapshotMs + measured.checkIntervalMs + measured.reloadMs;

export const quantiles = (values: number[]) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
  max: Math.max(...values),
});

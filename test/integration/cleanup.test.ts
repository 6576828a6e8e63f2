import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoCartRepository } from '../../shared/adapters/dynamo/dynamo-cart-repository';
import { createDynamoExpiredRecords } from '../../shared/adapters/dynamo/dynamo-expired-records';
import { createDynamoIdempotencyStore } from '../../shared/adapters/dynamo/dynamo-idempotency-store';
import { createExpiredRecordCleanup } from '../../shared/domain/housekeeping/expired-record-cleanup';
import type { ExpiredRecords } from '../../shared/domain/housekeeping/housekeeping-ports';
import { type Clock, systemClock } from '../../shared/lib/clock';
import { runJobNow } from '../support/admin-jobs';

// The cleanup deletes across the whole table: each test gets a table of its own, so the counts are
// exact and no other test's items are touched.
const client = new DynamoDBClient({ region: process.env.AWS_REGION });
const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
const tables: string[] = [];
afterAll(async () => {
  // Tidiness only: the engine's in-memory tables go with it at the end of the run anyway.
  await Promise.allSettled(tables.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
  client.destroy();
});

async function newTable(): Promise<string> {
  const TableName = `cleanup-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName });
  tables.push(TableName);
  return TableName;
}

const longAgo = '2001-01-01T00:00:00.000Z';
const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const unbounded = { remainingTimeMs: () => 60_000 };

/** Carts last changed long ago (abandoned) or now, through the cart repository. */
async function carts(tableName: string, changedAt: string, count: number): Promise<string[]> {
  const repository = createDynamoCartRepository(db, tableName);
  const subs = Array.from({ length: count }, () => `cleanup-${randomUUID()}`);
  for (const sub of subs) await repository.setQuantity(sub, { sku: 'MUG-1', quantity: 1 }, 0, changedAt);
  return subs;
}

async function keysIn(tableName: string): Promise<string[]> {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  return Items.map((item) => `${item.PK}|${item.SK}`)
    .filter((key) => !key.startsWith('JOB#cleanup'))
    .sort();
}

const cleanupOf = (records: ExpiredRecords, options: { max?: number; pageSize?: number; concurrency?: number } = {}) =>
  createExpiredRecordCleanup({
    records,
    clock: systemClock,
    maxItemsPerRun: options.max ?? 1000,
    pageSize: options.pageSize,
    concurrency: options.concurrency,
  });

/** Records whose deletes are counted, and a context whose time runs out after `deletes` of them. */
function timeForDeletes(real: ExpiredRecords, deletes: number) {
  let done = 0;
  const records: ExpiredRecords = {
    ...real,
    deleteIfExpired: async (key, nowSeconds) => {
      const deleted = await real.deleteIfExpired(key, nowSeconds);
      done++;
      return deleted;
    },
  };
  return { records, context: { remainingTimeMs: () => (done < deletes ? 60_000 : 0) } };
}

describe('the cleanup job', () => {
  it('deletes abandoned carts and expired records, and keeps live ones and items that never expire', async () => {
    const table = await newTable();
    const abandoned = await carts(table, longAgo, 3);
    const live = await carts(table, new Date().toISOString(), 2);
    const options = { retentionSeconds: 25 * 3600, lockSeconds: 60 };
    await createDynamoIdempotencyStore(db, table, at(longAgo), options).begin('old-sub', 'old-key', 'fp');
    await createDynamoIdempotencyStore(db, table, systemClock, options).begin('new-sub', 'new-key', 'fp');
    const nowSeconds = Math.floor(Date.now() / 1000);
    await db.send(
      new PutCommand({ TableName: table, Item: { PK: 'RATE#requests#ip:1#1', SK: '#RATE', count: 3, expiresAt: 1 } }),
    );
    // due in ten minutes: not expired yet
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { PK: 'RATE#requests#ip:1#2', SK: '#RATE', expiresAt: nowSeconds + 600 },
      }),
    );
    await db.send(new PutCommand({ TableName: table, Item: { PK: 'PRODUCT#MUG-1', SK: '#PRODUCT', name: 'Mug' } }));

    const summary = await cleanupOf(createDynamoExpiredRecords(db, table, systemClock)).run(unbounded);

    expect(summary).toEqual({ scanned: 10, expired: 5, deleted: 5, refreshed: 0, passCompleted: 1, timeLimited: 0 });
    expect(await keysIn(table)).toEqual(
      [
        ...live.map((sub) => `CUSTOMER#${sub}|#CART`),
        'CUSTOMER#new-sub|#IDEMPOTENCY#new-key',
        'PRODUCT#MUG-1|#PRODUCT',
        'RATE#requests#ip:1#2|#RATE',
      ].sort(),
    );
    expect(abandoned).toHaveLength(3);

    // Nothing left to do: the next run deletes nothing.
    const again = await cleanupOf(createDynamoExpiredRecords(db, table, systemClock)).run(unbounded);
    expect(again).toMatchObject({ expired: 0, deleted: 0, passCompleted: 1 });
  });

  it('leaves alone an item refreshed between the scan and the delete (a cart changed meanwhile)', async () => {
    const table = await newTable();
    const [changed, forgotten] = await carts(table, longAgo, 2);
    const repository = createDynamoCartRepository(db, table);
    const real = createDynamoExpiredRecords(db, table, systemClock);
    const records: ExpiredRecords = {
      ...real,
      async scanExpired(query) {
        const page = await real.scanExpired(query);
        // The customer comes back right after the scan read the cart: its expiry moves 30 days on.
        const cart = await repository.get(changed as string);
        await repository.setQuantity(
          changed as string,
          { sku: 'MUG-1', quantity: 2 },
          cart?.version ?? 0,
          new Date().toISOString(),
        );
        return page;
      },
    };

    const summary = await cleanupOf(records).run(unbounded);

    expect(summary).toMatchObject({ expired: 2, deleted: 1, refreshed: 1 });
    expect(await repository.get(changed as string)).toMatchObject({ items: [{ sku: 'MUG-1', quantity: 2 }] });
    expect(await repository.get(forgotten as string)).toBeNull();
  });

  it('stops after its maximum of deletes and resumes where it stopped on the next run', async () => {
    const table = await newTable();
    await carts(table, longAgo, 5);
    const live = await carts(table, new Date().toISOString(), 3);
    const starts: unknown[] = [];
    const run = async () => {
      const real = createDynamoExpiredRecords(db, table, systemClock);
      const stored = await real.loadCursor();
      let first = true;
      const records: ExpiredRecords = {
        ...real,
        scanExpired: (query) => {
          if (first) starts.push({ after: query.after, stored: stored.position });
          first = false;
          return real.scanExpired(query);
        },
      };
      return cleanupOf(records, { max: 2 }).run(unbounded);
    };

    const runs = [await run(), await run(), await run()];

    expect(runs.map(({ deleted, passCompleted }) => ({ deleted, passCompleted }))).toEqual([
      { deleted: 2, passCompleted: 0 },
      { deleted: 2, passCompleted: 0 },
      { deleted: 1, passCompleted: 1 },
    ]);
    expect(await keysIn(table)).toEqual(live.map((sub) => `CUSTOMER#${sub}|#CART`).sort());
    // Each run read on from where the last one stopped (the last item it handled): together, one pass.
    expect(starts).toEqual([
      { after: null, stored: null },
      { after: expect.objectContaining({ PK: expect.any(String), SK: '#CART' }), stored: expect.anything() },
      { after: expect.objectContaining({ PK: expect.any(String), SK: '#CART' }), stored: expect.anything() },
    ]);
    for (const start of starts as Array<{ after: unknown; stored: unknown }>) expect(start.after).toEqual(start.stored);
    expect(runs.reduce((sum, summary) => sum + summary.expired, 0)).toBe(5);
  });

  it('starts no page when its time runs short, and the next run continues from the stored cursor', async () => {
    const table = await newTable();
    await carts(table, longAgo, 6);
    const records = () => createDynamoExpiredRecords(db, table, systemClock);

    const idle = await cleanupOf(records()).run({ remainingTimeMs: () => 1000 });
    expect(idle).toEqual({ scanned: 0, expired: 0, deleted: 0, refreshed: 0, passCompleted: 0, timeLimited: 1 });

    // Time for one page (of 2 items) only.
    const onePage = timeForDeletes(records(), 2);
    const first = await cleanupOf(onePage.records, { pageSize: 2 }).run(onePage.context);
    expect(first).toMatchObject({ scanned: 2, deleted: 2, passCompleted: 0, timeLimited: 1 });
    expect(await keysIn(table)).toHaveLength(4);

    const rest = await cleanupOf(records(), { pageSize: 2 }).run(unbounded);
    expect(rest).toMatchObject({ deleted: 4, passCompleted: 1 });
    expect(await keysIn(table)).toEqual([]);
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: { PK: 'JOB#cleanup', SK: '#CURSOR' }, ConsistentRead: true }),
    );
    // A finished pass leaves no position: the next run starts over.
    expect(Item).toMatchObject({ type: 'CleanupCursor', version: expect.any(Number) });
    expect(Item?.position).toBeUndefined();
  });

  it('stops deleting in the middle of a slow page when its time runs short, and the next run resumes after the last delete', async () => {
    const table = await newTable();
    await carts(table, longAgo, 6);
    const short = timeForDeletes(createDynamoExpiredRecords(db, table, systemClock), 3);

    const first = await cleanupOf(short.records, { pageSize: 100, concurrency: 1 }).run(short.context);

    expect(first).toMatchObject({ expired: 3, deleted: 3, passCompleted: 0, timeLimited: 1 });
    expect(await keysIn(table)).toHaveLength(3);
    const rest = await cleanupOf(createDynamoExpiredRecords(db, table, systemClock)).run(unbounded);
    expect(rest).toMatchObject({ deleted: 3, passCompleted: 1, timeLimited: 0 });
    expect(await keysIn(table)).toEqual([]);
  });

  it('stops when another run moved the cursor meanwhile (two runs never both advance it)', async () => {
    const table = await newTable();
    await carts(table, longAgo, 4);
    const real = createDynamoExpiredRecords(db, table, systemClock);
    const stale = await real.loadCursor();
    // Another run saves first.
    expect(await real.saveCursor(null, stale.version)).toBe(true);
    const records: ExpiredRecords = { ...real, loadCursor: async () => stale };

    const summary = await cleanupOf(records, { pageSize: 2 }).run(unbounded);

    // One page only (the other run's cursor item may be in it): its deletes are idempotent and stand,
    // then it stops instead of overwriting the cursor.
    expect(summary).toMatchObject({ scanned: 2, refreshed: 0, passCompleted: 0 });
    expect(summary.deleted).toBe(summary.expired);
    expect(summary.deleted).toBeGreaterThan(0);
    expect(await keysIn(table)).toHaveLength(4 - summary.deleted);
    expect(await real.loadCursor()).toEqual({ position: null, version: 1 });
  });

  it('runs on demand through POST /v1/admin/jobs/cleanup and answers its counts', async () => {
    const result = await runJobNow('cleanup');
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      job: 'cleanup',
      summary: {
        scanned: expect.any(Number),
        expired: expect.any(Number),
        deleted: expect.any(Number),
        refreshed: expect.any(Number),
        passCompleted: expect.any(Number),
      },
    });
    expect(result.json.summary.deleted + result.json.summary.refreshed).toBe(result.json.summary.expired);
  });
});

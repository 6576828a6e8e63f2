import { randomBytes, randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  createDynamoSearchSnapshotStore,
  SNAPSHOT_CHUNK_BYTES,
} from '../../shared/adapters/dynamo/dynamo-search-snapshot-store';
import { keys } from '../../shared/adapters/dynamo/keys';
import { systemClock } from '../../shared/lib/clock';
import { tableName, testDocumentClient } from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());

/** A store over an index of its own, so each test starts with no snapshot. */
function freshStore() {
  const index = `test-${randomUUID()}`;
  return { index, store: createDynamoSearchSnapshotStore({ db, tableName: tableName(), index, clock: systemClock }) };
}

/** Every chunk item of the index's snapshots, whichever save wrote it. */
async function chunksOf(index: string) {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: 'begins_with(PK, :prefix)',
        ExpressionAttributeValues: { ':prefix': `SEARCH#${index}#SNAPSHOT#` },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

// Random bytes do not compress: about 1.2 MB stays 4 chunks after gzip.
const incompressible = (size: number) => randomBytes(size);

describe('search snapshots in the table', () => {
  it('has none before the first save', async () => {
    const { store } = freshStore();
    expect(await store.currentVersion()).toBeNull();
    expect(await store.load()).toBeNull();
  });

  it('stores a snapshot larger than an item in chunks and loads it back byte for byte', async () => {
    const { index, store } = freshStore();
    const bytes = incompressible(3 * SNAPSHOT_CHUNK_BYTES + 12_345);
    expect(await store.save({ version: 7, bytes })).toBe('saved');
    expect(await store.currentVersion()).toBe(7);
    const loaded = await store.load();
    expect(loaded?.version).toBe(7);
    expect(loaded?.bytes.equals(bytes)).toBe(true);
    expect(await chunksOf(index)).toHaveLength(4);
  });

  it('never makes an older or equal version current, and keeps nothing of such a save', async () => {
    const { index, store } = freshStore();
    const current = Buffer.from(JSON.stringify({ catalog: 'v5' }));
    expect(await store.save({ version: 5, bytes: current })).toBe('saved');
    expect(await store.save({ version: 4, bytes: Buffer.from('older') })).toBe('stale');
    expect(await store.save({ version: 5, bytes: Buffer.from('same version, other bytes') })).toBe('stale');
    expect((await store.load())?.bytes.equals(current)).toBe(true);
    expect(await chunksOf(index)).toHaveLength(1);
  });

  it('when saves race, the newest version wins; the losers leave nothing, the replaced expire later', async () => {
    const { index, store } = freshStore();
    const versions = [11, 12, 13, 14, 15];
    const contents = new Map(versions.map((version) => [version, incompressible(SNAPSHOT_CHUNK_BYTES + version)]));
    // Several workers (instances of the store) at once.
    const outcomes = await Promise.all(
      versions.map((version) =>
        createDynamoSearchSnapshotStore({ db, tableName: tableName(), index, clock: systemClock }).save({
          version,
          bytes: contents.get(version) as Buffer,
        }),
      ),
    );
    expect(outcomes).toContain('saved');
    const loaded = await store.load();
    expect(loaded?.version).toBe(15);
    expect(loaded?.bytes.equals(contents.get(15) as Buffer)).toBe(true);
    // What is left besides the current save's two chunks: chunks of replaced saves, each expiring
    // within the hour; a save that lost the race left none.
    const current = await db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.searchSnapshotPointer(index).PK },
        ConsistentRead: true,
      }),
    );
    const snapshotId = current.Items?.[0]?.snapshotId as string;
    const now = Date.now() / 1000;
    const others = (await chunksOf(index)).filter((item) => !(item.PK as string).endsWith(snapshotId));
    expect((await chunksOf(index)).length - others.length).toBe(2);
    for (const chunk of others) {
      expect(chunk.expiresAt).toBeGreaterThan(now);
      expect(chunk.expiresAt).toBeLessThanOrEqual(now + 3600 + 5);
    }
    const saved = outcomes.filter((outcome) => outcome === 'saved').length;
    expect(others).toHaveLength(2 * (saved - 1));
  });

  it('refuses a damaged snapshot instead of handing out wrong bytes', async () => {
    const { index, store } = freshStore();
    expect(await store.save({ version: 1, bytes: incompressible(SNAPSHOT_CHUNK_BYTES + 10) })).toBe('saved');
    const [chunk] = (await chunksOf(index)).filter((item) => item.SK === 'CHUNK#0001');
    await db.send(new PutCommand({ TableName: tableName(), Item: { ...chunk, data: Buffer.from('tampered') } }));
    await expect(store.load()).rejects.toThrow('search snapshot 1 is incomplete or damaged');
  });
});

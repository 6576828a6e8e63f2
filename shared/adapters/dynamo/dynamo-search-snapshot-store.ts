import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SearchSnapshotReader, SearchSnapshotStore, StoredSnapshot } from '../../domain/search/search-ports';
import type { Clock } from '../../lib/clock';
import { isConditionFailure } from './dynamo-client';
import { keys } from './keys';

const gzipped = promisify(gzip);
const gunzipped = promisify(gunzip);

/** Bytes of snapshot per item: under DynamoDB's 400 KB item limit with room for the key and names. */
export const SNAPSHOT_CHUNK_BYTES = 350_000;
/** Items per BatchWriteItem (DynamoDB's limit). */
const BATCH_WRITE_ITEMS = 25;
/** How long a replaced snapshot's chunks stay readable, for functions still loading it. */
const SUPERSEDED_TTL_SECONDS = 3600;
const MAX_BATCH_ATTEMPTS = 8;
const MAX_LOAD_ATTEMPTS = 3;

/** The pointer item's content: which save is current. */
interface Pointer {
  version: number;
  /** The save's chunks: its version and a token of its own, so two saves never share an item. */
  snapshotId: string;
  chunks: number;
  sha256: string;
}

export interface DynamoSearchSnapshotReaderOptions {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Which index's snapshots (`products`). */
  index: string;
}

export interface DynamoSearchSnapshotStoreOptions {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Which index's snapshots (`products`). */
  index: string;
  clock: Clock;
  /** Pause before retrying unprocessed batch items (default: exponential from 50 ms). */
  backoff?: (attempt: number) => Promise<void>;
}

const pointerOf = (item: Record<string, unknown>): Pointer => ({
  version: item.version as number,
  snapshotId: item.snapshotId as string,
  chunks: item.chunks as number,
  sha256: item.sha256 as string,
});

const chunkKeysOf = (index: string, snapshotId: string, count: number) =>
  Array.from({ length: count }, (_, chunk) => keys.searchSnapshotChunk(index, snapshotId, chunk));

const defaultBackoff = (attempt: number) => new Promise<void>((resolve) => setTimeout(resolve, 50 * 2 ** attempt));

/**
 * The read side of the snapshots (what a search function needs: no write permission, no write code
 * in its bundle): the current version, and the current snapshot, whole and checked.
 */
export function createDynamoSearchSnapshotReader({
  db,
  tableName,
  index,
}: DynamoSearchSnapshotReaderOptions): SearchSnapshotReader & {
  pointer(consistent: boolean): Promise<Pointer | null>;
} {
  async function pointer(consistent: boolean): Promise<Pointer | null> {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.searchSnapshotPointer(index), ConsistentRead: consistent }),
    );
    return Item ? pointerOf(Item) : null;
  }

  const chunkKeys = (snapshotId: string, count: number) => chunkKeysOf(index, snapshotId, count);

  async function readChunks(current: Pointer): Promise<Buffer | null> {
    const { PK } = keys.searchSnapshotChunk(index, current.snapshotId, 0);
    const parts = new Map<string, Uint8Array>();
    const pages = paginateQuery(
      { client: db },
      {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) parts.set(item.SK as string, item.data as Uint8Array);
    }
    const ordered = chunkKeys(current.snapshotId, current.chunks).map(({ SK }) => parts.get(SK));
    if (ordered.some((part) => part === undefined)) return null;
    const bytes = Buffer.concat(ordered as Uint8Array[]);
    return createHash('sha256').update(bytes).digest('hex') === current.sha256 ? bytes : null;
  }

  return {
    pointer,
    async currentVersion() {
      return (await pointer(false))?.version ?? null;
    },

    async load() {
      for (let attempt = 0; attempt < MAX_LOAD_ATTEMPTS; attempt++) {
        const current = await pointer(true);
        if (!current) return null;
        const packed = await readChunks(current);
        if (packed) return { version: current.version, bytes: await gunzipped(packed) };
        // Replaced (and expired) while we read it, or damaged: follow the pointer again.
        const now = await pointer(true);
        if (now?.version === current.version) {
          throw new Error(`search snapshot ${current.version} is incomplete or damaged (checksum or chunks)`);
        }
      }
      throw new Error(`search snapshot kept changing during ${MAX_LOAD_ATTEMPTS} loads`);
    },
  };
}

/**
 * Search snapshots in the table (docs/data-model.md, "Search snapshot"): each save's bytes,
 * gzipped, in chunks of an item collection of its own, and a pointer item naming the current save
 * with its version, chunk count and checksum. The pointer is written last and only moves forward
 * (conditional put on the version), so a reader that follows it finds every chunk, and two workers
 * racing cannot make an older snapshot current. The chunks of the save it replaced expire an hour
 * later (TTL), so a function that was loading them can finish; a save that lost the race is
 * deleted at once (its chunks are its own: a save of the same version by another worker is untouched).
 */
export function createDynamoSearchSnapshotStore({
  db,
  tableName,
  index,
  clock,
  backoff = defaultBackoff,
}: DynamoSearchSnapshotStoreOptions): SearchSnapshotStore {
  const reader = createDynamoSearchSnapshotReader({ db, tableName, index });
  const { pointer } = reader;
  const chunkKeys = (snapshotId: string, count: number) => chunkKeysOf(index, snapshotId, count);

  /** Puts or deletes items in batches of 25, retrying what DynamoDB left unprocessed. */
  async function batchWrite(requests: Array<Record<string, unknown>>): Promise<void> {
    for (let start = 0; start < requests.length; start += BATCH_WRITE_ITEMS) {
      let pending = requests.slice(start, start + BATCH_WRITE_ITEMS);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_BATCH_ATTEMPTS)
          throw new Error(`search snapshot: ${pending.length} writes left unprocessed`);
        if (attempt > 0) await backoff(attempt);
        const { UnprocessedItems } = await db.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending } } as ConstructorParameters<
            typeof BatchWriteCommand
          >[0]),
        );
        pending = (UnprocessedItems?.[tableName] ?? []) as Array<Record<string, unknown>>;
      }
    }
  }

  return {
    currentVersion: reader.currentVersion,
    load: reader.load,

    async save({ version, bytes }: StoredSnapshot) {
      if (!Number.isSafeInteger(version) || version < 1) throw new RangeError(`snapshot version ${version}`);
      const before = await pointer(true);
      if (before && before.version >= version) return 'stale';
      const packed = await gzipped(bytes);
      const count = Math.max(1, Math.ceil(packed.length / SNAPSHOT_CHUNK_BYTES));
      const snapshotId = `${String(version).padStart(12, '0')}-${randomUUID()}`;
      await batchWrite(
        chunkKeys(snapshotId, count).map((key, chunk) => ({
          PutRequest: {
            Item: {
              ...key,
              type: 'SearchSnapshotChunk',
              data: packed.subarray(chunk * SNAPSHOT_CHUNK_BYTES, (chunk + 1) * SNAPSHOT_CHUNK_BYTES),
            },
          },
        })),
      );
      const sha256 = createHash('sha256').update(packed).digest('hex');
      let replaced: Pointer | null;
      try {
        const { Attributes } = await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.searchSnapshotPointer(index),
              type: 'SearchSnapshotPointer',
              version,
              snapshotId,
              chunks: count,
              sha256,
              bytes: bytes.length,
              savedAt: clock.now().toISOString(),
            },
            ConditionExpression: 'attribute_not_exists(PK) OR version < :version',
            ExpressionAttributeValues: { ':version': version },
            ReturnValues: 'ALL_OLD',
          }),
        );
        replaced = Attributes ? pointerOf(Attributes) : null;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another worker made a newer snapshot current meanwhile: this one is never read.
        await batchWrite(chunkKeys(snapshotId, count).map((key) => ({ DeleteRequest: { Key: key } })));
        return 'stale';
      }
      if (replaced) {
        const expiresAt = Math.floor(clock.now().getTime() / 1000) + SUPERSEDED_TTL_SECONDS;
        await Promise.all(
          chunkKeys(replaced.snapshotId, replaced.chunks).map((key) =>
            db
              .send(
                new UpdateCommand({
                  TableName: tableName,
                  Key: key,
                  UpdateExpression: 'SET expiresAt = :at',
                  ConditionExpression: 'attribute_exists(PK)',
                  ExpressionAttributeValues: { ':at': expiresAt },
                }),
              )
              .catch((error: unknown) => {
                if (!isConditionFailure(error)) throw error;
              }),
          ),
        );
      }
      return 'saved';
    },
  };
}

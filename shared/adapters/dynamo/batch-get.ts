import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

const BATCH_GET_LIMIT = 100;
const BATCH_RETRIES = 5;

/** Chunks read at once: a page of products with many variants takes a quarter of the round trips. */
const PARALLEL_CHUNKS = 4;

/**
 * Reads items by key with BatchGetItem: in chunks of 100 (the API's limit), up to
 * {@link PARALLEL_CHUNKS} at a time, retrying unprocessed keys with backoff (throttling returns them
 * instead of failing). Missing items are left out; the order of the result is not the order of
 * `keyList`. Keys must be distinct.
 */
export async function batchGetItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  keyList: Item[],
  { consistent = false }: { consistent?: boolean } = {},
): Promise<Item[]> {
  const chunks: Item[][] = [];
  for (let start = 0; start < keyList.length; start += BATCH_GET_LIMIT)
    chunks.push(keyList.slice(start, start + BATCH_GET_LIMIT));
  const found: Item[] = [];
  let next = 0;
  async function reader(): Promise<void> {
    for (let index = next++; index < chunks.length; index = next++) {
      let request: Record<string, { Keys: Item[] }> | undefined = {
        [tableName]: { Keys: chunks[index] as Item[], ...(consistent && { ConsistentRead: true }) },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > BATCH_RETRIES) throw new Error('BatchGet kept returning unprocessed keys');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
        const result = await db.send(new BatchGetCommand({ RequestItems: request }));
        found.push(...(result.Responses?.[tableName] ?? []));
        request = result.UnprocessedKeys as typeof request;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, chunks.length) }, reader));
  return found;
}

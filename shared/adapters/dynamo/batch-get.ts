import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

const BATCH_GET_LIMIT = 100;
const BATCH_RETRIES = 5;

/**
 * Reads items by key with BatchGetItem: in chunks of 100 (the API's limit), retrying unprocessed
 * keys with backoff (throttling returns them instead of failing). Missing items are left out;
 * the order of the result is not the order of `keyList`. Keys must be distinct.
 */
export async function batchGetItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  keyList: Item[],
  { consistent = false }: { consistent?: boolean } = {},
): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < keyList.length; start += BATCH_GET_LIMIT) {
    let request: Record<string, { Keys: Item[] }> | undefined = {
      [tableName]: { Keys: keyList.slice(start, start + BATCH_GET_LIMIT), ...(consistent && { ConsistentRead: true }) },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > BATCH_RETRIES) throw new Error('BatchGet kept returning unprocessed keys');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const result = await db.send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(result.Responses?.[tableName] ?? []));
      request = result.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

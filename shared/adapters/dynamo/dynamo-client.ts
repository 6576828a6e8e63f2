import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * The low-level client. The endpoint comes from the SDK's own `AWS_ENDPOINT_URL_DYNAMODB`
 * (set for the local engine), so production code has no local special case.
 */
export function createDynamoClient(region: string): DynamoDBClient {
  return new DynamoDBClient({ region, maxAttempts: 3 });
}

/** The document client (plain JS values in and out) over a low-level client. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** Whether a write was refused by its ConditionExpression (the adapters turn this into a domain outcome). */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * Awaits a conditional write: true when it was applied, false when its condition refused it (any
 * other error is thrown). For writes whose refusal is an ordinary outcome (somebody else got there
 * first, the item is gone already).
 */
export async function applied(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * The stored item a write refused by its condition hands back (with `ReturnValuesOnConditionCheckFailure:
 * 'ALL_OLD'`), in wire format: the document client does not convert errors.
 */
export const conditionFailureItem = (error: unknown): Record<string, AttributeValue> | undefined =>
  (error as { Item?: Record<string, AttributeValue> }).Item;

/**
 * The reason code of each item of a cancelled TransactWriteItems ('ConditionalCheckFailed',
 * 'TransactionConflict', 'None', ...), in item order; null for any other error.
 */
export function cancellationCodes(error: unknown): string[] | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

/**
 * Runs a transaction whose first item is the change it is conditional on (the rest ride along: work
 * records, events, ledger entries): true when it committed, false when that first item's condition
 * refused it or another transaction held one of its items (the caller re-reads and decides). A
 * refusal of any other item is not an ordinary outcome and is thrown, as is every other error.
 */
export async function committedUnlessRefused(
  db: DynamoDBDocumentClient,
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed' || codes?.includes('TransactionConflict')) return false;
    if (error instanceof Error && error.name === 'TransactionConflictException') return false;
    throw error;
  }
}

/**
 * The `updatedAt` of a write made at `at` to an item read at version `seen`: `at`, or just past
 * `seen` on a clock that has not moved since (or runs behind the writer's), so a version never repeats
 * and a write conditional on `updatedAt = :seen` cannot pass twice.
 */
export const laterThan = (seen: string, at: string): string =>
  at > seen ? at : new Date(Date.parse(seen) + 1).toISOString();

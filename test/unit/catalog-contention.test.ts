import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoCatalogRepository } from '../../shared/adapters/dynamo/dynamo-catalog-repository';
import { teeMediumRecord, teeRecord } from '../support/catalog-records';

/** A client whose every call fails as DynamoDB fails it: an error of that name (a cancelled transaction's reasons). */
const failingWith = (name: string, reasons?: string[]) =>
  ({
    send: async () => {
      throw Object.assign(new Error(name), {
        name,
        ...(reasons && { CancellationReasons: reasons.map((Code) => ({ Code })) }),
      });
    },
  }) as unknown as DynamoDBDocumentClient;

const variant = teeMediumRecord();
const product = teeRecord();

describe('catalog edits against items that transactions also write', () => {
  // An edit (and its event) is one transaction: one that meets another transaction on the item, or a
  // changed version, is not applied, and the service re-reads and tries again.
  it('reports an edit that met a transaction (or a changed version) as not applied', async () => {
    for (const [name, reasons] of [
      ['TransactionConflictException', undefined],
      ['TransactionCanceledException', ['ConditionalCheckFailed', 'None']],
      ['TransactionCanceledException', ['TransactionConflict', 'None']],
    ] as const) {
      const catalog = createDynamoCatalogRepository(failingWith(name, reasons ? [...reasons] : undefined), 'table');
      await expect(catalog.replaceVariant(variant, 3, product)).resolves.toBe(false);
      await expect(catalog.replace(product, 2)).resolves.toBe(false);
    }
  });

  it('lets any other failure through', async () => {
    const catalog = createDynamoCatalogRepository(failingWith('ProvisionedThroughputExceededException'), 'table');
    await expect(catalog.replaceVariant(variant, 3, product)).rejects.toThrow('ProvisionedThroughputExceededException');
    const refusedEvent = createDynamoCatalogRepository(
      failingWith('TransactionCanceledException', ['None', 'ConditionalCheckFailed']),
      'table',
    );
    // The event's own Put refused (an id taken): not a contention to retry blindly.
    await expect(refusedEvent.replace(product, 2)).rejects.toThrow('TransactionCanceledException');
  });
});

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoCatalogRepository } from '../../shared/adapters/dynamo/dynamo-catalog-repository';
import type { ProductRecord, VariantRecord } from '../../shared/domain/catalog/product';

/** A client whose every call fails as DynamoDB fails it: an error of that name. */
const failingWith = (name: string) =>
  ({
    send: async () => {
      throw Object.assign(new Error(name), { name });
    },
  }) as unknown as DynamoDBDocumentClient;

const at = '2026-12-01T00:00:00.000Z';
const variant: VariantRecord = {
  sku: 'TEE-M',
  productSku: 'TEE',
  options: { Size: 'M' },
  price: null,
  weight: null,
  active: true,
  createdAt: at,
  updatedAt: at,
  version: 3,
};
const product: ProductRecord = {
  sku: 'TEE',
  name: 'Tee',
  description: null,
  price: 1000,
  currency: 'EUR',
  category: 'Apparel',
  imageUrl: null,
  active: true,
  options: [{ name: 'Size', values: ['M'] }],
  variantSkus: ['TEE-M'],
  weight: null,
  taxClass: 'standard',
  createdAt: at,
  updatedAt: at,
  version: 2,
};

describe('catalog edits against items that transactions also write', () => {
  // A single-item write to an item a transaction in flight holds fails with TransactionConflictException,
  // which the SDK does not retry: the edit is then not applied, and the service re-reads and tries again.
  it('reports an edit that met a transaction (or a changed version) as not applied', async () => {
    for (const name of ['TransactionConflictException', 'ConditionalCheckFailedException']) {
      const catalog = createDynamoCatalogRepository(failingWith(name), 'table');
      await expect(catalog.replaceVariant(variant, 3)).resolves.toBe(false);
      await expect(catalog.replace(product, 2)).resolves.toBe(false);
    }
  });

  it('lets any other failure through', async () => {
    const catalog = createDynamoCatalogRepository(failingWith('ProvisionedThroughputExceededException'), 'table');
    await expect(catalog.replaceVariant(variant, 3)).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});

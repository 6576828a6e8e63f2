import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TaxRateRepository, TaxRates } from '../../domain/tax/tax-rates';
import { GSI1, keys } from './keys';
import { queryAllItems } from './query-all';

const toTaxRates = (item: Record<string, unknown>): TaxRates => ({
  country: item.country as string,
  standardBps: item.standardBps as number,
  reducedBps: item.reducedBps as number,
  updatedAt: item.updatedAt as string,
});

export function createDynamoTaxRateRepository(db: DynamoDBDocumentClient, tableName: string): TaxRateRepository {
  return {
    async put(rates) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.taxRates(rates.country), ...keys.taxRatesIndex(rates.country), type: 'TaxRates', ...rates },
        }),
      );
    },

    async get(country) {
      const result = await db.send(new GetCommand({ TableName: tableName, Key: keys.taxRates(country) }));
      return result.Item ? toTaxRates(result.Item) : null;
    },

    async list() {
      // At most one item per country (249).
      const items = await queryAllItems(db, {
        TableName: tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.taxRatesIndex('').GSI1PK },
      });
      return items.map(toTaxRates);
    },
  };
}

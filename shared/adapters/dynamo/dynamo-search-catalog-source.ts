import { type DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { buildSearchDocument, type SearchDocument } from '../../domain/search/search-document';
import type { SearchCatalogSource } from '../../domain/search/search-indexing';
import { batchGetItems } from './batch-get';
import { toProductRecord, toStockLevel } from './dynamo-catalog-repository';
import { GSI2, keys } from './keys';

type Item = Record<string, unknown>;

/**
 * The catalog as the search index reads it: products and their stock items, strongly consistent
 * by sku (the change that triggered the read is already written), and every active product
 * through GSI2 (`CATALOG`) for a rebuild, 100 at a time with their stock.
 */
export function createDynamoSearchCatalogSource(db: DynamoDBDocumentClient, tableName: string): SearchCatalogSource {
  async function documentsFrom(products: Item[], consistent: boolean): Promise<SearchDocument[]> {
    const stock = await batchGetItems(
      db,
      tableName,
      products.map((item) => keys.stock(item.sku as string)),
      { consistent },
    );
    const levels = new Map(stock.map((item) => [item.sku as string, toStockLevel(item)]));
    return products.map((item) => {
      const product = toProductRecord(item);
      return buildSearchDocument({ product, stock: levels.get(product.sku) ?? null });
    });
  }

  return {
    async documentsOf(skus) {
      const wanted = [...new Set(skus)];
      const products = await batchGetItems(
        db,
        tableName,
        wanted.map((sku) => keys.product(sku)),
        { consistent: true },
      );
      const documents = await documentsFrom(products, true);
      const bySku = new Map(documents.map((document) => [document.id, document]));
      return new Map(wanted.map((sku) => [sku, bySku.get(sku) ?? null]));
    },

    async allDocuments() {
      const documents: SearchDocument[] = [];
      const pages = paginateQuery(
        { client: db, pageSize: 100 },
        {
          TableName: tableName,
          IndexName: GSI2,
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.catalogIndex('').GSI2PK },
        },
      );
      for await (const page of pages) documents.push(...(await documentsFrom(page.Items ?? [], false)));
      return documents;
    },
  };
}

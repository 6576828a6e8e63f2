/**
 * Single-table key design (see docs/data-model.md). Every item has PK/SK; GSI1 and GSI2 are
 * overloaded per entity; `expiresAt` (epoch seconds) is the TTL attribute.
 */
export const keys = {
  product: (sku: string) => ({ PK: `PRODUCT#${sku}`, SK: '#PRODUCT' }),
  stock: (sku: string) => ({ PK: `PRODUCT#${sku}`, SK: '#STOCK' }),
  adjustment: (sku: string, at: string, id: string) => ({ PK: `PRODUCT#${sku}`, SK: `ADJUSTMENT#${at}#${id}` }),
  adjustmentPrefix: 'ADJUSTMENT#',
  /** GSI1: active products of one category, by sku. */
  categoryIndex: (category: string, sku: string) => ({ GSI1PK: `CATEGORY#${category}`, GSI1SK: sku }),
  /** GSI2: all active products, by sku. */
  catalogIndex: (sku: string) => ({ GSI2PK: 'CATALOG', GSI2SK: sku }),
} as const;

export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';

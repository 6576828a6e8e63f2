import type { ProductRecord, VariantRecord } from '../../shared/domain/catalog/product';

const at = '2026-12-01T00:00:00.000Z';

/** A stored T-shirt product with one size option, as the catalog repository keeps it. */
export const teeRecord = (overrides: Partial<ProductRecord> = {}): ProductRecord => ({
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
  ...overrides,
});

/** Its size M variant, as stored (without its stock). */
export const teeMediumRecord = (overrides: Partial<VariantRecord> = {}): VariantRecord => ({
  sku: 'TEE-M',
  productSku: 'TEE',
  options: { Size: 'M' },
  price: null,
  weight: null,
  active: true,
  createdAt: at,
  updatedAt: at,
  version: 3,
  ...overrides,
});

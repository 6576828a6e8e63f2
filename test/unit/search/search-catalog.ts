import type { ProductRecord, VariantWithStock } from '../../../shared/domain/catalog/product';
import { buildSearchDocument, type SearchDocument } from '../../../shared/domain/search/search-document';

/** A variant as a fixture states it: its price null or absent for the product's. */
export interface FixtureVariant {
  sku: string;
  options: Record<string, string>;
  price?: number | null;
  active: boolean;
  available: number;
}

/** Fixture variants as the catalog stores them, with their stock. */
export const storedVariants = (productSku: string, variants: FixtureVariant[] = []): VariantWithStock[] =>
  variants.map(({ sku, options, price, active, available }) => ({
    variant: {
      sku,
      productSku,
      options,
      price: price ?? null,
      weight: null,
      active,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      version: 1,
    },
    stock: { sku, onHand: available, reserved: 0, available },
  }));

/** A fixed little catalog for the relevance rules: each product is there for one rule or two. */
interface FixtureProduct {
  sku: string;
  name: string;
  description?: string;
  category: string;
  price: number;
  available?: number;
  active?: boolean;
  /** Days after 2026-01-01: the order `newest` sorts by. */
  day: number;
  variants?: FixtureVariant[];
}

const variant = (sku: string, options: Record<string, string>, extra: Partial<FixtureVariant> = {}) => ({
  sku,
  options,
  active: true,
  available: 3,
  ...extra,
});

export const FIXTURE: FixtureProduct[] = [
  {
    sku: 'TSHIRT-CLASSIC',
    name: 'Classic T-shirt',
    description: 'Soft cotton tee with a round neck.',
    category: 'Apparel',
    price: 1900,
    day: 1,
    variants: [
      variant('TSHIRT-CLASSIC-S-BLUE', { Size: 'S', Colour: 'Blue' }),
      variant('TSHIRT-CLASSIC-M-RED', { Size: 'M', Colour: 'Red' }, { price: 2100 }),
      // Deactivated: its colour must not make the shirt findable.
      variant('TSHIRT-CLASSIC-L-GREEN', { Size: 'L', Colour: 'Green' }, { active: false }),
    ],
  },
  {
    sku: 'CREME-TORCH',
    name: 'Crème brûlée torch',
    description: 'Caramelises sugar in seconds.',
    category: 'Kitchen',
    price: 3500,
    day: 2,
  },
  {
    sku: 'MUG-CLASSIC-01',
    name: 'Classic mug',
    description: 'Stoneware, 350 ml, dishwasher safe.',
    category: 'Kitchen',
    price: 1200,
    day: 3,
  },
  { sku: 'CUP-COFFEE', name: 'Coffee cup', description: 'Porcelain.', category: 'Kitchen', price: 900, day: 4 },
  { sku: 'CAP-BASEBALL', name: 'Baseball cap', description: 'Adjustable.', category: 'Apparel', price: 1500, day: 5 },
  { sku: 'LAMP-DESK', name: 'Desk lamp', description: 'LED, warm white.', category: 'Home', price: 4500, day: 6 },
  {
    sku: 'SHADE-LINEN',
    name: 'Linen shade',
    // Many words around "lamp": a description match that must still rank below a name match.
    description: 'Lamp shade for a lamp: fits any desk lamp, floor lamp or table lamp.',
    category: 'Home',
    price: 2500,
    day: 7,
  },
  { sku: 'LAMP-RETIRED', name: 'Retired lamp', category: 'Home', price: 3000, day: 8, active: false },
  {
    sku: 'VASE-GLASS',
    name: 'Glass vase',
    description: 'Hand blown.',
    category: 'Home',
    price: 2800,
    day: 9,
    available: 0,
  },
];

export function fixtureRecord(product: FixtureProduct): ProductRecord {
  const createdAt = new Date(Date.UTC(2026, 0, 1 + product.day)).toISOString();
  return {
    sku: product.sku,
    name: product.name,
    description: product.description ?? null,
    price: product.price,
    currency: 'EUR',
    category: product.category,
    imageUrl: null,
    active: product.active ?? true,
    options: product.variants?.length ? optionsOf(product.variants) : [],
    variantSkus: product.variants?.map((variant) => variant.sku) ?? [],
    weight: null,
    taxClass: 'standard',
    createdAt,
    updatedAt: createdAt,
    version: 1,
  };
}

/** The options the variants' values make. */
function optionsOf(variants: FixtureVariant[]): ProductRecord['options'] {
  const names = [...new Set(variants.flatMap((variant) => Object.keys(variant.options)))];
  return names.map((name) => ({ name, values: [...new Set(variants.map((variant) => variant.options[name] ?? ''))] }));
}

export const fixtureDocument = (product: FixtureProduct): SearchDocument =>
  buildSearchDocument({
    product: fixtureRecord(product),
    stock: { sku: product.sku, onHand: 10, reserved: 10 - (product.available ?? 5), available: product.available ?? 5 },
    variants: storedVariants(product.sku, product.variants),
  });

export const fixtureDocuments = (): SearchDocument[] => FIXTURE.map(fixtureDocument);

/** A larger catalog for paging: prices repeat (ties broken by id), dates repeat too. */
export function pagingDocuments(count: number): SearchDocument[] {
  return Array.from({ length: count }, (_, i) =>
    fixtureDocument({
      sku: `PAGE-${String(i).padStart(3, '0')}`,
      name: `Paging widget ${i % 7 === 0 ? 'deluxe' : 'basic'}`,
      description: `Widget number ${i}.`,
      category: ['Home', 'Kitchen', 'Garden'][i % 3] as string,
      price: 1000 + (i % 5) * 250,
      available: i % 4,
      day: i % 11,
    }),
  );
}

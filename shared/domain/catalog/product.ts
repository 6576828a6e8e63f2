import type { StockLevel } from '../inventory/stock';

/** An option a product is sold in, e.g. `{ name: 'Size', values: ['S', 'M', 'L'] }`. */
export interface ProductOption {
  name: string;
  values: string[];
}

export const TAX_CLASSES = ['standard', 'reduced', 'zero'] as const;
export type TaxClass = (typeof TAX_CLASSES)[number];

/** Most options a product has (Size, Colour, Material). */
export const MAX_OPTIONS = 3;
/** Most values one option lists. */
export const MAX_OPTION_VALUES = 100;
/** Most variants a product has. */
export const MAX_VARIANTS = 100;
/**
 * Most variants one write creates: a product is created with its variants in one transaction of
 * at most 100 items, and each variant takes two (its item and its sku's claim) besides the product's.
 * More are added by `POST /v1/products/{sku}/variants`.
 */
export const MAX_VARIANTS_PER_CREATE = 49;

/** A product as stored (without stock). `version` guards concurrent edits. */
export interface ProductRecord {
  sku: string;
  name: string;
  description: string | null;
  price: number;
  currency: string;
  category: string;
  imageUrl: string | null;
  active: boolean;
  /** `[]` for a simple product (one sellable unit, its own sku). */
  options: ProductOption[];
  /** The skus of its variants, in the order they were added (`[]` without options). */
  variantSkus: string[];
  /** Grams, or null. */
  weight: number | null;
  taxClass: TaxClass;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** One value per option of its product, e.g. `{ Size: 'M', Colour: 'Blue' }`. */
export type OptionValues = Record<string, string>;

/** A variant as stored: a sellable unit of a product with options. Its stock is kept with it. */
export interface VariantRecord {
  sku: string;
  productSku: string;
  options: OptionValues;
  /** Null: the product's price. */
  price: number | null;
  /** Null: the product's weight. */
  weight: number | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface VariantWithStock {
  variant: VariantRecord;
  stock: StockLevel;
}

/** A variant as clients see it: its price and weight resolved (its own, or the product's). */
export interface Variant {
  sku: string;
  options: OptionValues;
  price: number;
  weight: number | null;
  active: boolean;
  available: number;
  createdAt: string;
  updatedAt: string;
}

/** The contract's `Product`: the record (without its internal fields) plus what can be ordered now. */
export type Product = Omit<ProductRecord, 'version' | 'variantSkus'> & { variants: Variant[]; available: number };

export interface NewVariant {
  sku: string;
  options: OptionValues;
  price?: number | null;
  weight?: number | null;
  active?: boolean;
}

export interface NewProduct {
  sku: string;
  name: string;
  description?: string | null;
  price: number;
  category: string;
  imageUrl?: string | null;
  active?: boolean;
  options?: ProductOption[];
  variants?: NewVariant[];
  weight?: number | null;
  taxClass?: TaxClass;
}

export type ProductChanges = Partial<
  Pick<ProductRecord, 'name' | 'description' | 'price' | 'category' | 'imageUrl' | 'active' | 'weight' | 'taxClass'>
>;

export type VariantChanges = Partial<Pick<VariantRecord, 'price' | 'weight' | 'active'>>;

export function toVariant(product: ProductRecord, { variant, stock }: VariantWithStock): Variant {
  return {
    sku: variant.sku,
    options: variant.options,
    price: variant.price ?? product.price,
    weight: variant.weight ?? product.weight,
    active: variant.active,
    available: Math.max(0, stock.available),
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
  };
}

/**
 * The representation of a product. Without variants, `available` is its own stock's; with variants,
 * the sum of its active variants'. The public sees active variants only (`allVariants` for admins).
 */
export function toProduct(
  record: ProductRecord,
  stock: StockLevel | null,
  variants: VariantWithStock[] = [],
  { allVariants = false }: { allVariants?: boolean } = {},
): Product {
  const shown = variants
    .filter((entry) => allVariants || entry.variant.active)
    .map((entry) => toVariant(record, entry));
  const available =
    record.options.length === 0
      ? Math.max(0, stock?.available ?? 0)
      : shown.filter((variant) => variant.active).reduce((sum, variant) => sum + variant.available, 0);
  return {
    sku: record.sku,
    name: record.name,
    description: record.description,
    price: record.price,
    currency: record.currency,
    category: record.category,
    imageUrl: record.imageUrl,
    active: record.active,
    options: record.options,
    variants: shown,
    weight: record.weight,
    taxClass: record.taxClass,
    available,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * A sellable unit as carts and checkout price it: a simple product, or one variant of a product
 * (`productSku` then names the product). `active` holds only if the product and the variant both are.
 * `variantRequired`: the sku names a product with variants, which is not sold by its own sku.
 */
export interface Sellable {
  sku: string;
  productSku: string;
  name: string;
  options: OptionValues;
  price: number;
  weight: number | null;
  taxClass: TaxClass;
  active: boolean;
  variantRequired: boolean;
}

/** A sku with, where known, the product it is a variant of (a cart line stores it). */
export interface SkuRef {
  sku: string;
  productSku?: string;
}

export function simpleSellable(product: ProductRecord): Sellable {
  return {
    sku: product.sku,
    productSku: product.sku,
    name: product.name,
    options: {},
    price: product.price,
    weight: product.weight,
    taxClass: product.taxClass,
    active: product.active,
    variantRequired: product.options.length > 0,
  };
}

export function variantSellable(product: ProductRecord, variant: VariantRecord): Sellable {
  return {
    sku: variant.sku,
    productSku: product.sku,
    name: product.name,
    options: variant.options,
    price: variant.price ?? product.price,
    weight: variant.weight ?? product.weight,
    taxClass: product.taxClass,
    active: product.active && variant.active,
    variantRequired: false,
  };
}

/** "Size: M, Colour: Blue" (e-mails, reports); empty for a simple product. */
export function describeOptions(options: OptionValues): string {
  return Object.entries(options)
    .map(([name, value]) => `${name}: ${value}`)
    .join(', ');
}

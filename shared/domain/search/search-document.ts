import type { ProductRecord, VariantWithStock } from '../catalog/product';
import type { StockLevel } from '../inventory/stock';

/**
 * What the search index holds of one product: the text it is found by and the values it is
 * filtered, sorted and counted by. One document per product, its variants folded in.
 */
export interface SearchDocument {
  /** The product's sku: the document's id, and what a hit names. */
  id: string;
  name: string;
  description: string;
  category: string;
  /** The option values of the product's active variants ("Blue", "M"), each once. */
  optionValues: string[];
  /** The product's sku and its active variants' skus, so a sku typed into the box finds it. */
  skus: string[];
  /** The lowest price of a sellable unit (the "from" price): what price sorts by. */
  price: number;
  /** Every distinct price of a sellable unit, ascending: the price range keeps a product if one is in it. */
  prices: number[];
  /** Units that can be ordered now (for a product with variants, the sum of its active variants'). */
  available: number;
  /** Only active documents are ever found. */
  active: boolean;
  createdAt: string;
}

/**
 * What an index keeps of a document beside the terms it is found by: the values its hits are
 * filtered, sorted and counted by, and its id (the product a hit names).
 */
export type IndexedDocument = Pick<
  SearchDocument,
  'id' | 'category' | 'price' | 'prices' | 'available' | 'active' | 'createdAt'
>;

export interface SearchDocumentInput {
  product: ProductRecord;
  /** The product's own stock; used when it has no variants. */
  stock: StockLevel | null;
  variants?: VariantWithStock[];
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/**
 * The search document of a product. Without variants the product is its one sellable unit. With
 * variants only the active ones count: their option values, skus, prices and stock; a product all
 * of whose variants are inactive cannot be bought, so it is not found.
 */
export function buildSearchDocument({ product, stock, variants: stored = [] }: SearchDocumentInput): SearchDocument {
  const variants = stored.map(({ variant, stock: level }) => ({ ...variant, available: level.available }));
  const sellable = variants.filter((variant) => variant.active);
  const units =
    variants.length === 0
      ? [{ price: product.price, available: Math.max(0, stock?.available ?? 0) }]
      : sellable.map((variant) => ({
          price: variant.price ?? product.price,
          available: Math.max(0, variant.available),
        }));
  const prices = unique(units.map((unit) => unit.price)).sort((a, b) => a - b);
  return {
    id: product.sku,
    name: product.name,
    description: product.description ?? '',
    category: product.category,
    optionValues: unique(sellable.flatMap((variant) => Object.values(variant.options))),
    skus: unique([product.sku, ...sellable.map((variant) => variant.sku)]),
    price: prices[0] ?? product.price,
    prices: prices.length > 0 ? prices : [product.price],
    available: units.reduce((sum, unit) => sum + unit.available, 0),
    active: product.active && (variants.length === 0 || sellable.length > 0),
    createdAt: product.createdAt,
  };
}

import type { StockLevel } from '../inventory/stock';

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
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The contract's `Product`: the record (without its internal version) plus what can be ordered now. */
export type Product = Omit<ProductRecord, 'version'> & { available: number };

export interface NewProduct {
  sku: string;
  name: string;
  description?: string | null;
  price: number;
  category: string;
  imageUrl?: string | null;
  active?: boolean;
}

export type ProductChanges = Partial<
  Pick<ProductRecord, 'name' | 'description' | 'price' | 'category' | 'imageUrl' | 'active'>
>;

export function toProduct(record: ProductRecord, stock: StockLevel | null): Product {
  return {
    sku: record.sku,
    name: record.name,
    description: record.description,
    price: record.price,
    currency: record.currency,
    category: record.category,
    imageUrl: record.imageUrl,
    active: record.active,
    available: Math.max(0, stock?.available ?? 0),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

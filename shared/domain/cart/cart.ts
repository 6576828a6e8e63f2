/** A customer's cart as stored: quantities only; prices are always resolved on the server. */
export interface Cart {
  sub: string;
  items: CartItem[];
  /** Bumped by every change, so checkout can empty exactly the cart it ordered. */
  version: number;
  updatedAt: string;
}

export interface CartItem {
  sku: string;
  /** The product a variant belongs to (absent for a simple product), so the cart is priced in one read. */
  productSku?: string;
  quantity: number;
}

/** A cart line as clients see it, priced from the catalog now. */
export interface CartLine {
  sku: string;
  productSku: string;
  name: string;
  /** The variant's option values; `{}` for a simple product. */
  options: Record<string, string>;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

export interface CartView {
  items: CartLine[];
  subtotal: number;
  currency: string;
}

/** Most distinct lines a cart (and an order) may hold, so a checkout always fits one transaction. */
export const MAX_LINES = 50;
export const MAX_QUANTITY = 100;

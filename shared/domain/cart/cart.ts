import type { OrderShippingMethod } from '../shipping/shipping-method';
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
  /** The line's tax rate and tax for the quote's country; null when the quote names no country. */
  taxRateBps: number | null;
  taxAmount: number | null;
}

/**
 * A cart priced now: for a country (a quote), with the tax checkout would charge there; without
 * one, the tax is not known (null) and `total` is the subtotal. A cart has no discount and no
 * shipping yet (0): those are chosen at checkout.
 */
export interface CartView {
  items: CartLine[];
  country: string | null;
  subtotal: number;
  discount: number;
  /** The code a quote applied (`?discountCode=`), or null. */
  discountCode: string | null;
  shipping: number;
  /** The method the quote ships with; null without a country, or when the shop has no method. */
  shippingMethod: OrderShippingMethod | null;
  tax: number | null;
  total: number;
  currency: string;
}

/** Most distinct lines a cart (and an order) may hold, so a checkout always fits one transaction. */
export const MAX_LINES = 50;
export const MAX_QUANTITY = 100;

import type { Cart, CartItem } from './cart';

export interface CartRepository {
  /** The customer's cart (strongly consistent), or null when there is none. */
  get(sub: string): Promise<Cart | null>;
  /**
   * Sets one line's quantity (0 removes it), only if the stored version is still `expectedVersion`
   * (0: no cart yet). @returns the new cart, or null when another change won the race.
   */
  setQuantity(sub: string, line: CartItem, expectedVersion: number, now: string): Promise<Cart | null>;
  /**
   * Empties the cart and moves its version on (no error when there is none). The item stays, so its
   * versions never start again: a checkout that read an earlier version cannot take a cart filled
   * since for the one it read.
   */
  empty(sub: string, now: string): Promise<void>;
  /** Deletes the cart (no error when there is none): only for the customer's erasure. */
  delete(sub: string): Promise<void>;
}

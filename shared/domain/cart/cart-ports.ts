import type { Cart } from './cart';

export interface CartRepository {
  /** The customer's cart (strongly consistent), or null when there is none. */
  get(sub: string): Promise<Cart | null>;
  /**
   * Sets one line's quantity (0 removes it), only if the stored version is still `expectedVersion`
   * (0: no cart yet). @returns the new cart, or null when another change won the race.
   */
  setQuantity(sub: string, sku: string, quantity: number, expectedVersion: number, now: string): Promise<Cart | null>;
  /** Deletes the cart (no error when there is none). */
  delete(sub: string): Promise<void>;
}

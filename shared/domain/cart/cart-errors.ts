import { ConflictError } from '../../errors';
import { MAX_MONEY } from '../money';
import { MAX_LINES } from './cart';

export class CartFullError extends ConflictError {
  constructor(sku: string) {
    super('CART_FULL', `The cart already holds ${MAX_LINES} different products; remove one before adding ${sku}.`);
  }
}

/** A line or the cart's subtotal would go over the largest amount the API states (`Money`). */
export class CartTotalTooLargeError extends ConflictError {
  constructor(sku: string) {
    super(
      'CART_TOTAL_TOO_LARGE',
      `With this quantity of ${sku}, a line or the subtotal of the cart would exceed ${MAX_MONEY} minor units; ` +
        'order fewer units or split the order.',
      [{ path: 'quantity', message: `the cart's lines and subtotal may not exceed ${MAX_MONEY}` }],
    );
  }
}

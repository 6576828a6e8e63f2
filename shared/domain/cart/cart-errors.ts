import { ConflictError } from '../../errors';
import { MAX_LINES } from './cart';

export class CartFullError extends ConflictError {
  constructor(sku: string) {
    super('CART_FULL', `The cart already holds ${MAX_LINES} different products; remove one before adding ${sku}.`);
  }
}

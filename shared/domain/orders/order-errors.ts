import { AppError, ConflictError, type FieldError, NotFoundError } from '../../errors';

export class OrderNotFoundError extends NotFoundError {
  constructor(orderId: string) {
    super('ORDER_NOT_FOUND', `No order ${orderId}.`);
  }
}

/** One entry per short line: `{ path: "items/<i>", message, sku }`. */
export class OutOfStockError extends ConflictError {
  constructor(errors: FieldError[]) {
    super('OUT_OF_STOCK', 'Not enough stock for some lines; nothing was reserved.', errors);
  }
}

export class DiscountUnavailableError extends ConflictError {
  constructor(code: string) {
    super('DISCOUNT_UNAVAILABLE', `The discount code ${code} is unknown, expired or used up.`);
  }
}

export class CartEmptyError extends ConflictError {
  constructor() {
    super('CART_EMPTY', 'The cart is empty: add items, or send `items` with the order.');
  }
}

export class OrderNotCancellableError extends ConflictError {
  constructor(orderId: string, status: string) {
    super('ORDER_NOT_CANCELLABLE', `Order ${orderId} is ${status} and can no longer be cancelled.`);
  }
}

export class CheckoutBusyError extends AppError {
  constructor() {
    super(503, 'CHECKOUT_BUSY', 'Checkout is busy', {
      detail: 'Too many concurrent changes to the same stock; try again in a moment.',
      headers: { 'Retry-After': '1' },
    });
  }
}

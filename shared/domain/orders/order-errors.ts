import { ConflictError, ContentionError, type FieldError, NotFoundError } from '../../errors';

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
  constructor(code: string, why = 'is unknown, expired or used up') {
    super('DISCOUNT_UNAVAILABLE', `The discount code ${code} ${why}.`);
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

export class CheckoutBusyError extends ContentionError {
  constructor() {
    super('Too many concurrent changes to the same stock; try again in a moment.', {
      code: 'CHECKOUT_BUSY',
      title: 'Checkout is busy',
    });
  }
}

/** The amounts checkout computed, for a client that must show the customer what changed. */
export interface OrderAmounts {
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  currency: string;
}

/** The customer saw another total (`expectedTotal`) than checkout computes now: nothing is reserved. */
export class PriceChangedError extends ConflictError {
  constructor(expectedTotal: number, amounts: OrderAmounts) {
    super(
      'PRICE_CHANGED',
      `The order total is now ${amounts.total} ${amounts.currency}, not the expected ${expectedTotal}: nothing was reserved.`,
      [{ path: 'expectedTotal', message: 'differs from the current total', expectedTotal, ...amounts }],
    );
  }
}

export class OrderTotalTooLargeError extends ConflictError {
  constructor(total: number, maxOrderTotal: number, currency: string) {
    super(
      'ORDER_TOTAL_TOO_LARGE',
      `The order total ${total} ${currency} is above the largest that can be charged (${maxOrderTotal}); split the order.`,
    );
  }
}

export class TooManyPendingOrdersError extends ConflictError {
  constructor(limit: number) {
    super(
      'TOO_MANY_PENDING_ORDERS',
      `You already have ${limit} orders waiting for payment; wait for them to complete or cancel one.`,
    );
  }
}

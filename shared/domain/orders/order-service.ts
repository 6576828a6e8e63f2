import type { FieldError } from '../../errors';
import type { Clock, IdGenerator } from '../../lib/clock';
import type { CursorCodec } from '../../lib/cursor-codec';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import type { CartRepository } from '../cart/cart-ports';
import { ProductNotFoundError, VariantRequiredError } from '../catalog/catalog-errors';
import type { CatalogRepository } from '../catalog/catalog-ports';
import type { SkuRef, TaxClass } from '../catalog/product';
import type { DiscountRepository } from '../discounts/discount-ports';
import type { IdempotencyCompletion } from '../idempotency/idempotency';
import { MAX_MONEY } from '../money';
import type { CheckoutRateLimit } from '../rate-limit/checkout-rate-limit';
import { parcelWeight, type ShippingMethod, shippingFor } from '../shipping/shipping-method';
import { orderAmounts } from '../tax/order-amounts';
import type { TaxCalculator } from '../tax/tax-rates';
import { type Address, canTransition, type Order, type OrderLine, type OrderView, toOrderView } from './order';
import {
  CartEmptyError,
  CheckoutBusyError,
  DiscountUnavailableError,
  OrderNotCancellableError,
  OrderTotalTooLargeError,
  OutOfStockError,
  PriceChangedError,
  TooManyPendingOrdersError,
} from './order-errors';
import type { OrderRepository, Placement } from './order-ports';
import { createOrderQueries, type Viewer, visibleOrder } from './order-queries';
import { redeemableDiscount } from './redeemable-discount';

export type { Viewer } from './order-queries';

/** Attempts of one checkout when its transaction loses a race (a conflict, or the cart changed). */
const MAX_PLACEMENT_ATTEMPTS = 10;
const MAX_CANCEL_ATTEMPTS = 5;

export interface PlaceOrderInput {
  items?: Array<{ sku: string; quantity: number }>;
  discountCode?: string;
  shippingAddress: Address;
  paymentToken: string;
  /** The code of the shipping method; without it the cheapest that serves the address's country. */
  shippingMethod?: string;
  /** The total the customer was shown: checkout refuses (PRICE_CHANGED) when it computes another. */
  expectedTotal?: number;
}

/** Who places an order: the customer's id and the (verified) e-mail address its messages go to. */
export interface Customer {
  sub: string;
  /**
   * The address, or its lookup still under way: the checkout awaits it only when it builds the
   * order, so the lookup runs beside the reads of the cart, the prices and the discount. It must
   * not reject (the profile service's `recipientLookup` does not).
   */
  email: string | null | PromiseLike<string | null>;
}

export interface OrderServiceDeps {
  /** Commits each change with the work records of the follow-up work it starts (order-work.ts). */
  orders: OrderRepository;
  /**
   * Checkout's prices are the catalog's current ones: one batch read of the sellable units, with the
   * shop's shipping methods.
   */
  pricing: Pick<CatalogRepository, 'sellablesWithShipping'>;
  carts: CartRepository;
  discounts: DiscountRepository;
  cursors: CursorCodec;
  clock: Clock;
  ids: IdGenerator;
  currency: string;
  reservationTtlSeconds: number;
  /** The largest total checkout accepts (the gateway's limit, MAX_ORDER_TOTAL). */
  maxOrderTotal: number;
  /** Orders one customer may have in PENDING_PAYMENT at once, enforced in the placement transaction. */
  maxPendingOrdersPerCustomer: number;
  /** The per-customer checkout limit, counted once per checkout that is not a replay. */
  checkoutLimit: CheckoutRateLimit;
  /** Works out each line's tax and the shipping's for the destination (decision 0016). */
  tax: TaxCalculator;
  /** Catalog prices and shipping include tax (EU style), or tax is added to them. */
  pricesIncludeTax: boolean;
}

export type OrderService = ReturnType<typeof createOrderService>;

/** A line priced at checkout, with what its tax and its shipping need (its class, its unit weight). */
type PricedLine = OrderLine & { taxClass: TaxClass; weight: number | null };

/** `work`'s result once `admission` has resolved; admission's error first, then work's. */
async function afterAdmission<T>(admission: Promise<unknown>, work: Promise<T>): Promise<T> {
  const [admitted, done] = await Promise.allSettled([admission, work]);
  if (admitted.status === 'rejected') throw admitted.reason;
  if (done.status === 'rejected') throw done.reason;
  return done.value;
}

export function createOrderService(deps: OrderServiceDeps) {
  const { orders, pricing, carts, discounts, cursors, clock, ids } = deps;

  /**
   * The idempotency claim (which holds once the request is admitted too) and the checkout count,
   * together, so a checkout does not wait for one write after the other. Neither a replay nor a
   * refused request may count (contract §4): when the claim refuses (a replay, the key busy or
   * reused, or the request limit said no) a count taken meanwhile is given back, and the claim's
   * error wins over the count's. The claim's lease (null without idempotency).
   */
  async function claimAndCount(sub: string, completion: IdempotencyCompletion<OrderView> | null | undefined) {
    const [claimed, counted] = await Promise.allSettled([
      completion ? completion.claim() : null,
      deps.checkoutLimit.consume(sub),
    ]);
    if (claimed.status === 'rejected') {
      if (counted.status === 'fulfilled') await counted.value.giveBack();
      throw claimed.reason;
    }
    if (counted.status === 'rejected') throw counted.reason;
    return claimed.value;
  }

  /** The lines to order: the request's, or the cart's (with the cart version to empty on success). */
  async function linesWanted(sub: string, input: PlaceOrderInput) {
    if (input.items) return { wanted: input.items, cart: null };
    const cart = await carts.get(sub);
    if (!cart || cart.items.length === 0) throw new CartEmptyError();
    return { wanted: cart.items, cart: { sub, version: cart.version } };
  }

  /** The lines at today's prices, each with its product's tax class and weight; the shop's shipping methods. */
  async function priceLines(
    wanted: Array<SkuRef & { quantity: number }>,
  ): Promise<{ priced: PricedLine[]; shippingMethods: ShippingMethod[] }> {
    const { sellables, shippingMethods } = await pricing.sellablesWithShipping(wanted);
    const missing: FieldError[] = [];
    const needVariant: FieldError[] = [];
    const lines = wanted.map(({ sku, quantity }, index): PricedLine => {
      const unit = sellables.get(sku);
      if (unit?.variantRequired)
        needVariant.push({ path: `items/${index}/sku`, message: 'name one of its variants', sku });
      else if (!unit?.active) missing.push({ path: `items/${index}`, message: 'no such product', sku });
      if (!unit?.active || unit.variantRequired)
        return { sku, name: '', quantity, unitPrice: 0, lineTotal: 0, taxClass: 'standard', weight: null };
      return {
        taxClass: unit.taxClass,
        weight: unit.weight,
        sku,
        productSku: unit.productSku,
        name: unit.name,
        options: unit.options,
        quantity,
        unitPrice: unit.price,
        lineTotal: unit.price * quantity,
      };
    });
    if (missing.length > 0) throw new ProductNotFoundError(missing.map((entry) => entry.sku).join(', '), missing);
    if (needVariant.length > 0)
      throw new VariantRequiredError(needVariant.map((entry) => entry.sku).join(', '), needVariant);
    return { priced: lines, shippingMethods };
  }

  async function buildOrder(
    customer: Customer,
    input: PlaceOrderInput,
    { priced, shippingMethods }: { priced: PricedLine[]; shippingMethods: ShippingMethod[] },
  ) {
    const subtotal = priced.reduce((sum, line) => sum + line.lineTotal, 0);
    let discount = 0;
    let redemption: Placement['discount'] = null;
    if (input.discountCode !== undefined) {
      const found = await redeemableDiscount(discounts, clock, input.discountCode, subtotal);
      discount = found.amount;
      redemption = { code: found.code, maxPerCustomer: found.discount.maxRedemptionsPerCustomer };
    }
    // Every sum stays a safe integer: at most MAX_LINES × MAX_QUANTITY × the largest price (≈ 5 × 10^13).
    if (subtotal > MAX_MONEY) throw new OrderTotalTooLargeError(subtotal, deps.maxOrderTotal, deps.currency);
    const { country } = input.shippingAddress;
    const weightGrams = parcelWeight(priced);
    const chosen = shippingFor(
      shippingMethods,
      { country, weightGrams, goods: subtotal - discount },
      input.shippingMethod,
    );
    const shipping = chosen.amount;
    const {
      lines: taxed,
      tax,
      total,
    } = await orderAmounts(deps.tax, {
      country,
      lines: priced,
      discount,
      shipping,
      pricesIncludeTax: deps.pricesIncludeTax,
    });
    const lines: OrderLine[] = priced.map(({ taxClass: _class, weight: _weight, ...line }, index) => ({
      ...line,
      taxRateBps: taxed[index]?.taxRateBps ?? 0,
      taxAmount: taxed[index]?.taxAmount ?? 0,
    }));
    if (total > deps.maxOrderTotal) throw new OrderTotalTooLargeError(total, deps.maxOrderTotal, deps.currency);
    if (input.expectedTotal !== undefined && input.expectedTotal !== total)
      throw new PriceChangedError(input.expectedTotal, {
        subtotal,
        discount,
        shipping,
        tax,
        total,
        currency: deps.currency,
      });
    const now = clock.now();
    const at = now.toISOString();
    const order: Order = {
      orderId: ids.next('ord'),
      userId: customer.sub,
      email: await customer.email,
      status: 'PENDING_PAYMENT',
      items: lines,
      subtotal,
      discount,
      discountCode: redemption?.code ?? null,
      // Its give-back must know whether the customer's own count of the code was taken too.
      ...(redemption?.maxPerCustomer != null && { discountLimitedPerCustomer: true }),
      shipping,
      shippingMethod: chosen.method,
      tax,
      total,
      currency: deps.currency,
      shippingAddress: { ...input.shippingAddress, line2: input.shippingAddress.line2 ?? null },
      reservationExpiresAt: new Date(now.getTime() + deps.reservationTtlSeconds * 1000).toISOString(),
      payment: { status: 'PENDING', attempts: 0 },
      shipment: null,
      parcelWeightGrams: weightGrams,
      createdAt: at,
      updatedAt: at,
      events: [{ type: 'ORDER_PLACED', at, detail: null }],
    };
    return { order, redemption };
  }

  /** What one placement attempt commits: the lines priced now, the order built from them. */
  async function prepare(customer: Customer, input: PlaceOrderInput) {
    const { wanted, cart } = await linesWanted(customer.sub, input);
    const priced = await priceLines(wanted);
    return { ...(await buildOrder(customer, input, priced)), lines: priced.priced, cart };
  }

  return {
    // The reads (get, listMine, listByStatus), also served alone by createOrderQueries.
    ...createOrderQueries({ orders, cursors }),

    /**
     * Places an order: reserves every line (all or none), redeems the discount, creates the order
     * in PENDING_PAYMENT with the durable payment work record and, when given, completes the
     * idempotency record — all in one transaction. The table's stream then hands the payment work
     * to its queue.
     *
     * Nothing waits for what it does not need: the reads of the cart, prices, discount and the
     * customer's address, the claim of the idempotency key and the count of the checkout limit all
     * start at once, beside the request's admission by the request limit. Nothing is committed
     * unless all of them resolve, and their errors win over the reads', as if they had run first.
     */
    async place(
      customer: Customer,
      input: PlaceOrderInput,
      completion?: IdempotencyCompletion<OrderView> | null,
    ): Promise<OrderView> {
      const admitted = claimAndCount(customer.sub, completion);
      return retryOnConflict(
        async (attempt) => {
          const prepared = prepare(customer, input);
          const { order, redemption, lines, cart } =
            attempt === 0 ? await afterAdmission(admitted, prepared) : await prepared;
          const lease = await admitted;
          const view = toOrderView(order);
          const outcome = await orders.place({
            order,
            paymentToken: input.paymentToken,
            discount: redemption,
            pendingOrderLimit: deps.maxPendingOrdersPerCustomer,
            cart,
            idempotency: completion && lease ? { lease, response: completion.respond(view) } : null,
          });
          if (outcome.ok) return view;
          switch (outcome.reason) {
            case 'out-of-stock':
              throw new OutOfStockError(
                outcome.lines.map((index) => ({
                  path: `items/${index}`,
                  message: 'not enough stock',
                  sku: lines[index]?.sku ?? '',
                })),
              );
            case 'discount':
              throw new DiscountUnavailableError(redemption?.code ?? '');
            case 'discount-per-customer':
              throw new DiscountUnavailableError(redemption?.code ?? '', 'you have used it as often as it allows');
            case 'too-many-pending':
              throw new TooManyPendingOrdersError(deps.maxPendingOrdersPerCustomer);
            case 'idempotency-lost':
              throw new CheckoutBusyError();
            case 'cart-changed':
            case 'conflict':
              return CONFLICT;
          }
        },
        {
          attempts: MAX_PLACEMENT_ATTEMPTS,
          backoff: { baseMs: 5, capMs: 200 },
          exhausted: () => {
            throw new CheckoutBusyError();
          },
        },
      );
    },

    /**
     * Cancels before shipment: a pending order releases its reservation; a paid one is restocked
     * and its refund is queued. Racing cancels release stock once: the first conditional write wins.
     */
    async cancel(orderId: string, viewer: Viewer): Promise<OrderView> {
      return retryOnConflict(
        async () => {
          const order = await visibleOrder(orders, orderId, viewer);
          if (!canTransition(order.status, 'CANCELLED')) throw new OrderNotCancellableError(orderId, order.status);
          const at = clock.now().toISOString();
          const paid = order.status === 'PAID';
          const moved = await orders.transition({
            order,
            from: order.status,
            to: 'CANCELLED',
            event: {
              type: 'CANCELLED',
              at,
              detail: viewer.isAdmin && viewer.sub !== order.userId ? 'by the shop' : 'by the customer',
            },
            stock: paid ? 'restock' : 'release',
            changes: paid ? { payment: { ...order.payment, status: 'REFUND_PENDING' } } : undefined,
          });
          if (moved) return toOrderView((await orders.get(orderId)) ?? order);
          return CONFLICT;
        },
        {
          attempts: MAX_CANCEL_ATTEMPTS,
          exhausted: () => {
            throw new CheckoutBusyError();
          },
        },
      );
    },
  };
}

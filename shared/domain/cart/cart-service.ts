import { ContentionError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { ProductNotFoundError, VariantRequiredError } from '../catalog/catalog-errors';
import type { CatalogRepository } from '../catalog/catalog-ports';
import type { Sellable, SkuRef } from '../catalog/product';
import type { DiscountRepository } from '../discounts/discount-ports';
import { MAX_MONEY } from '../money';
import { redeemableDiscount } from '../orders/redeemable-discount';
import { NO_SHIPPING, type Parcel, parcelWeight, shippingFor, shippingOptions } from '../shipping/shipping-method';
import { orderAmounts } from '../tax/order-amounts';
import type { TaxCalculator } from '../tax/tax-rates';
import { type Cart, type CartItem, type CartLine, type CartView, MAX_LINES } from './cart';
import { CartFullError, CartTotalTooLargeError } from './cart-errors';
import type { CartRepository } from './cart-ports';

/**
 * Every change to a cart is one conditional write on its version, so concurrent changes by the
 * same customer (two tabs, a double click) are retried rather than lost. Enough attempts that a
 * burst of one change per line still lands (see the race test); each retry re-reads the cart.
 */
const MAX_ATTEMPTS = 30;
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 100;

export interface CartServiceDeps {
  carts: CartRepository;
  catalog: Pick<CatalogRepository, 'sellables' | 'sellablesWithShipping'>;
  clock: Clock;
  currency: string;
  /** Works out a quote's tax for its country, as checkout does (decision 0016). */
  tax: TaxCalculator;
  pricesIncludeTax: boolean;
  /** A quote's discount code is looked up as checkout looks it up. */
  discounts: Pick<DiscountRepository, 'get'>;
}

export type CartService = ReturnType<typeof createCartService>;

/**
 * A quote: the destination country, the shipping method to quote (default: the cheapest) and the
 * discount code the customer means to use.
 */
export interface Quote {
  country: string;
  shippingMethod?: string;
  discountCode?: string;
}

export interface ShippingOptionView {
  code: string;
  name: string;
  amount: number;
  currency: string;
  minDeliveryDays: number;
  maxDeliveryDays: number;
}

type PricedLine = { line: CartLine; unit: Sellable };

/** The cart as a parcel: its weight, and its goods' value after the discount. */
const parcelOf = (lines: PricedLine[], goods: number, country: string): Parcel => ({
  country,
  weightGrams: parcelWeight(lines.map(({ line, unit }) => ({ weight: unit.weight, quantity: line.quantity }))),
  goods,
});

export function createCartService({
  carts,
  catalog,
  clock,
  currency,
  tax,
  pricesIncludeTax,
  discounts,
}: CartServiceDeps) {
  /**
   * Prices the cart from the catalog now; lines whose product is gone or inactive are left out. For
   * a quote (`country` given) with its discount, its shipping, as checkout would choose it, and
   * its tax: what checkout would charge.
   * @throws ShippingUnavailableError when no method (or not the one named) delivers it there
   * @throws DiscountUnavailableError for a code checkout would refuse
   */
  async function view(cart: Cart | null, quote: Quote | null = null): Promise<CartView> {
    if (quote === null) return (await price(cart?.items ?? [])).view;
    const { country, shippingMethod: code, discountCode } = quote;
    const pricing = price(cart?.items ?? [], true);
    const [{ view: priced, lines, shippingMethods }, found] = await Promise.all([
      pricing,
      discountCode === undefined
        ? null
        : redeemableDiscount(
            discounts,
            clock,
            discountCode,
            pricing.then(({ view: { subtotal } }) => subtotal),
          ),
    ]);
    const discount = found?.amount ?? 0;
    // Nothing to ship (an empty cart, or every line no longer sold): no method, nothing charged.
    const chosen =
      lines.length === 0
        ? NO_SHIPPING
        : shippingFor(shippingMethods, parcelOf(lines, priced.subtotal - discount, country), code);
    const amounts = await orderAmounts(tax, {
      country,
      lines: lines.map(({ line, unit }) => ({ lineTotal: line.lineTotal, taxClass: unit.taxClass })),
      discount,
      shipping: chosen.amount,
      pricesIncludeTax,
    });
    const items = priced.items.map((line, index) => ({
      ...line,
      taxRateBps: amounts.lines[index]?.taxRateBps ?? 0,
      taxAmount: amounts.lines[index]?.taxAmount ?? 0,
    }));
    return {
      ...priced,
      items,
      country,
      discount,
      discountCode: found?.code ?? null,
      shipping: amounts.shipping,
      shippingMethod: chosen.method,
      tax: amounts.tax,
      total: amounts.total,
    };
  }

  /** The cart's lines at today's prices (with the shop's shipping methods, read with them, when asked). */
  async function price(items: CartItem[], withShipping = false) {
    const { sellables, shippingMethods } = withShipping
      ? await catalog.sellablesWithShipping(items)
      : { sellables: await catalog.sellables(items), shippingMethods: [] };
    const lines = items.flatMap(({ sku, quantity }): PricedLine[] => {
      const unit = sellables.get(sku);
      if (!unit?.active || unit.variantRequired) return [];
      const { productSku, name, options, price: unitPrice } = unit;
      const lineTotal = unitPrice * quantity;
      const line = {
        sku,
        productSku,
        name,
        options,
        quantity,
        unitPrice,
        lineTotal,
        taxRateBps: null,
        taxAmount: null,
      };
      return [{ line, unit }];
    });
    const subtotal = lines.reduce((sum, { line }) => sum + line.lineTotal, 0);
    const view: CartView = {
      items: lines.map(({ line }) => line),
      country: null,
      subtotal,
      discount: 0,
      discountCode: null,
      shipping: 0,
      shippingMethod: null,
      tax: null,
      total: subtotal,
      currency,
    };
    return { view, lines, shippingMethods };
  }

  /**
   * Refuses a larger quantity that would take a line or the subtotal, at today's prices, over the
   * largest amount the API states. Only increases are checked: a cart that went over because prices
   * rose since can always be made smaller.
   */
  async function assertWithinBound(cart: Cart | null, line: CartItem): Promise<void> {
    const others = (cart?.items ?? []).filter((item) => item.sku !== line.sku);
    const { view: priced } = await price([...others, line]);
    if (priced.subtotal > MAX_MONEY || priced.items.some((priced) => priced.lineTotal > MAX_MONEY)) {
      throw new CartTotalTooLargeError(line.sku);
    }
  }

  /**
   * Sets one line (0 removes it) with an optimistic write, re-reading and retrying a lost race.
   * `unit` names the sellable unit (with its product, for a variant); a removal may name the sku only.
   */
  async function setLine(sub: string, unit: SkuRef, quantity: number): Promise<Cart | null> {
    const { sku } = unit;
    return retryOnConflict(
      async () => {
        const cart = await carts.get(sub);
        const existing = cart?.items.find((item) => item.sku === sku);
        const current = existing?.quantity ?? 0;
        // Setting what is already there is not a change: no write, and the cart's age stays.
        if (current === quantity) return cart;
        if (current === 0 && (cart?.items.length ?? 0) >= MAX_LINES) throw new CartFullError(sku);
        const line = { sku, productSku: unit.productSku ?? existing?.productSku, quantity };
        if (quantity > current) await assertWithinBound(cart, line);
        const updated = await carts.setQuantity(sub, line, cart?.version ?? 0, clock.now().toISOString());
        return updated ?? CONFLICT;
      },
      {
        attempts: MAX_ATTEMPTS,
        backoff: { baseMs: BACKOFF_BASE_MS, capMs: BACKOFF_CAP_MS },
        exhausted: () => {
          throw new ContentionError('Your cart is changing concurrently; try again.');
        },
      },
    );
  }

  return {
    /**
     * The customer's cart priced now (an empty cart when there is none); for a quote, with the shipping
     * and the tax of the quote's country.
     */
    async get(sub: string, quote: Quote | null = null): Promise<CartView> {
      return view(await carts.get(sub), quote);
    },

    /** The methods that deliver the customer's cart to `country`, cheapest first, with what the cart pays. */
    async shippingOptions(sub: string, country: string): Promise<{ items: ShippingOptionView[] }> {
      const { view: priced, lines, shippingMethods } = await price((await carts.get(sub))?.items ?? [], true);
      if (lines.length === 0) return { items: [] };
      return {
        items: shippingOptions(shippingMethods, parcelOf(lines, priced.subtotal, country)).map(
          ({ method, amount }) => ({
            code: method.code,
            name: method.name,
            amount,
            currency,
            minDeliveryDays: method.minDeliveryDays,
            maxDeliveryDays: method.maxDeliveryDays,
          }),
        ),
      };
    },

    /**
     * Sets (does not add to) the quantity of one product. @throws ProductNotFoundError for an
     * unknown or inactive sku; CartFullError for a new line beyond MAX_LINES; CartTotalTooLargeError
     * when a line or the subtotal would exceed MAX_MONEY at today's prices.
     */
    async setItem(sub: string, sku: string, quantity: number): Promise<CartView> {
      const unit = (await catalog.sellables([{ sku }])).get(sku);
      if (unit?.variantRequired) throw new VariantRequiredError(sku);
      if (!unit?.active) throw new ProductNotFoundError(sku);
      return view(await setLine(sub, { sku, productSku: unit.productSku }, quantity));
    },

    /** Removes one line; removing a line that is not there is not an error. */
    async removeItem(sub: string, sku: string): Promise<CartView> {
      return view(await setLine(sub, { sku }, 0));
    },

    /** Empties the cart. */
    clear(sub: string): Promise<void> {
      return carts.empty(sub, clock.now().toISOString());
    },
  };
}

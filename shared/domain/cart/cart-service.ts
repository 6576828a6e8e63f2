import { ContentionError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { ProductNotFoundError, VariantRequiredError } from '../catalog/catalog-errors';
import type { CatalogRepository } from '../catalog/catalog-ports';
import type { SkuRef, TaxClass } from '../catalog/product';
import { MAX_MONEY } from '../money';
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
  catalog: Pick<CatalogRepository, 'sellables'>;
  clock: Clock;
  currency: string;
  /** Works out a quote's tax for its country, as checkout does (decision 0016). */
  tax: TaxCalculator;
  pricesIncludeTax: boolean;
}

export type CartService = ReturnType<typeof createCartService>;

export function createCartService({ carts, catalog, clock, currency, tax, pricesIncludeTax }: CartServiceDeps) {
  /**
   * Prices the cart from the catalog now, with the tax of `country` when one is given; lines whose
   * product is gone or inactive are left out.
   */
  async function view(cart: Cart | null, country: string | null = null): Promise<CartView> {
    const { taxClasses, ...priced } = await price(cart?.items ?? []);
    if (country === null) return priced;
    const amounts = await orderAmounts(tax, {
      country,
      lines: taxClasses.map((taxClass, index) => ({
        lineTotal: (priced.items[index] as CartLine).lineTotal,
        taxClass,
      })),
      discount: 0,
      shipping: 0,
      pricesIncludeTax,
    });
    const items = priced.items.map((line, index) => ({
      ...line,
      taxRateBps: amounts.lines[index]?.taxRateBps ?? 0,
      taxAmount: amounts.lines[index]?.taxAmount ?? 0,
    }));
    return { ...priced, items, country, tax: amounts.tax, total: amounts.total };
  }

  async function price(items: CartItem[]): Promise<CartView & { taxClasses: TaxClass[] }> {
    const sellables = await catalog.sellables(items);
    const taxClasses: TaxClass[] = [];
    const lines = items.flatMap(({ sku, quantity }): CartLine[] => {
      const unit = sellables.get(sku);
      if (!unit?.active || unit.variantRequired) return [];
      const { productSku, name, options, price: unitPrice } = unit;
      taxClasses.push(unit.taxClass);
      const lineTotal = unitPrice * quantity;
      return [{ sku, productSku, name, options, quantity, unitPrice, lineTotal, taxRateBps: null, taxAmount: null }];
    });
    const subtotal = lines.reduce((sum, line) => sum + line.lineTotal, 0);
    return {
      items: lines,
      country: null,
      subtotal,
      discount: 0,
      shipping: 0,
      tax: null,
      total: subtotal,
      currency,
      taxClasses,
    };
  }

  /**
   * Refuses a larger quantity that would take a line or the subtotal, at today's prices, over the
   * largest amount the API states. Only increases are checked: a cart that went over because prices
   * rose since can always be made smaller.
   */
  async function assertWithinBound(cart: Cart | null, line: CartItem): Promise<void> {
    const others = (cart?.items ?? []).filter((item) => item.sku !== line.sku);
    const priced = await price([...others, line]);
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
    /** The customer's cart priced now (an empty cart when there is none). */
    /** The customer's cart priced now, with the tax of `country` when given (a quote). */
    async get(sub: string, country: string | null = null): Promise<CartView> {
      return view(await carts.get(sub), country);
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

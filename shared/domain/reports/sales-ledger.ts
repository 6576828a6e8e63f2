import type { OptionValues } from '../catalog/product';
import type { Order } from '../orders/order';

/**
 * One line of the sales ledger: an order that was paid, or a refund that was issued. Written in the
 * same transaction as the order's transition (so an entry exists if and only if the event
 * happened), and read back one UTC day at a time by the daily report, which therefore never reads
 * the orders themselves.
 */
export interface LedgerEntry {
  kind: 'sale' | 'refund';
  orderId: string;
  /** A refund of one return (`ret_…`), one of several an order can have; absent for a whole order's refund. */
  returnId?: string;
  /** ISO time of the PAID or REFUNDED event: the entry belongs to this instant's UTC day. */
  at: string;
  /** The order's total (sale), or the amount given back (refund), in minor units. */
  amount: number;
  currency: string;
  /** A sale's shipping and tax (both inside `amount`); absent on entries from before they existed. */
  shipping?: number;
  tax?: number;
  /** The lines sold; `[]` for refunds. A variant's line names its product and option values. */
  items: Array<{ sku: string; productSku?: string; options?: OptionValues; quantity: number; lineTotal: number }>;
}

/**
 * One sellable unit's sales on a day (a simple product, or one variant: `productSku` and `options`
 * say which). `revenue` sums its line totals, before order-level discounts.
 */
export interface ProductSales {
  sku: string;
  productSku: string;
  options: OptionValues;
  quantity: number;
  revenue: number;
}

/** The sales report of one UTC day (docs/contract.md "Reports and jobs"). */
export interface DailyReport {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  /** Orders paid that day. */
  orders: number;
  /** Units in those orders. */
  itemsSold: number;
  /** Sum of those orders' totals (after discounts). */
  revenue: number;
  /** Of that revenue: the shipping charged, and the tax collected. */
  shipping: number;
  tax: number;
  currency: string;
  /** The best sellers: quantity descending, then revenue descending, then sku. */
  topProducts: ProductSales[];
  /** Refunds issued that day (whenever their orders were paid). */
  refunds: { count: number; amount: number };
  generatedAt: string;
}

/** How many products a report lists. */
export const TOP_PRODUCTS = 10;

/** The UTC day (`YYYY-MM-DD`) of an ISO 8601 instant, whatever offset it was written with. */
export const utcDay = (at: string | Date): string => new Date(at).toISOString().slice(0, 10);

/** The UTC day before the one `now` falls on. */
export const previousUtcDay = (now: Date): string => utcDay(new Date(now.getTime() - 24 * 60 * 60 * 1000));

/** The ledger entry of an order that has just been paid (its lines and total as ordered). */
export function saleEntry(order: Order, paidAt: string): LedgerEntry {
  return {
    kind: 'sale',
    orderId: order.orderId,
    at: paidAt,
    amount: order.total,
    currency: order.currency,
    shipping: order.shipping ?? 0,
    tax: order.tax ?? 0,
    items: order.items.map(({ sku, productSku, options, quantity, lineTotal }) => ({
      sku,
      ...(productSku && productSku !== sku && { productSku, options }),
      quantity,
      lineTotal,
    })),
  };
}

/** The ledger entry of a refund issued for an order (by default its whole total). */
export function refundEntry(
  order: Order,
  refundedAt: string,
  amount: number = order.total,
  returnId?: string,
): LedgerEntry {
  return {
    kind: 'refund',
    orderId: order.orderId,
    ...(returnId !== undefined && { returnId }),
    at: refundedAt,
    amount,
    currency: order.currency,
    items: [],
  };
}

/** Beside its kind, what makes an entry itself: its order, and for a return's refund the return. */
export const ledgerEntryId = (entry: Pick<LedgerEntry, 'orderId' | 'returnId'>): string =>
  `${entry.orderId}${entry.returnId === undefined ? '' : `#${entry.returnId}`}`;

const byBestSelling = (a: ProductSales, b: ProductSales) =>
  b.quantity - a.quantity || b.revenue - a.revenue || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

/**
 * Adds up the entries of one UTC day, one at a time (a busy day need not be held in memory; only
 * one total per sku is). Entries of other days are ignored, and an entry seen twice (same kind
 * and order) counts once, so a re-read page cannot inflate the report.
 */
export function createDayTally(date: string) {
  const seen = new Set<string>();
  const products = new Map<string, ProductSales>();
  let orders = 0;
  let itemsSold = 0;
  let revenue = 0;
  let shipping = 0;
  let tax = 0;
  const refunds = { count: 0, amount: 0 };

  return {
    add(entry: LedgerEntry): void {
      if (utcDay(entry.at) !== date) return;
      const id = `${entry.kind}#${ledgerEntryId(entry)}`;
      if (seen.has(id)) return;
      seen.add(id);
      if (entry.kind === 'refund') {
        refunds.count++;
        refunds.amount += entry.amount;
        return;
      }
      orders++;
      revenue += entry.amount;
      shipping += entry.shipping ?? 0;
      tax += entry.tax ?? 0;
      for (const line of entry.items) {
        itemsSold += line.quantity;
        const product = products.get(line.sku) ?? {
          sku: line.sku,
          productSku: line.productSku ?? line.sku,
          options: line.options ?? {},
          quantity: 0,
          revenue: 0,
        };
        product.quantity += line.quantity;
        product.revenue += line.lineTotal;
        products.set(line.sku, product);
      }
    },

    report(options: { currency: string; generatedAt: string; top?: number }): DailyReport {
      const topProducts = [...products.values()]
        .sort(byBestSelling)
        .slice(0, options.top ?? TOP_PRODUCTS)
        .map((product) => ({ ...product }));
      return {
        date,
        orders,
        itemsSold,
        revenue,
        shipping,
        tax,
        currency: options.currency,
        topProducts,
        refunds: { ...refunds },
        generatedAt: options.generatedAt,
      };
    },
  };
}

/** The report of one UTC day from its ledger entries (see `createDayTally`). */
export function dailyReportOf(
  date: string,
  entries: Iterable<LedgerEntry>,
  options: { currency: string; generatedAt: string; top?: number },
): DailyReport {
  const tally = createDayTally(date);
  for (const entry of entries) tally.add(entry);
  return tally.report(options);
}

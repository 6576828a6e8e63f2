import type { TaxClass } from '../catalog/product';
import { includedRateOf, rateOf } from '../money';

/** The rates of one destination country, in basis points (1900 = 19 %). */
export interface TaxRates {
  country: string;
  standardBps: number;
  reducedBps: number;
  updatedAt: string;
}

export interface TaxRateRepository {
  /** Sets a country's rates (creates or replaces). */
  put(rates: TaxRates): Promise<void>;
  /** A country's rates, or null when none are set (the country is taxed 0). */
  get(country: string): Promise<TaxRates | null>;
  /** Every country's rates, by country. */
  list(): Promise<TaxRates[]>;
}

/** The rate of a product's tax class: `zero` is always 0; a country without rates taxes nothing. */
export function rateOfClass(rates: TaxRates | null, taxClass: TaxClass): number {
  if (!rates || taxClass === 'zero') return 0;
  return taxClass === 'reduced' ? rates.reducedBps : rates.standardBps;
}

/** A line to tax: what is left of it after its share of the discount, and its product's class. */
export interface TaxableLine {
  amount: number;
  taxClass: TaxClass;
}

export interface TaxRequest {
  /** Where the order goes (the country decides the rates). */
  destination: { country: string };
  lines: TaxableLine[];
  /** The shipping amount, taxed at the standard rate. */
  shipping: number;
  /** Amounts include tax (the tax is the part of them that is tax) or exclude it (the tax is added). */
  pricesIncludeTax: boolean;
}

export interface AppliedTax {
  taxRateBps: number;
  taxAmount: number;
}

export interface TaxResult {
  lines: AppliedTax[];
  shipping: AppliedTax;
}

/**
 * Works out an order's tax. The rate-table calculator below is the shop's own table of rates per
 * country; a tax service (Stripe Tax, Avalara) is another implementation of this port, asked with
 * the same request (decision 0016).
 */
export interface TaxCalculator {
  calculate(request: TaxRequest): Promise<TaxResult>;
}

/** A rate applied to an amount, rounded half up: the tax inside it, or the tax added to it. */
export const applyRate = (amount: number, taxRateBps: number, pricesIncludeTax: boolean): AppliedTax => ({
  taxRateBps,
  taxAmount: pricesIncludeTax ? includedRateOf(amount, taxRateBps) : rateOf(amount, taxRateBps),
});

/**
 * The rate-table calculator: the destination's rates (`ratesOf`, which may cache), each line at its
 * class's rate and the shipping at the standard rate, each amount rounded half up on its own.
 */
export function rateTableCalculator(ratesOf: (country: string) => Promise<TaxRates | null>): TaxCalculator {
  return {
    async calculate({ destination, lines, shipping, pricesIncludeTax }) {
      const rates = await ratesOf(destination.country);
      return {
        lines: lines.map((line) => applyRate(line.amount, rateOfClass(rates, line.taxClass), pricesIncludeTax)),
        shipping: applyRate(shipping, rateOfClass(rates, 'standard'), pricesIncludeTax),
      };
    },
  };
}

/**
 * A country's rates as a checkout reads them: kept per instance for `maxAgeMs` (none found is kept
 * too), so a checkout reads them at most once a `maxAgeMs` per country and instance. A rate changed
 * meanwhile applies after that at the latest; a quote shown before it differs at checkout, which
 * answers PRICE_CHANGED when the client sent the quoted total.
 */
export function cachedRates(
  rates: Pick<TaxRateRepository, 'get'>,
  { maxAgeMs, now }: { maxAgeMs: number; now: () => number },
): (country: string) => Promise<TaxRates | null> {
  const held = new Map<string, { rates: Promise<TaxRates | null>; at: number }>();
  return (country) => {
    const found = held.get(country);
    if (found && now() - found.at < maxAgeMs) return found.rates;
    const read = rates.get(country);
    held.set(country, { rates: read, at: now() });
    // A failed read is not kept: the next checkout asks again.
    read.catch(() => held.delete(country));
    return read;
  };
}

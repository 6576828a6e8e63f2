import { ShippingUnavailableError } from './shipping-errors';

/**
 * Shipping methods (contract §5.3): what a parcel to a country costs, by a flat amount or by weight
 * tiers, free above a threshold, and which method a checkout uses (decision 0017).
 */

/** At most this many methods in a shop: they are one item, read with every checkout's prices. */
export const MAX_SHIPPING_METHODS = 50;
export const MAX_WEIGHT_TIERS = 20;
export const MAX_DELIVERY_DAYS = 365;

export interface WeightTier {
  /** The heaviest parcel (grams, inclusive) this tier's amount applies to. */
  upToGrams: number;
  amount: number;
}

export type ShippingRate = { type: 'flat'; amount: number } | { type: 'weight'; tiers: WeightTier[] };

export interface ShippingMethod {
  code: string;
  name: string;
  /** ISO 3166-1 alpha-2 codes of the countries it delivers to. */
  countries: string[];
  rate: ShippingRate;
  /** Goods worth at least this much (after the discount) ship free; null: never free. */
  freeOverSubtotal: number | null;
  minDeliveryDays: number;
  maxDeliveryDays: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a method is asked about: where the parcel goes, what it weighs and what its goods cost. */
export interface Parcel {
  country: string;
  /** The sum of the lines' weights (a line without a weight counts 0). */
  weightGrams: number;
  /** The goods' value after the discount: what a free-over threshold is compared with. */
  goods: number;
}

/** A method that serves a parcel, and what the parcel costs with it. */
export interface ShippingQuote {
  method: ShippingMethod;
  amount: number;
}

/** A parcel's weight: each line's unit weight times its quantity, a line without a weight 0. */
export const parcelWeight = (lines: Array<{ weight: number | null; quantity: number }>): number =>
  lines.reduce((sum, line) => sum + (line.weight ?? 0) * line.quantity, 0);

/**
 * What `parcel` costs with `method`, or null when the method does not serve it: inactive, another
 * country, or heavier than its last weight tier. Free when the goods reach the threshold exactly.
 */
export function shippingAmount(method: ShippingMethod, parcel: Parcel): number | null {
  if (!method.active || !method.countries.includes(parcel.country)) return null;
  const { rate } = method;
  const amount =
    rate.type === 'flat' ? rate.amount : rate.tiers.find((tier) => parcel.weightGrams <= tier.upToGrams)?.amount;
  if (amount === undefined) return null;
  return method.freeOverSubtotal !== null && parcel.goods >= method.freeOverSubtotal ? 0 : amount;
}

/** The methods that serve `parcel`, cheapest first (then by code, so the order is stable). */
export function shippingOptions(methods: ShippingMethod[], parcel: Parcel): ShippingQuote[] {
  return methods
    .flatMap((method) => {
      const amount = shippingAmount(method, parcel);
      return amount === null ? [] : [{ method, amount }];
    })
    .sort((a, b) => a.amount - b.amount || (a.method.code < b.method.code ? -1 : 1));
}

/**
 * How an order ships: the named method, or without one the cheapest that serves the parcel; null
 * when the shop has no active method at all (it ships for 0). 'unavailable' when the named method
 * does not exist or does not serve the parcel, or when no method serves it.
 */
export function chooseShipping(
  methods: ShippingMethod[],
  parcel: Parcel,
  code?: string,
): ShippingQuote | null | 'unavailable' {
  if (code === undefined && !methods.some((method) => method.active)) return null;
  const options = shippingOptions(methods, parcel);
  const chosen = code === undefined ? options[0] : options.find((option) => option.method.code === code);
  return chosen ?? 'unavailable';
}

/** How an order, or a quote, ships: the amount, and the method it keeps (null: the shop has none). */
export interface ChosenShipping {
  amount: number;
  method: OrderShippingMethod | null;
}

/**
 * {@link chooseShipping} as checkout and the cart's quote charge it.
 * @throws ShippingUnavailableError when it is 'unavailable'
 */
export function shippingFor(methods: ShippingMethod[], parcel: Parcel, code?: string): ChosenShipping {
  const chosen = chooseShipping(methods, parcel, code);
  if (chosen === 'unavailable') throw new ShippingUnavailableError(parcel.country, code);
  return chosen ? { amount: chosen.amount, method: orderShippingMethod(chosen.method) } : NO_SHIPPING;
}

/** Nothing to ship, or no method to ship with: no charge. */
export const NO_SHIPPING: ChosenShipping = { amount: 0, method: null };

/** What an order keeps of the method it ships with (its rate may change later). */
export interface OrderShippingMethod {
  code: string;
  name: string;
  minDeliveryDays: number;
  maxDeliveryDays: number;
}

export const orderShippingMethod = ({
  code,
  name,
  minDeliveryDays,
  maxDeliveryDays,
}: ShippingMethod): OrderShippingMethod => ({ code, name, minDeliveryDays, maxDeliveryDays });

/** The shop's methods, stored together; `version` makes every change a conditional write. */
export interface ShippingMethodSet {
  methods: ShippingMethod[];
  /** 0 when none was ever stored. */
  version: number;
}

export interface ShippingMethodRepository {
  get(options?: { consistent?: boolean }): Promise<ShippingMethodSet>;
  /** Stores `methods` as version `expectedVersion + 1`; false when another change came first. */
  save(methods: ShippingMethod[], expectedVersion: number): Promise<boolean>;
}

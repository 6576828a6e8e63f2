/**
 * Money in the domain: integer minor units (cents) only, never a float amount. Every rounding is
 * stated here, once: a share of an amount by largest remainder, a rate of an amount half up, and
 * the totals of an order built from those, so that lines and totals always add up to the cent.
 */

/**
 * The largest amount the API states in minor units (the OpenAPI `Money` maximum): 100,000,000.00
 * in the store currency. Every amount a response carries, prices and sums alike, stays at or below
 * it, and so in safe integers.
 */
export const MAX_MONEY = 100_000_000_00;

/** Rates are basis points: 1900 = 19 %. At most 100 %. */
export const MAX_RATE_BPS = 10_000;
const BPS = 10_000;

/** @throws RangeError unless `amount` is a whole amount ≥ 0 (a safe integer). */
export function assertAmount(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError(`${what} must be a whole amount ≥ 0, not ${amount}`);
}

function assertRate(bps: number): void {
  if (!Number.isInteger(bps) || bps < 0 || bps > MAX_RATE_BPS)
    throw new RangeError(`a rate is 0–10000 bps, not ${bps}`);
}

/**
 * `amount × factor / denominator` rounded half up, exactly: in BigInt, since a line of 100 units at
 * the largest price times a rate is past the safe integers.
 */
function mulDivHalfUp(amount: number, factor: number, denominator: number): number {
  const numerator = BigInt(amount) * BigInt(factor);
  const divisor = BigInt(denominator);
  return Number((2n * numerator + divisor) / (2n * divisor));
}

/** `bps` of an amount, half up: the tax added to a net amount (exclusive prices). */
export function rateOf(amount: number, bps: number): number {
  assertAmount(amount, 'the amount');
  assertRate(bps);
  return mulDivHalfUp(amount, bps, BPS);
}

/**
 * The tax inside a gross amount at `bps` (inclusive prices), half up: `gross × bps / (10000 + bps)`.
 * For every net amount `n`, the tax inside `n + rateOf(n, bps)` is exactly `rateOf(n, bps)`: the two
 * modes agree on the net.
 */
export function includedRateOf(gross: number, bps: number): number {
  assertAmount(gross, 'the amount');
  assertRate(bps);
  return mulDivHalfUp(gross, bps, BPS + bps);
}

/**
 * Splits `total` into shares proportional to `weights`, by largest remainder: each share is the
 * floor of its exact part, and the cents left over go one each to the largest remainders (ties to
 * the earlier weight), so the shares add up to `total` exactly and each is within a cent of its part.
 * All weights 0: nothing to share in proportion to, so every share is 0 and `total` must be 0.
 */
export function prorate(total: number, weights: number[]): number[] {
  assertAmount(total, 'the total');
  for (const weight of weights) assertAmount(weight, 'a weight');
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) {
    if (total !== 0) throw new RangeError(`cannot share ${total} over weights that are all 0`);
    return weights.map(() => 0);
  }
  // total × weight is past the safe integers for large orders, so the exact parts are taken in BigInt.
  const shares = weights.map((weight) => {
    const exact = BigInt(total) * BigInt(weight);
    return { floor: Number(exact / BigInt(sum)), remainder: exact % BigInt(sum) };
  });
  let left = total - shares.reduce((a, share) => a + share.floor, 0);
  const byRemainder = shares
    .map((share, index) => ({ index, remainder: share.remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  const result = shares.map((share) => share.floor);
  for (const { index } of byRemainder) {
    if (left === 0) break;
    result[index] = (result[index] as number) + 1;
    left--;
  }
  return result;
}

/**
 * What an order charges: `subtotal − discount + shipping`, plus the tax when prices exclude it
 * (included in them otherwise).
 */
export function orderTotal(amounts: {
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  pricesIncludeTax: boolean;
}): number {
  const beforeTax = amounts.subtotal - amounts.discount + amounts.shipping;
  return amounts.pricesIncludeTax ? beforeTax : beforeTax + amounts.tax;
}

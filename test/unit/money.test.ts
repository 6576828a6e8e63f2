import fc from 'fast-check';
import { includedRateOf, MAX_MONEY, MAX_RATE_BPS, prorate, rateOf } from '../../shared/domain/money';
import { orderAmounts } from '../../shared/domain/tax/order-amounts';
import { applyRate, type TaxCalculator } from '../../shared/domain/tax/tax-rates';

/** A line at a rate of its own (any rate, not only a country's classes). */
interface PricedLine {
  lineTotal: number;
  taxRateBps: number;
}

interface RatedOrder {
  lines: PricedLine[];
  discount: number;
  shipping: { amount: number; taxRateBps: number };
  pricesIncludeTax: boolean;
}

/** The order's amounts, each line and the shipping taxed at the rate it states (checkout's orderAmounts). */
function amountsAt({ lines, discount, shipping, pricesIncludeTax }: RatedOrder) {
  const atTheirRates: TaxCalculator = {
    async calculate(request) {
      return {
        lines: request.lines.map((line, i) =>
          applyRate(line.amount, lines[i]?.taxRateBps ?? 0, request.pricesIncludeTax),
        ),
        shipping: applyRate(request.shipping, shipping.taxRateBps, request.pricesIncludeTax),
      };
    },
  };
  return orderAmounts(atTheirRates, {
    country: 'DE',
    lines: lines.map(({ lineTotal }) => ({ lineTotal, taxClass: 'standard' as const })),
    discount,
    shipping: shipping.amount,
    pricesIncludeTax,
  });
}

const rate = fc.integer({ min: 0, max: MAX_RATE_BPS });
/** A line as checkout makes one: up to 100 units of a price up to the largest amount. */
const line = fc.record({
  lineTotal: fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100 * MAX_MONEY })),
  taxRateBps: fc.oneof(fc.constantFrom(0, 700, 1900, 2000, 725), rate),
});
const order = fc
  .record({
    lines: fc.array(line, { minLength: 1, maxLength: 100 }),
    discountPart: fc.double({ min: 0, max: 1, noNaN: true }),
    shipping: fc.record({ amount: fc.integer({ min: 0, max: 100_000 }), taxRateBps: rate }),
    pricesIncludeTax: fc.boolean(),
  })
  .map(({ lines, discountPart, ...rest }) => {
    const subtotal = lines.reduce((sum, entry) => sum + entry.lineTotal, 0);
    return { lines, discount: Math.floor(subtotal * discountPart), ...rest };
  });

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('money: shares and rates', () => {
  it('shares a total by largest remainder: exactly the total, each within a cent of its part, ties to the earlier', () => {
    expect(prorate(1000, [5800, 2000])).toEqual([744, 256]);
    expect(prorate(1, [1, 1, 1])).toEqual([1, 0, 0]);
    expect(prorate(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(prorate(0, [0, 0])).toEqual([0, 0]);
    expect(() => prorate(1, [0, 0])).toThrow(RangeError);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 * MAX_MONEY }), { minLength: 1, maxLength: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (weights, part) => {
          const whole = sum(weights);
          const total = whole === 0 ? 0 : Math.floor(whole * part);
          const shares = prorate(total, weights);
          expect(sum(shares)).toBe(total);
          shares.forEach((share, i) => {
            const exact = whole === 0 ? 0 : (total * (weights[i] as number)) / whole;
            expect(share).toBeGreaterThanOrEqual(0);
            expect(Math.abs(share - exact)).toBeLessThan(1 + 1e-6);
          });
          // A larger weight never gets a smaller share.
          for (let i = 0; i < weights.length; i++)
            for (let j = 0; j < weights.length; j++)
              if ((weights[i] as number) > (weights[j] as number))
                expect(shares[i] as number).toBeGreaterThanOrEqual(shares[j] as number);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rounds a rate half up, exactly, far past the safe integers', () => {
    expect(rateOf(10, 500)).toBe(1); // 0.5
    expect(rateOf(9, 500)).toBe(0); // 0.45
    expect(rateOf(3998, 725)).toBe(290); // 289.855
    expect(includedRateOf(1, MAX_RATE_BPS)).toBe(1); // 0.5 of a 100 % rate
    expect(includedRateOf(5056, 1900)).toBe(807); // 807.26
    expect(rateOf(100 * MAX_MONEY, 1999)).toBe(199_900_000_000);
    // (10^12 + 1) × 9999 is past 2^53: 499,974,998,750.4375 exactly, so 499,974,998,750.
    expect(includedRateOf(100 * MAX_MONEY + 1, 9999)).toBe(499_974_998_750);
    expect(() => rateOf(-1, 100)).toThrow(RangeError);
    expect(() => rateOf(1.5, 100)).toThrow(RangeError);
    expect(() => rateOf(1, 10_001)).toThrow(RangeError);
  });

  it('agrees on the net in both modes: the tax inside net + tax is that tax', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 * MAX_MONEY }), rate, (net, bps) => {
        const tax = rateOf(net, bps);
        expect(includedRateOf(net + tax, bps)).toBe(tax);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('money: the amounts of an order', () => {
  it('adds up to the cent whatever the cart, discount, shipping and rates, with nothing negative', async () => {
    await fc.assert(
      fc.asyncProperty(order, async (input) => {
        const amounts = await amountsAt(input);
        expect(amounts.subtotal).toBe(sum(input.lines.map((entry) => entry.lineTotal)));
        expect(sum(amounts.lines.map((entry) => entry.discountShare))).toBe(input.discount);
        expect(amounts.discount).toBeLessThanOrEqual(amounts.subtotal);
        expect(amounts.tax).toBe(sum(amounts.lines.map((entry) => entry.taxAmount)) + amounts.shippingTax);
        const beforeTax = amounts.subtotal - amounts.discount + amounts.shipping;
        expect(amounts.total).toBe(input.pricesIncludeTax ? beforeTax : beforeTax + amounts.tax);
        for (const entry of amounts.lines) {
          expect(entry.discountShare).toBeGreaterThanOrEqual(0);
          expect(entry.discountShare).toBeLessThanOrEqual(entry.lineTotal);
          expect(entry.taxAmount).toBeGreaterThanOrEqual(0);
          // Inclusive: the tax is part of what is left of the line, never more than it.
          if (input.pricesIncludeTax)
            expect(entry.taxAmount).toBeLessThanOrEqual(entry.lineTotal - entry.discountShare);
          expect(Number.isSafeInteger(entry.taxAmount)).toBe(true);
        }
        expect(amounts.total).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });

  it('charges the same net in both modes: an exclusive order priced at its gross is the inclusive one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ lineTotal: fc.integer({ min: 0, max: 10 * MAX_MONEY }), taxRateBps: rate }), {
          minLength: 1,
          maxLength: 50,
        }),
        fc.record({ amount: fc.integer({ min: 0, max: 100_000 }), taxRateBps: rate }),
        async (netLines, shipping) => {
          const exclusive = await amountsAt({ lines: netLines, discount: 0, shipping, pricesIncludeTax: false });
          const grossLines: PricedLine[] = netLines.map((entry, i) => ({
            lineTotal: entry.lineTotal + (exclusive.lines[i]?.taxAmount ?? 0),
            taxRateBps: entry.taxRateBps,
          }));
          const inclusive = await amountsAt({
            lines: grossLines,
            discount: 0,
            shipping: { ...shipping, amount: shipping.amount + exclusive.shippingTax },
            pricesIncludeTax: true,
          });
          expect(inclusive.tax).toBe(exclusive.tax);
          expect(inclusive.total).toBe(exclusive.total);
          expect(inclusive.lines.map((entry) => entry.taxAmount)).toEqual(
            exclusive.lines.map((entry) => entry.taxAmount),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('works out a German order by hand: 19 % and 7 %, prices with tax, a discount and shipping', async () => {
    const amounts = await amountsAt({
      lines: [
        { lineTotal: 2 * 2900, taxRateBps: 1900 }, // two T-shirts
        { lineTotal: 2000, taxRateBps: 700 }, // a book
      ],
      discount: 1000,
      shipping: { amount: 490, taxRateBps: 1900 },
      pricesIncludeTax: true,
    });
    // 1000 × 5800/7800 = 743.59 and × 2000/7800 = 256.41: floors 743 + 256, the cent left to the larger remainder.
    expect(amounts.lines).toEqual([
      { lineTotal: 5800, discountShare: 744, taxRateBps: 1900, taxAmount: 807 }, // 5056 × 19/119 = 807.26
      { lineTotal: 2000, discountShare: 256, taxRateBps: 700, taxAmount: 114 }, // 1744 × 7/107 = 114.09
    ]);
    expect(amounts).toMatchObject({
      subtotal: 7800,
      discount: 1000,
      shipping: 490,
      shippingTax: 78,
      tax: 999,
      total: 7290,
    });
  });

  it('works out a US-style order by hand: tax added to the prices and the shipping', async () => {
    const amounts = await amountsAt({
      lines: [
        { lineTotal: 2 * 1999, taxRateBps: 725 },
        { lineTotal: 500, taxRateBps: 0 },
      ],
      discount: 0,
      shipping: { amount: 599, taxRateBps: 725 },
      pricesIncludeTax: false,
    });
    expect(amounts.lines.map((entry) => entry.taxAmount)).toEqual([290, 0]); // 289.855, 0
    expect(amounts).toMatchObject({ subtotal: 4498, shipping: 599, shippingTax: 43, tax: 333, total: 5430 });
  });

  it('rounds the edge cases: 1-cent lines, 100 lines, a 100 % discount', async () => {
    const cents = await amountsAt({
      lines: Array.from({ length: 3 }, () => ({ lineTotal: 1, taxRateBps: 1900 })),
      discount: 1,
      shipping: { amount: 0, taxRateBps: 1900 },
      pricesIncludeTax: true,
    });
    expect(cents.lines.map((entry) => [entry.discountShare, entry.taxAmount])).toEqual([
      [1, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(cents).toMatchObject({ subtotal: 3, discount: 1, tax: 0, total: 2 });

    const hundred = await amountsAt({
      lines: Array.from({ length: 100 }, (_, i) => ({ lineTotal: 101 + i, taxRateBps: i % 2 ? 700 : 1900 })),
      discount: 3333,
      shipping: { amount: 0, taxRateBps: 0 },
      pricesIncludeTax: false,
    });
    expect(sum(hundred.lines.map((entry) => entry.discountShare))).toBe(3333);
    expect(hundred.total).toBe(hundred.subtotal - 3333 + hundred.tax);

    const free = await amountsAt({
      lines: [
        { lineTotal: 1234, taxRateBps: 1900 },
        { lineTotal: 766, taxRateBps: 700 },
      ],
      discount: 2000,
      shipping: { amount: 490, taxRateBps: 1900 },
      pricesIncludeTax: false,
    });
    expect(free.lines.map((entry) => [entry.discountShare, entry.taxAmount])).toEqual([
      [1234, 0],
      [766, 0],
    ]);
    expect(free).toMatchObject({ subtotal: 2000, discount: 2000, tax: 93, total: 583 }); // only the shipping: 490 × 19 % = 93.1
  });

  it('refuses what no order has: a discount above the subtotal, a negative or fractional amount', async () => {
    const lines = [{ lineTotal: 100, taxRateBps: 1900 }];
    const shipping = { amount: 0, taxRateBps: 0 };
    await expect(amountsAt({ lines, discount: 101, shipping, pricesIncludeTax: true })).rejects.toThrow(RangeError);
    await expect(
      amountsAt({ lines: [{ lineTotal: -1, taxRateBps: 0 }], discount: 0, shipping, pricesIncludeTax: true }),
    ).rejects.toThrow(RangeError);
    await expect(
      amountsAt({ lines, discount: 0, shipping: { amount: 0.5, taxRateBps: 0 }, pricesIncludeTax: true }),
    ).rejects.toThrow(RangeError);
  });
});

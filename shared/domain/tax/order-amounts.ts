import type { TaxClass } from '../catalog/product';
import { assertAmount, orderTotal, prorate } from '../money';
import type { TaxCalculator } from './tax-rates';

/** A line's part of the totals: its share of the discount and its tax (on what is left of it). */
export interface LineAmounts {
  lineTotal: number;
  discountShare: number;
  taxRateBps: number;
  taxAmount: number;
}

export interface OrderAmounts {
  lines: LineAmounts[];
  subtotal: number;
  discount: number;
  shipping: number;
  shippingTax: number;
  /** The lines' tax and the shipping's: included in `total` or added to it, as the prices are. */
  tax: number;
  /** What is charged. */
  total: number;
}

export interface OrderAmountsInput {
  /** Where the order goes: the country decides the rates. */
  country: string;
  /** Each line at catalog prices, with its product's tax class. */
  lines: Array<{ lineTotal: number; taxClass: TaxClass }>;
  /** The order's discount, at most the subtotal. */
  discount: number;
  shipping: number;
  /** Catalog prices and shipping amounts include tax (EU style); otherwise tax is added on top. */
  pricesIncludeTax: boolean;
}

/**
 * The amounts of an order, or of a cart's quote: the discount spread over the lines in proportion to
 * their value (largest remainder), each line taxed by the calculator on what is left of it, the
 * shipping taxed too. `total = subtotal − discount + shipping`, `+ tax` when prices exclude it. With
 * the rate-table calculator every figure is whole and ≥ 0 and the lines add up to the totals exactly
 * (test/unit/money.test.ts).
 * @throws RangeError for an amount that is not a whole amount ≥ 0 or a discount above the subtotal
 * (the caller caps it)
 */
export async function orderAmounts(
  calculator: TaxCalculator,
  { country, lines, discount, shipping, pricesIncludeTax }: OrderAmountsInput,
): Promise<OrderAmounts> {
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotal, 0);
  assertAmount(subtotal, 'the subtotal');
  assertAmount(discount, 'the discount');
  assertAmount(shipping, 'the shipping amount');
  if (discount > subtotal) throw new RangeError(`a discount of ${discount} is more than the subtotal ${subtotal}`);
  const shares = prorate(
    discount,
    lines.map((line) => line.lineTotal),
  );
  const taxes = await calculator.calculate({
    destination: { country },
    lines: lines.map((line, index) => ({
      amount: line.lineTotal - (shares[index] as number),
      taxClass: line.taxClass,
    })),
    shipping,
    pricesIncludeTax,
  });
  const amounts = lines.map(
    (line, index): LineAmounts => ({
      lineTotal: line.lineTotal,
      discountShare: shares[index] as number,
      taxRateBps: taxes.lines[index]?.taxRateBps ?? 0,
      taxAmount: taxes.lines[index]?.taxAmount ?? 0,
    }),
  );
  const tax = amounts.reduce((sum, line) => sum + line.taxAmount, 0) + taxes.shipping.taxAmount;
  return {
    lines: amounts,
    subtotal,
    discount,
    shipping,
    shippingTax: taxes.shipping.taxAmount,
    tax,
    total: orderTotal({ subtotal, discount, shipping, tax, pricesIncludeTax }),
  };
}

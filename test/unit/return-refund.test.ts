import type { Order } from '../../shared/domain/orders/order';
import { returnRefund } from '../../shared/domain/returns/return';
import { pendingOrder } from '../support/orders';

/** An order of 3 × A at 1000 and 1 × B at 500, with a discount, shipping and tax as given. */
function order(amounts: { discount?: number; shipping?: number; tax?: number; taxExtra?: boolean }): Order {
  const base = pendingOrder({ placedAt: '2026-03-01T10:00:00.000Z', reservationExpiresAt: '2026-03-01T10:15:00.000Z' });
  const subtotal = 3500;
  const { discount = 0, shipping = 0, tax = 0, taxExtra = false } = amounts;
  return {
    ...base,
    status: 'SHIPPED',
    items: [
      { sku: 'A', name: 'A', quantity: 3, unitPrice: 1000, lineTotal: 3000, taxAmount: taxExtra ? (tax * 6) / 7 : 0 },
      { sku: 'B', name: 'B', quantity: 1, unitPrice: 500, lineTotal: 500, taxAmount: taxExtra ? tax / 7 : 0 },
    ],
    subtotal,
    discount,
    shipping,
    tax,
    total: subtotal - discount + shipping + (taxExtra ? tax : 0),
  };
}

describe('the refund of a return', () => {
  it('gives back what the units cost: their share of the discount off, no shipping while units are kept', () => {
    // 350 off 3500: the A line bears 300, B 50; one A cost (3000 − 300) / 3 = 900.
    const placed = order({ discount: 350, shipping: 490 });
    expect(returnRefund(placed, {}, [{ sku: 'A', quantity: 1 }])).toEqual({
      items: [{ sku: 'A', quantity: 1, refundAmount: 900 }],
      refundAmount: 900,
    });
  });

  it('adds the tax when prices exclude it', () => {
    const placed = order({ tax: 700, taxExtra: true });
    expect(returnRefund(placed, {}, [{ sku: 'B', quantity: 1 }]).refundAmount).toBe(500 + 100);
  });

  it('gives back the rest of the total, shipping included, with the return that completes the order; never more in all', () => {
    const placed = order({ discount: 333, shipping: 490, tax: 0 });
    const returns = [
      [{ sku: 'A', quantity: 1 }],
      [{ sku: 'A', quantity: 1 }],
      [{ sku: 'B', quantity: 1 }],
      [{ sku: 'A', quantity: 1 }],
    ];
    const earlier: Record<string, number> = {};
    let refunded = 0;
    const amounts: number[] = [];
    for (const wanted of returns) {
      const { refundAmount, items } = returnRefund(placed, earlier, wanted);
      expect(items.reduce((sum, line) => sum + line.refundAmount, 0)).toBeLessThanOrEqual(refundAmount);
      amounts.push(refundAmount);
      refunded += refundAmount;
      for (const { sku, quantity } of wanted) earlier[sku] = (earlier[sku] ?? 0) + quantity;
      expect(refunded).toBeLessThanOrEqual(placed.total);
    }
    expect(refunded).toBe(placed.total);
    // The last one carries the shipping.
    expect(amounts.at(-1)).toBeGreaterThan(490);
  });
});

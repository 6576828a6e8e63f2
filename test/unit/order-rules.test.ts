import { type Discount, discountAmount, isRedeemable } from '../../shared/domain/discounts/discount';
import { canTransition, ORDER_STATUSES, type Order, type OrderStatus } from '../../shared/domain/orders/order';
import type { OrderRepository } from '../../shared/domain/orders/order-ports';
import { listAllStatuses } from '../../shared/domain/orders/order-status-merge';
import { fingerprintOf } from '../../shared/http/idempotency';

describe('order status rules', () => {
  it('allows exactly the transitions of the contract', () => {
    const allowed = ORDER_STATUSES.flatMap((from) =>
      ORDER_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    ).sort();
    expect(allowed).toEqual(
      [
        'PENDING_PAYMENT→PAID',
        'PENDING_PAYMENT→PAYMENT_FAILED',
        'SHIPPED→DELIVERED',
        'PENDING_PAYMENT→EXPIRED',
        'PENDING_PAYMENT→CANCELLED',
        'PAID→SHIPPED',
        'PAID→CANCELLED',
      ].sort(),
    );
  });
});

describe('discount rules', () => {
  const base: Discount = {
    code: 'TEN',
    percentOff: 10,
    amountOff: null,
    validFrom: null,
    validUntil: null,
    maxRedemptions: null,
    maxRedemptionsPerCustomer: null,
    redemptions: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
  };

  it('takes floor(subtotal × percent / 100), or the amount, never more than the subtotal', () => {
    expect(discountAmount(base, 999)).toBe(99);
    expect(discountAmount({ ...base, percentOff: 100 }, 999)).toBe(999);
    expect(discountAmount({ ...base, percentOff: null, amountOff: 500 }, 1200)).toBe(500);
    expect(discountAmount({ ...base, percentOff: null, amountOff: 5000 }, 1200)).toBe(1200);
  });

  it('is redeemable only inside its window and below its redemption limit', () => {
    const now = new Date('2026-06-01T12:00:00.000Z');
    expect(isRedeemable(base, now)).toBe(true);
    expect(isRedeemable({ ...base, validFrom: '2026-06-02T00:00:00.000Z' }, now)).toBe(false);
    expect(isRedeemable({ ...base, validUntil: '2026-06-01T12:00:00.000Z' }, now)).toBe(false);
    expect(isRedeemable({ ...base, maxRedemptions: 3, redemptions: 3 }, now)).toBe(false);
    expect(isRedeemable({ ...base, maxRedemptions: 3, redemptions: 2 }, now)).toBe(true);
  });
});

describe('idempotency fingerprints', () => {
  it('ignore key order but not values', () => {
    expect(fingerprintOf({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(fingerprintOf({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
    expect(fingerprintOf({ items: [1, 2] })).not.toBe(fingerprintOf({ items: [2, 1] }));
  });
});

describe('listing orders of every status', () => {
  const order = (orderId: string, status: OrderStatus, minute: number): Order =>
    ({ orderId, status, createdAt: `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z` }) as Order;

  /** Per-status lists newest first, positions are the last order's id. */
  function fakeRepository(orders: Order[]): Pick<OrderRepository, 'listByStatus' | 'statusPosition'> {
    const byStatus = (status: OrderStatus) =>
      orders
        .filter((o) => o.status === status)
        .sort((a, b) => `${b.createdAt}#${b.orderId}`.localeCompare(`${a.createdAt}#${a.orderId}`));
    return {
      listByStatus: async (status, { limit, after }) => {
        const list = byStatus(status);
        const start = after ? list.findIndex((o) => o.orderId === after.id) + 1 : 0;
        const items = list.slice(start, start + limit);
        return { items, next: start + limit < list.length ? { id: items.at(-1)?.orderId } : null };
      },
      statusPosition: (o) => ({ id: o.orderId }),
    };
  }

  it('merges the status lists newest first across pages, without gaps or repeats', async () => {
    const orders = [
      order('a', 'PAID', 1),
      order('b', 'PENDING_PAYMENT', 2),
      order('c', 'PAID', 3),
      order('d', 'SHIPPED', 4),
      order('e', 'CANCELLED', 5),
      order('f', 'PENDING_PAYMENT', 6),
      order('g', 'PAID', 7),
    ];
    const repository = fakeRepository(orders);
    const seen: string[] = [];
    let after: Record<string, unknown> | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await listAllStatuses(repository, { limit: 3, after });
      seen.push(...result.items.map((o) => o.orderId));
      if (!result.next) break;
      after = JSON.parse(JSON.stringify(result.next));
    }
    expect(seen).toEqual(['g', 'f', 'e', 'd', 'c', 'b', 'a']);
  });
});

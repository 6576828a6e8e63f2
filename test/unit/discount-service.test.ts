import { createDiscountService } from '../../shared/domain/discounts/discount-service';
import { AppError } from '../../shared/errors';
import { createCursorCodec } from '../../shared/lib/cursor-codec';
import { inMemoryDiscounts } from '../support/in-memory-customer-repositories';

const clock = { now: () => new Date('2026-11-20T10:00:00.000Z') };

function setup() {
  const store = inMemoryDiscounts();
  const cursors = createCursorCodec('unit-test-cursor-secret');
  return { store, discounts: createDiscountService({ discounts: store.discounts, cursors, clock }) };
}

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return { status: error.status, code: error.code, errors: error.errors };
    throw error;
  }
  throw new Error('expected a failure');
};

describe('discount service', () => {
  it('stores the code upper-case, times in UTC, unset fields as null and no redemptions yet', async () => {
    const { discounts, store } = setup();
    const created = await discounts.create({
      code: 'welcome10',
      percentOff: 10,
      validFrom: '2026-12-01T01:00:00+01:00',
      validUntil: '2027-01-01',
    });
    expect(created).toEqual({
      code: 'WELCOME10',
      percentOff: 10,
      amountOff: null,
      validFrom: '2026-12-01T00:00:00.000Z',
      validUntil: '2027-01-01T00:00:00.000Z',
      maxRedemptions: null,
      maxRedemptionsPerCustomer: null,
      redemptions: 0,
      createdAt: '2026-11-20T10:00:00.000Z',
    });
    expect(store.stored.get('WELCOME10')).toEqual(created);
  });

  it('refuses a code that exists in another case with 409 DISCOUNT_EXISTS and keeps the first', async () => {
    const { discounts, store } = setup();
    await discounts.create({ code: 'SPRING', amountOff: 500 });
    expect(await failure(discounts.create({ code: 'spring', percentOff: 50 }))).toMatchObject({
      status: 409,
      code: 'DISCOUNT_EXISTS',
    });
    expect(store.stored.get('SPRING')?.amountOff).toBe(500);
  });

  it.each([
    ['neither percentOff nor amountOff', {}],
    ['both percentOff and amountOff', { percentOff: 10, amountOff: 100 }],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_, fields) => {
    const { discounts, store } = setup();
    const error = await failure(discounts.create({ code: 'BAD', ...fields }));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.errors?.map((e) => e.path)).toEqual(['percentOff', 'amountOff']);
    expect(store.stored.size).toBe(0);
  });

  it.each([
    ['ends before it starts', '2027-01-01T00:00:00Z', '2026-12-01T00:00:00Z'],
    ['is empty', '2026-12-01T00:00:00Z', '2026-12-01T01:00:00+01:00'],
  ])('refuses a validity window that %s', async (_, validFrom, validUntil) => {
    const { discounts } = setup();
    const error = await failure(discounts.create({ code: 'WINDOW', percentOff: 5, validFrom, validUntil }));
    expect(error).toMatchObject({ status: 400, errors: [{ path: 'validUntil' }] });
  });

  it('finds a discount by code in any case, and answers 404 DISCOUNT_NOT_FOUND for an unknown one', async () => {
    const { discounts } = setup();
    await discounts.create({ code: 'AUTUMN', amountOff: 300, maxRedemptions: 5 });
    expect((await discounts.get('autumn')).maxRedemptions).toBe(5);
    expect(await failure(discounts.get('WINTER'))).toMatchObject({ status: 404, code: 'DISCOUNT_NOT_FOUND' });
  });

  it('lists every discount by code, page by page, with integrity-protected cursors', async () => {
    const { discounts } = setup();
    for (const code of ['CCC', 'AAA', 'BBB']) await discounts.create({ code, percentOff: 1 });
    const first = await discounts.list({ limit: 2 });
    expect(first.items.map((d) => d.code)).toEqual(['AAA', 'BBB']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await discounts.list({ limit: 2, cursor: first.nextCursor as string });
    expect(second).toEqual({ items: [expect.objectContaining({ code: 'CCC' })], nextCursor: null });
    const tampered = `${(first.nextCursor as string).slice(0, -2)}xx`;
    expect(await failure(discounts.list({ limit: 2, cursor: tampered }))).toMatchObject({
      status: 400,
      code: 'INVALID_CURSOR',
    });
  });
});

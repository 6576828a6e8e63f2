import { ValidationError } from '../../errors';
import type { Clock } from '../../lib/clock';
import type { CursorCodec } from '../../lib/cursor-codec';
import type { ListResult } from '../pagination';
import { type Discount, normaliseCode } from './discount';
import { DiscountNotFoundError } from './discount-errors';
import type { DiscountRepository } from './discount-ports';
import { type NewDiscount, newDiscountProblems } from './new-discount';

const LIST_SCOPE = 'discounts';

export interface DiscountServiceDeps {
  discounts: DiscountRepository;
  cursors: CursorCodec;
  clock: Clock;
}

export type DiscountService = ReturnType<typeof createDiscountService>;

/** Timestamps are stored in one form (UTC, milliseconds), so they compare as strings. */
const normaliseTime = (value: string | undefined) => (value === undefined ? null : new Date(value).toISOString());

export function createDiscountService({ discounts, cursors, clock }: DiscountServiceDeps) {
  return {
    /**
     * Creates a discount code (stored upper-case), never redeemed yet.
     * @throws ValidationError when the fields contradict each other; DiscountExistsError when the code is taken.
     */
    async create(input: NewDiscount): Promise<Discount> {
      const problems = newDiscountProblems(input);
      if (problems.length > 0) throw new ValidationError(problems);
      const discount: Discount = {
        code: normaliseCode(input.code),
        percentOff: input.percentOff ?? null,
        amountOff: input.amountOff ?? null,
        validFrom: normaliseTime(input.validFrom),
        validUntil: normaliseTime(input.validUntil),
        maxRedemptions: input.maxRedemptions ?? null,
        maxRedemptionsPerCustomer: input.maxRedemptionsPerCustomer ?? null,
        redemptions: 0,
        createdAt: clock.now().toISOString(),
      };
      await discounts.create(discount);
      return discount;
    },

    /** One discount by code, in any case. @throws DiscountNotFoundError */
    async get(code: string): Promise<Discount> {
      const discount = await discounts.get(normaliseCode(code));
      if (!discount) throw new DiscountNotFoundError(normaliseCode(code));
      return discount;
    },

    /** Every discount, by code, with how often each was redeemed. */
    async list(query: { limit: number; cursor?: string }): Promise<ListResult<Discount>> {
      const after = query.cursor ? await cursors.decode(query.cursor, LIST_SCOPE) : undefined;
      const page = await discounts.list({ limit: query.limit, after });
      return { items: page.items, nextCursor: page.next ? await cursors.encode(page.next, LIST_SCOPE) : null };
    },
  };
}

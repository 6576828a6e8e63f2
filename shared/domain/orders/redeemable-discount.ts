import type { Clock } from '../../lib/clock';
import { type Discount, discountAmount, isRedeemable, normaliseCode } from '../discounts/discount';
import type { DiscountRepository } from '../discounts/discount-ports';
import { DiscountUnavailableError } from './order-errors';

/**
 * A discount code as a checkout, or a cart's quote, applies it: the code (normalised), the discount
 * and the amount it takes off `subtotal`.
 * @throws DiscountUnavailableError for a code that is unknown, expired or used up
 */
export async function redeemableDiscount(
  discounts: Pick<DiscountRepository, 'get'>,
  clock: Clock,
  given: string,
  subtotal: Promise<number> | number,
): Promise<{ code: string; discount: Discount; amount: number }> {
  const code = normaliseCode(given);
  const found = await discounts.get(code);
  if (!found || !isRedeemable(found, clock.now())) throw new DiscountUnavailableError(code);
  return { code, discount: found, amount: discountAmount(found, await subtotal) };
}

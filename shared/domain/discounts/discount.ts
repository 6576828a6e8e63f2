/** A discount code. Exactly one of `percentOff` and `amountOff` is set. */
export interface Discount {
  code: string;
  percentOff: number | null;
  amountOff: number | null;
  validFrom: string | null;
  validUntil: string | null;
  maxRedemptions: number | null;
  /** How many live orders one customer may hold with the code (given back when an order fails or ends unpaid). */
  maxRedemptionsPerCustomer: number | null;
  redemptions: number;
  createdAt: string;
}

/** Codes are case-insensitive: stored and compared upper-case. */
export const normaliseCode = (code: string) => code.trim().toUpperCase();

/** Whether the code can be redeemed at `now` (validity window and redemption limit). */
export function isRedeemable(discount: Discount, now: Date): boolean {
  const at = now.toISOString();
  if (discount.validFrom !== null && at < discount.validFrom) return false;
  if (discount.validUntil !== null && at >= discount.validUntil) return false;
  return discount.maxRedemptions === null || discount.redemptions < discount.maxRedemptions;
}

/** `floor(subtotal × percentOff / 100)` or `amountOff`, never more than the subtotal. */
export function discountAmount(discount: Discount, subtotal: number): number {
  const amount =
    discount.percentOff !== null ? Math.floor((subtotal * discount.percentOff) / 100) : (discount.amountOff ?? 0);
  return Math.min(amount, subtotal);
}

/**
 * The largest amount the API states in minor units (the OpenAPI `Money` maximum): 100,000,000.00
 * in the store currency. Every amount a response carries, prices and sums alike, stays at or below
 * it, and so in safe integers.
 */
export const MAX_MONEY = 100_000_000_00;

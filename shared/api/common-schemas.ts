import { MAX_MONEY } from '../lib/money';
import * as z from '../lib/zod';

export const Sku = z
  .string()
  .check(z.regex(/^[A-Z0-9_-]{1,64}$/, 'sku must be 1–64 characters of A-Z, 0-9, - and _'))
  .register(z.globalRegistry, {
    description: 'Stock keeping unit: 1–64 characters of A-Z 0-9 - _',
    example: 'MUG-CLASSIC-01',
  });

/** Trimmed before the check, everywhere a code is taken (create, read, checkout). */
export const DiscountCode = z
  .string()
  .check(z.trim(), z.regex(/^[A-Za-z0-9_-]{3,32}$/, 'code must be 3–32 characters of A-Z, 0-9, _ and -'))
  .register(z.globalRegistry, {
    description: 'Discount code: 3–32 characters of A-Z 0-9 _ -, case-insensitive',
    example: 'WELCOME10',
  });

export const Money = z
  .number()
  .check(z.int('money is an integer amount in minor units (cents)'), z.gte(0), z.lte(MAX_MONEY))
  .register(z.globalRegistry, { description: 'Amount in minor units (cents) of the store currency' });

export const Timestamp = z
  .string()
  .register(z.globalRegistry, { description: 'ISO 8601 UTC timestamp', example: '2026-11-20T10:00:00.000Z' });

const LIMIT_MESSAGE = 'limit must be an integer from 1 to 100';

export const Limit = z
  ._default(
    z.coerce
      .number({ error: LIMIT_MESSAGE })
      .check(z.int(LIMIT_MESSAGE), z.gte(1, LIMIT_MESSAGE), z.lte(100, LIMIT_MESSAGE)),
    20,
  )
  .register(z.globalRegistry, { description: 'Page size, 1–100 (default 20)' });

export const Cursor = z
  .string()
  .check(z.minLength(1), z.maxLength(2048))
  .register(z.globalRegistry, { description: 'Opaque cursor from a previous page’s `nextCursor`' });

export const PageQuery = z.strictObject({ limit: Limit, cursor: z.optional(Cursor) });

/** `{ items, nextCursor }` of a given item schema. */
export const pageOf = <T extends z.core.$ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });

export const SkuParams = z.strictObject({ sku: Sku });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    code: z.string().register(z.globalRegistry, { description: 'Stable UPPER_SNAKE error code' }),
    detail: z.string(),
    errors: z.optional(z.array(z.looseObject({ path: z.string(), message: z.string() }))),
    requestId: z.string(),
  })
  .register(z.globalRegistry, { id: 'Problem', description: 'RFC 9457 problem document' });

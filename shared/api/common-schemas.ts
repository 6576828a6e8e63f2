import * as z from 'zod';

export const Sku = z
  .string()
  .regex(/^[A-Z0-9_-]{1,64}$/, 'sku must be 1–64 characters of A-Z, 0-9, - and _')
  .meta({ description: 'Stock keeping unit: 1–64 characters of A-Z 0-9 - _', example: 'MUG-CLASSIC-01' });

export const Money = z
  .number()
  .int('money is an integer amount in minor units (cents)')
  .min(0)
  .max(100_000_000_00)
  .meta({ description: 'Amount in minor units (cents) of the store currency' });

export const Timestamp = z
  .string()
  .meta({ description: 'ISO 8601 UTC timestamp', example: '2026-11-20T10:00:00.000Z' });

export const Limit = z.coerce
  .number({ error: 'limit must be an integer from 1 to 100' })
  .int('limit must be an integer from 1 to 100')
  .min(1, 'limit must be an integer from 1 to 100')
  .max(100, 'limit must be an integer from 1 to 100')
  .default(20)
  .meta({ description: 'Page size, 1–100 (default 20)' });

export const Cursor = z
  .string()
  .min(1)
  .max(2048)
  .meta({ description: 'Opaque cursor from a previous page’s `nextCursor`' });

export const PageQuery = z.strictObject({ limit: Limit, cursor: Cursor.optional() });

/** `{ items, nextCursor }` of a given item schema. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const SkuParams = z.strictObject({ sku: Sku });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Stable UPPER_SNAKE error code' }),
    detail: z.string(),
    errors: z.array(z.looseObject({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem document' });

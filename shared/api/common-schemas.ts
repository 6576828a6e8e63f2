import { MAX_MONEY } from '../domain/money';
import { MAX_PROBLEM_TEXT } from '../http/problem';
import * as z from '../lib/zod';

/**
 * A pattern check with the maxLength it implies stated too (validators and linters look for
 * `maxLength`): one problem per value, with the pattern's message, whichever check refuses it.
 */
export const patterned = (maxLength: number, pattern: RegExp, message: string) =>
  [z.maxLength(maxLength, { error: message, abort: true }), z.regex(pattern, message)] as const;

export const Sku = /* @__PURE__ */ z
  .string()
  .check(...patterned(64, /^[A-Z0-9_-]{1,64}$/, 'sku must be 1–64 characters of A-Z, 0-9, - and _'))
  .register(z.globalRegistry, {
    description: 'Stock keeping unit: 1–64 characters of A-Z 0-9 - _',
    example: 'MUG-CLASSIC-01',
  });

/** Trimmed before the check, everywhere a code is taken (create, read, checkout). */
export const DiscountCode = /* @__PURE__ */ z
  .string()
  .check(z.trim(), ...patterned(32, /^[A-Za-z0-9_-]{3,32}$/, 'code must be 3–32 characters of A-Z, 0-9, _ and -'))
  .register(z.globalRegistry, {
    description: 'Discount code: 3–32 characters of A-Z 0-9 _ -, case-insensitive',
    example: 'WELCOME10',
  });

export const ShippingMethodCode = /* @__PURE__ */ z
  .string()
  .check(
    ...patterned(
      40,
      /^[a-z0-9][a-z0-9_-]{0,39}$/,
      'code must be 1–40 characters of a-z, 0-9, _ and -, starting with a letter or digit',
    ),
  )
  .register(z.globalRegistry, {
    description: 'Shipping method code: 1–40 characters of a-z 0-9 _ -, starting with a letter or digit',
    example: 'standard',
  });

/** What an order or a quote keeps of its shipping method. */
export const ChosenShippingMethod = /* @__PURE__ */ z
  .object({
    code: ShippingMethodCode,
    name: z.string().check(z.maxLength(100)),
    minDeliveryDays: z.number().check(z.int()),
    maxDeliveryDays: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'ChosenShippingMethod', description: 'The method the order ships with' });

export const Money = /* @__PURE__ */ z
  .number()
  .check(z.int('money is an integer amount in minor units (cents)'), z.gte(0), z.lte(MAX_MONEY))
  .register(z.globalRegistry, { description: 'Amount in minor units (cents) of the store currency' });

/** Output only: every timestamp the API writes is `Date#toISOString()`, UTC with milliseconds. */
export const Timestamp = /* @__PURE__ */ z.iso
  .datetime({ precision: 3 })
  .register(z.globalRegistry, { description: 'ISO 8601 UTC timestamp', example: '2026-11-20T10:00:00.000Z' });

const LIMIT_MESSAGE = 'limit must be an integer from 1 to 100';

export const Limit = /* @__PURE__ */ z
  ._default(
    z.coerce
      .number({ error: LIMIT_MESSAGE })
      .check(z.int(LIMIT_MESSAGE), z.gte(1, LIMIT_MESSAGE), z.lte(100, LIMIT_MESSAGE)),
    20,
  )
  .register(z.globalRegistry, { description: 'Page size, 1–100 (default 20)' });

/** A string in a response: at most `max` characters, as the request that stored it was held to. */
export const Text = (max: number) => z.string().check(z.maxLength(max));

/** An ISO 4217 code (the store currency in responses). */
export const Currency = /* @__PURE__ */ z
  .string()
  .check(...patterned(3, /^[A-Z]{3}$/, 'an ISO 4217 code'))
  .register(z.globalRegistry, { description: 'ISO 4217 code of the store currency', example: 'EUR' });

export const MAX_CURSOR_LENGTH = 2048;

export const Cursor = /* @__PURE__ */ z
  .string()
  .check(z.minLength(1), z.maxLength(MAX_CURSOR_LENGTH))
  .register(z.globalRegistry, { description: 'Opaque cursor from a previous page’s `nextCursor`' });

export const PageQuery = /* @__PURE__ */ z.strictObject({ limit: Limit, cursor: /* @__PURE__ */ z.optional(Cursor) });

/** `{ items, nextCursor }` of a given item schema. */
export const pageOf = <T extends z.core.$ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.nullable(Text(MAX_CURSOR_LENGTH)) });

export const SkuParams = /* @__PURE__ */ z.strictObject({ sku: Sku });

/** A variant's option values in a response (`{ "Size": "M" }`): `{}` for a simple product. */
export const OptionValuesOut = /* @__PURE__ */ z
  .record(Text(50), Text(50))
  .register(z.globalRegistry, { description: 'The variant’s option values; `{}` for a simple product' });

export const Problem = /* @__PURE__ */ z
  .object({
    type: z.url().check(z.maxLength(200)),
    title: Text(100),
    status: z.number().check(z.int(), z.gte(400), z.lte(599)),
    code: z
      .string()
      .check(...patterned(64, /^[A-Z][A-Z0-9_]*$/, 'an UPPER_SNAKE code'))
      .register(z.globalRegistry, { description: 'Stable UPPER_SNAKE error code' }),
    detail: Text(MAX_PROBLEM_TEXT),
    errors: z.optional(z.array(z.looseObject({ path: Text(MAX_PROBLEM_TEXT), message: Text(MAX_PROBLEM_TEXT) }))),
    requestId: Text(128),
  })
  .register(z.globalRegistry, { id: 'Problem', description: 'RFC 9457 problem document' });

import { SAFE_TEXT } from '../lib/text-safety';
import * as z from '../lib/zod';
import { COUNTRY_CODES, isCountryCode } from './country-codes';

/** Refuses control and bidirectional formatting characters (shared/lib/text-safety.ts). */
const safeText = () => z.regex(SAFE_TEXT, 'must not contain control characters or bidirectional formatting characters');

/** One line of a name or an address: trimmed, not empty, at most `max` characters, no unsafe characters. */
export const TextLine = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max), safeText());

export const CountryCode = /* @__PURE__ */ z
  .string()
  .check(z.trim(), z.toUpperCase(), z.refine(isCountryCode, 'country must be an ISO 3166-1 alpha-2 code such as DE'))
  // The refinement is not representable in JSON Schema: the enum states it. Lower case is also
  // taken (and stored upper-case); the document names the canonical form.
  .register(z.globalRegistry, {
    description: 'ISO 3166-1 alpha-2 country code, upper-case (lower case is also accepted)',
    example: 'DE',
    enum: [...COUNTRY_CODES],
  });

/**
 * A postal address in a request (a profile's `defaultAddress`, an order's `shippingAddress`).
 * Strict: unknown fields are refused. An absent `line2` becomes null.
 */
export const Address = /* @__PURE__ */ z
  .strictObject({
    name: TextLine(200).register(z.globalRegistry, { description: 'Recipient' }),
    line1: TextLine(200),
    line2: z._default(z.nullable(TextLine(200)), null),
    city: TextLine(100),
    postalCode: z
      .string()
      .check(
        z.trim(),
        z.minLength(1, 'must not be empty'),
        z.maxLength(16),
        z.regex(/^[A-Za-z0-9 -]+$/, 'postalCode may hold the letters A-Z, digits, spaces and -'),
      ),
    country: CountryCode,
  })
  .register(z.globalRegistry, { id: 'Address' });

/** An address as responses show it: every field present, `line2` null when not given. */
export const StoredAddress = /* @__PURE__ */ z
  .object({
    name: z.string().check(z.maxLength(200)),
    line1: z.string().check(z.maxLength(200)),
    line2: z.nullable(z.string().check(z.maxLength(200))),
    city: z.string().check(z.maxLength(100)),
    postalCode: z.string().check(z.maxLength(16)),
    country: z.string().check(z.maxLength(2)).register(z.globalRegistry, { description: 'ISO 3166-1 alpha-2' }),
  })
  .register(z.globalRegistry, { id: 'StoredAddress' });

import { SAFE_TEXT } from '../lib/text-safety';
import * as z from '../lib/zod';
import { isCountryCode } from './country-codes';

/** Refuses control and bidirectional formatting characters (shared/lib/text-safety.ts). */
const safeText = () => z.regex(SAFE_TEXT, 'must not contain control characters or bidirectional formatting characters');

/** One line of a name or an address: trimmed, not empty, at most `max` characters, no unsafe characters. */
export const TextLine = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max), safeText());

const CountryCode = z
  .string()
  .check(z.trim(), z.toUpperCase(), z.refine(isCountryCode, 'country must be an ISO 3166-1 alpha-2 code such as DE'))
  .register(z.globalRegistry, { description: 'ISO 3166-1 alpha-2 country code (stored upper-case)', example: 'DE' });

/**
 * A postal address in a request (a profile's `defaultAddress`, an order's `shippingAddress`).
 * Strict: unknown fields are refused. An absent `line2` becomes null.
 */
export const Address = z
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
        z.regex(/^[\p{L}\p{N} -]+$/u, 'postalCode may hold letters, digits, spaces and -'),
      ),
    country: CountryCode,
  })
  .register(z.globalRegistry, { id: 'Address' });

/** An address as responses show it: every field present, `line2` null when not given. */
export const StoredAddress = z
  .object({
    name: z.string(),
    line1: z.string(),
    line2: z.nullable(z.string()),
    city: z.string(),
    postalCode: z.string(),
    country: z.string().register(z.globalRegistry, { description: 'ISO 3166-1 alpha-2' }),
  })
  .register(z.globalRegistry, { id: 'StoredAddress' });

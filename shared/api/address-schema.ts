import * as z from 'zod';
import { isCountryCode } from './country-codes';

const Line = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

const CountryCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, 'country must be an ISO 3166-1 alpha-2 code such as DE')
  .meta({ description: 'ISO 3166-1 alpha-2 country code (stored upper-case)', example: 'DE' });

/**
 * A postal address in a request (a profile's `defaultAddress`, an order's `shippingAddress`).
 * Strict: unknown fields are refused. An absent `line2` becomes null.
 */
export const Address = z
  .strictObject({
    name: Line(200).meta({ description: 'Recipient' }),
    line1: Line(200),
    line2: Line(200).nullable().default(null),
    city: Line(100),
    postalCode: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(16)
      .regex(/^[\p{L}\p{N} -]+$/u, 'postalCode may hold letters, digits, spaces and -'),
    country: CountryCode,
  })
  .meta({ id: 'Address' });

/** An address as responses show it: every field present, `line2` null when not given. */
export const StoredAddress = z
  .object({
    name: z.string(),
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string(),
    postalCode: z.string(),
    country: z.string().meta({ description: 'ISO 3166-1 alpha-2' }),
  })
  .meta({ id: 'StoredAddress' });

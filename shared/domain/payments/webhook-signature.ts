import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidSignatureError } from '../invalid-signature';

/**
 * Payment webhook signatures (docs/contract.md "Payment webhooks"): the header
 * `Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, Stripe's scheme.
 * The HMAC covers the timestamp, so a captured request cannot be replayed once it is older than the
 * tolerance; it covers the body as sent, byte for byte, so it is checked before anything parses it.
 */

/** How far the signed timestamp may be from now, either way (clock skew, gateway queueing). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const PAYMENT_SIGNATURE_HEADER = 'Payment-Signature';

const TIMESTAMP = /^\d{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** The hex HMAC-SHA256 of `<timestamp>.<payload>` under `secret`. */
export function webhookSignature(secret: string, timestamp: number, payload: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(payload).digest('hex');
}

/** A `Payment-Signature` header value for `payload` (what the gateway sends; tests and tools use it). */
export function paymentSignatureHeader(secret: string, timestamp: number, payload: Buffer | string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, payload)}`;
}

interface ParsedHeader {
  timestamp: number;
  signatures: Buffer[];
}

/**
 * `t=<digits>` exactly once and at least one `v1=<64 hex>`. Several `v1` entries are allowed: while
 * the gateway rotates its secret it signs with the old and the new one. Other schemes (`v0=`) are
 * ignored, as Stripe's libraries do.
 */
function parseHeader(value: string): ParsedHeader | null {
  let timestamp: number | null = null;
  const signatures: Buffer[] = [];
  for (const part of value.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return null;
    const key = part.slice(0, separator).trim();
    const item = part.slice(separator + 1).trim();
    if (key === 't') {
      if (timestamp !== null || !TIMESTAMP.test(item)) return null;
      timestamp = Number(item);
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(item)) return null;
      signatures.push(Buffer.from(item, 'hex'));
    }
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

export interface SignedPayload {
  /** The `Payment-Signature` header as received (undefined when absent). */
  header: string | undefined;
  /** The body exactly as received. */
  payload: Buffer;
  secret: string;
  now: Date;
  toleranceSeconds?: number;
}

/**
 * Accepts the payload when one `v1` signature is the HMAC of this timestamp and payload and the
 * timestamp is within the tolerance of `now`. Signatures are compared in constant time.
 * @throws InvalidSignatureError (400 `INVALID_SIGNATURE`) otherwise.
 */
export function verifyWebhookSignature({
  header,
  payload,
  secret,
  now,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
}: SignedPayload): void {
  if (header === undefined || header.trim() === '') {
    throw new InvalidSignatureError(`The ${PAYMENT_SIGNATURE_HEADER} header is missing.`);
  }
  const parsed = parseHeader(header);
  if (!parsed) {
    throw new InvalidSignatureError(
      `The ${PAYMENT_SIGNATURE_HEADER} header is malformed: expected t=<unix seconds>,v1=<hex HMAC-SHA256>.`,
    );
  }
  const expected = Buffer.from(webhookSignature(secret, parsed.timestamp, payload), 'hex');
  // Every candidate is compared (no early exit), so the time taken does not say which one matched.
  let matched = false;
  for (const candidate of parsed.signatures) {
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  if (!matched) throw new InvalidSignatureError('No signature matches the payload.');
  const ageSeconds = now.getTime() / 1000 - parsed.timestamp;
  if (Math.abs(ageSeconds) > toleranceSeconds) {
    throw new InvalidSignatureError(
      `The signature's timestamp is more than ${toleranceSeconds} s away from the current time.`,
    );
  }
}

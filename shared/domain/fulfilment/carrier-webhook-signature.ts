import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidSignatureError } from '../invalid-signature';

/**
 * Carrier webhook signatures, EasyPost's scheme (docs/decisions/0018-carrier-adapter.md): the header
 * `X-Hmac-Signature: hmac-sha256-hex=<hex HMAC-SHA256 of the raw body>`, keyed with the webhook's
 * secret in Unicode NFKD form. It signs no timestamp: a captured request can be sent again, and what
 * stops a replay is the event-id store and the shipment's forward-only statuses (tracking-service.ts).
 */

export const CARRIER_SIGNATURE_HEADER = 'X-Hmac-Signature';

const SIGNATURE = /^hmac-sha256-hex=([0-9a-f]{64})$/i;

/** The header value for `payload` (what the carrier sends; the tests' independent signer is in the sandbox). */
export function carrierSignatureHeader(secret: string, payload: Buffer | string): string {
  return `hmac-sha256-hex=${createHmac('sha256', secret.normalize('NFKD')).update(payload).digest('hex')}`;
}

/**
 * Accepts the payload when the header is the HMAC of these very bytes under `secret`, compared in
 * constant time.
 * @throws InvalidSignatureError (400 `INVALID_SIGNATURE`) otherwise.
 */
export function verifyCarrierSignature({
  header,
  payload,
  secret,
}: {
  header: string | undefined;
  payload: Buffer;
  secret: string;
}): void {
  if (header === undefined || header.trim() === '') {
    throw new InvalidSignatureError(`The ${CARRIER_SIGNATURE_HEADER} header is missing.`);
  }
  const match = SIGNATURE.exec(header.trim());
  if (!match?.[1]) {
    throw new InvalidSignatureError(
      `The ${CARRIER_SIGNATURE_HEADER} header is malformed: expected hmac-sha256-hex=<hex HMAC-SHA256>.`,
    );
  }
  const given = Buffer.from(match[1], 'hex');
  const expected = Buffer.from(carrierSignatureHeader(secret, payload).slice('hmac-sha256-hex='.length), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidSignatureError('The signature does not match the payload.');
  }
}

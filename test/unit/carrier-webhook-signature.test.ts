import { createHmac } from 'node:crypto';
import {
  carrierSignatureHeader,
  verifyCarrierSignature,
} from '../../shared/domain/fulfilment/carrier-webhook-signature';
import { InvalidSignatureError } from '../../shared/domain/invalid-signature';

const body = Buffer.from('{"id":"evt_1","description":"tracker.updated","result":{"status":"delivered"}}');
/** "ﬁ" (U+FB01) is "fi" in NFKD: the key is normalised before it is used, as EasyPost's libraries do. */
const secret = 'ﬁve-secret-words-of-the-carrier-webhook';
const independent = (key: string, payload: Buffer) =>
  `hmac-sha256-hex=${createHmac('sha256', Buffer.from(key, 'utf8')).update(payload).digest('hex')}`;

function refusal(action: () => void): InvalidSignatureError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSignatureError);
    return error as InvalidSignatureError;
  }
  throw new Error('the signature was accepted');
}

describe('carrier webhook signatures (X-Hmac-Signature: hmac-sha256-hex=…)', () => {
  it('accepts the HMAC-SHA256 of the raw body under the NFKD form of the secret, in either hex case', () => {
    const header = independent('five-secret-words-of-the-carrier-webhook', body);
    expect(carrierSignatureHeader(secret, body)).toBe(header);
    expect(() => verifyCarrierSignature({ header, payload: body, secret })).not.toThrow();
    const upper = `hmac-sha256-hex=${header.slice('hmac-sha256-hex='.length).toUpperCase()}`;
    expect(() => verifyCarrierSignature({ header: upper, payload: body, secret })).not.toThrow();
  });

  it.each([
    ['missing', undefined, /missing/],
    ['empty', ' ', /missing/],
    ['without its scheme', 'a'.repeat(64), /malformed/],
    ['too short', 'hmac-sha256-hex=abcd', /malformed/],
    ['of another scheme', `hmac-sha1-hex=${'0'.repeat(40)}`, /malformed/],
    ['under another secret', independent('another-secret', body), /does not match/],
  ])('refuses a header %s (400 INVALID_SIGNATURE)', (_name, header, words) => {
    const error = refusal(() => verifyCarrierSignature({ header, payload: body, secret }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'INVALID_SIGNATURE' });
    expect(error.detail).toMatch(words);
  });

  it('refuses a body changed by one byte after signing', () => {
    const header = carrierSignatureHeader(secret, body);
    const changed = Buffer.from(body.toString('utf8').replace('delivered', 'Delivered'));
    refusal(() => verifyCarrierSignature({ header, payload: changed, secret }));
  });
});

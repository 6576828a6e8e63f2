import { createHmac } from 'node:crypto';
import { InvalidSignatureError } from '../../shared/domain/invalid-signature';
import {
  paymentSignatureHeader,
  verifyWebhookSignature,
  webhookSignature,
} from '../../shared/domain/payments/webhook-signature';

const secret = 'whsec_unit_test_secret';
const now = new Date('2026-03-01T12:00:00.000Z');
const t = Math.floor(now.getTime() / 1000);
const body = Buffer.from('{"id":"evt_1","type":"payment_intent.succeeded","data":{"amount":1250}}');

const verify = (header: string | undefined, payload = body, at = now) =>
  verifyWebhookSignature({ header, payload, secret, now: at });

function refusal(action: () => void): InvalidSignatureError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSignatureError);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_SIGNATURE' });
    return error as InvalidSignatureError;
  }
  throw new Error('the signature was accepted');
}

describe('payment webhook signatures', () => {
  it('signs "<t>.<raw body>" with HMAC-SHA256 in hex, as the contract spells it', () => {
    const expected = createHmac('sha256', secret)
      .update(`${t}.${body.toString('utf8')}`)
      .digest('hex');
    expect(webhookSignature(secret, t, body)).toBe(expected);
    expect(paymentSignatureHeader(secret, t, body)).toBe(`t=${t},v1=${expected}`);
  });

  it('accepts a correct signature of the exact bytes, with spaces around the parts', () => {
    expect(() => verify(paymentSignatureHeader(secret, t, body))).not.toThrow();
    expect(() => verify(` t=${t} , v1=${webhookSignature(secret, t, body)} `)).not.toThrow();
  });

  it('refuses a body that differs from the signed bytes, even when it means the same JSON', () => {
    const header = paymentSignatureHeader(secret, t, body);
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')), null, 1));
    refusal(() => verify(header, reformatted));
    refusal(() => verify(header, Buffer.concat([body, Buffer.from(' ')])));
  });

  it('refuses a signature made with another secret', () => {
    refusal(() => verify(paymentSignatureHeader('whsec_someone_else', t, body)));
  });

  it('accepts a header with several v1 signatures when one matches (secret rotation)', () => {
    const old = webhookSignature('whsec_old_secret', t, body);
    const current = webhookSignature(secret, t, body);
    expect(() => verify(`t=${t},v1=${old},v1=${current}`)).not.toThrow();
    expect(() => verify(`t=${t},v1=${current},v0=ignored,v1=${old}`)).not.toThrow();
    refusal(() => verify(`t=${t},v1=${old},v1=${webhookSignature('whsec_other', t, body)}`));
  });

  it('refuses a signature that is valid for another timestamp', () => {
    refusal(() => verify(`t=${t - 1},v1=${webhookSignature(secret, t, body)}`));
  });

  it('accepts timestamps up to 5 minutes away and refuses older or later ones', () => {
    for (const offset of [-300, -299, 0, 299, 300]) {
      expect(() => verify(paymentSignatureHeader(secret, t + offset, body))).not.toThrow();
    }
    const stale = refusal(() => verify(paymentSignatureHeader(secret, t - 301, body)));
    expect(stale.detail).toMatch(/timestamp/);
    refusal(() => verify(paymentSignatureHeader(secret, t + 301, body)));
    refusal(() => verify(paymentSignatureHeader(secret, t - 86_400, body)));
  });

  it('refuses a missing or malformed header', () => {
    const v1 = webhookSignature(secret, t, body);
    for (const header of [
      undefined,
      '',
      '   ',
      v1,
      `v1=${v1}`,
      `t=${t}`,
      `t=${t},v1=`,
      `t=${t},v1=${v1.slice(0, 63)}`,
      `t=${t},v1=${v1}zz`,
      `t=${t},v1=${'g'.repeat(64)}`,
      `t=abc,v1=${v1}`,
      `t=${t}.5,v1=${v1}`,
      `t=-${t},v1=${v1}`,
      `t=${t},t=${t},v1=${v1}`,
      `t=${t},,v1=${v1}`,
      `t=${t},=x,v1=${v1}`,
      `t=${t};v1=${v1}`,
    ]) {
      expect({ header, refused: refusal(() => verify(header)) instanceof InvalidSignatureError }).toEqual({
        header,
        refused: true,
      });
    }
  });

  it('accepts upper-case hex, as HMAC hex digests compare case-insensitively', () => {
    expect(() => verify(`t=${t},v1=${webhookSignature(secret, t, body).toUpperCase()}`)).not.toThrow();
  });
});

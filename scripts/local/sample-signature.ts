import { paymentSignatureHeader } from '../../shared/domain/payments/webhook-signature';

/** In a sample event's headers, stands for a fresh `Payment-Signature` of the sample's body. */
export const PAYMENT_SIGNATURE_PLACEHOLDER = '{{PAYMENT_SIGNATURE}}';

/**
 * Signs a webhook sample (events/payment-webhook.json) now: a signature stored in the file would be
 * older than the 5 minutes the endpoint accepts. Other samples come back unchanged.
 */
export function signSampleEvent(eventJson: string, secret: string, now = new Date()): string {
  if (!eventJson.includes(PAYMENT_SIGNATURE_PLACEHOLDER)) return eventJson;
  const event = JSON.parse(eventJson) as { headers?: Record<string, string>; body?: string };
  const signature = paymentSignatureHeader(secret, Math.floor(now.getTime() / 1000), event.body ?? '');
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value === PAYMENT_SIGNATURE_PLACEHOLDER && event.headers) event.headers[name] = signature;
  }
  return JSON.stringify(event);
}

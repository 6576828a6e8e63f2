/**
 * A sandbox carrier running in another process (scripts/local/sandbox-carrier.ts), seen from a
 * test worker: its counters, fault and tracker hooks over HTTP, at `CARRIER_API_URL` with
 * `CARRIER_API_KEY`.
 */
import type {
  SandboxFaults,
  SandboxShipmentStats,
  SandboxWebhookDelivery,
  SignedTrackerEvent,
  TrackerStatus,
} from '../../scripts/local/sandbox-carrier';
import { createEasyPostCarrier } from '../../shared/adapters/carrier/easypost-carrier';
import { LOCAL_CARRIER_FROM_ADDRESS_ID } from '../../shared/config';
import type { Carrier } from '../../shared/domain/fulfilment/carrier';

const sandbox = () => {
  const url = process.env.CARRIER_API_URL;
  const key = process.env.CARRIER_API_KEY;
  if (!url || !key) throw new Error('CARRIER_API_URL and CARRIER_API_KEY must name a running sandbox carrier');
  return { url, headers: { Authorization: `Basic ${Buffer.from(`${key}:`, 'utf8').toString('base64')}` } };
};

async function hook(path: string, init: RequestInit = {}): Promise<Response> {
  const { url, headers } = sandbox();
  const response = await fetch(`${url}/_sandbox/references/${path}`, {
    ...init,
    headers: { ...headers, ...init.headers },
  });
  if (!response.ok)
    throw new Error(`sandbox carrier hook ${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** What the sandbox carrier recorded for a reference (an order id): shipments, labels, refunds, requests. */
export async function carrierStats(reference: string): Promise<SandboxShipmentStats> {
  return (await hook(encodeURIComponent(reference))).json() as Promise<SandboxShipmentStats>;
}

/**
 * The next `serverErrors` requests about the reference answer 503 unprocessed; the next `times`
 * (default 1) processed answers come `delayMs` late.
 */
export async function injectCarrierFaults(reference: string, faults: SandboxFaults): Promise<void> {
  await hook(`${encodeURIComponent(reference)}/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(faults),
  });
}

/** The carrier scans every bought parcel of the reference: a refund is `rejected` from then on. */
export async function dispatchParcel(reference: string): Promise<void> {
  await hook(`${encodeURIComponent(reference)}/dispatch`, { method: 'POST' });
}

/**
 * Moves the tracker of the reference's latest label to `status` (any, backwards too): answers its
 * `tracker.updated` event, the exact body the sandbox posts (or would post) and its
 * `X-Hmac-Signature` value. The sandbox also posts it to its webhook, if it has one, without waiting.
 */
export async function advanceParcel(reference: string, status: TrackerStatus): Promise<SignedTrackerEvent> {
  const response = await hook(`${encodeURIComponent(reference)}/advance`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  return (await response.json()) as SignedTrackerEvent;
}

/** The webhook deliveries of the reference's tracker events so far (attempts, outcome), oldest event first. */
export async function webhookDeliveries(reference: string): Promise<SandboxWebhookDelivery[]> {
  const response = await hook(`${encodeURIComponent(reference)}/webhooks`);
  return ((await response.json()) as { deliveries: SandboxWebhookDelivery[] }).deliveries;
}

/**
 * The production adapter against the sandbox carrier of globalSetup; two attempts per call by
 * default, no waiting between them; another key or transport when a test needs one.
 */
export function sandboxCarrier(
  overrides: { timeoutMs?: number; maxAttempts?: number; apiKey?: string; fetch?: typeof fetch } = {},
): Carrier {
  return createEasyPostCarrier({
    baseUrl: sandbox().url,
    apiKey: async () => overrides.apiKey ?? process.env.CARRIER_API_KEY ?? '',
    fromAddressId: LOCAL_CARRIER_FROM_ADDRESS_ID,
    timeoutMs: overrides.timeoutMs ?? 5000,
    retry: { maxAttempts: overrides.maxAttempts ?? 2, baseDelayMs: 1, maxDelayMs: 5 },
    ...(overrides.fetch && { fetch: overrides.fetch }),
  });
}

/** The `shipment` of an order the sandbox carrier's label shipped (any of its tracking numbers). */
export const sandboxShipment = () => ({
  carrier: 'USPS',
  trackingNumber: expect.stringMatching(/^EZ\d{10}$/),
  trackingUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/track\/trk_/),
  status: 'LABEL_CREATED',
  deliveredAt: null,
});

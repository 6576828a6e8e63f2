/**
 * The sandbox carrier's webhook deliveries: tracker events signed as EasyPost signs them
 * (`X-Hmac-Signature: hmac-sha256-hex=<hex HMAC-SHA256 of the body>`, the secret NFKD-normalised)
 * and POSTed to a URL on loopback, each attempt with a timeout; a non-2xx answer or a network error is
 * retried with doubling delays. The events of one tracker are delivered in order (the next one
 * waits until the previous one is delivered or given up); trackers do not wait for each other.
 * Every delivery is recorded per reference, for the tests. `stop` aborts posts in flight, cancels
 * the waits between attempts and drops what is still queued.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { SandboxTrackerEvent, TrackerStatus } from './sandbox-shipments';

export const SIGNATURE_HEADER = 'X-Hmac-Signature';
export const USER_AGENT = 'cartwheel-sandbox-carrier';

/** An event as it is (or would be) posted: the exact body and its signature header's value. */
export interface SignedTrackerEvent {
  event: SandboxTrackerEvent;
  body: string;
  signature: string;
}

/** One event's delivery to the webhook. */
export interface SandboxWebhookDelivery {
  eventId: string;
  /** The tracker status the event carries. */
  status: TrackerStatus;
  /** Attempts made so far (0 while queued behind the tracker's earlier events). */
  attempts: number;
  /** Whether an attempt was answered 2xx. */
  delivered: boolean;
  /** The last attempt's HTTP status; null before the first answer and after a network error or timeout. */
  lastStatus: number | null;
}

export interface WebhookSenderOptions {
  /** Where events are POSTed (http:// on loopback); null to post nothing. */
  url: string | null;
  secret: string;
  /** The wait before the second attempt; it doubles for each further one. */
  retryBaseMs: number;
  /** Per attempt; defaults to 10 s. */
  timeoutMs?: number;
  /** Attempts in all; defaults to 5. */
  maxAttempts?: number;
  /** One line per attempt. */
  log?: (line: string) => void;
}

export interface WebhookSender {
  sign(event: SandboxTrackerEvent): SignedTrackerEvent;
  /** Queues the event behind the earlier ones of its tracker (nothing when there is no URL or after `stop`). */
  post(reference: string, trackerId: string, signed: SignedTrackerEvent): void;
  deliveries(reference: string): SandboxWebhookDelivery[];
  stop(): void;
}

/** `hmac-sha256-hex=<lowercase hex>` of the exact body bytes, keyed with the NFKD-normalised secret. */
export function webhookSignature(body: string | Buffer, secret: string): string {
  const key = Buffer.from(secret.normalize('NFKD'), 'utf8');
  return `hmac-sha256-hex=${createHmac('sha256', key).update(body).digest('hex')}`;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** Throws unless the URL is http:// on a loopback host: the sandbox sends nothing anywhere else. */
export function loopbackWebhookUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`the sandbox carrier's webhook URL is not a URL: ${url}`);
  }
  const loopback = LOOPBACK_HOSTS.has(parsed.hostname) || /^127(?:\.\d{1,3}){3}$/.test(parsed.hostname);
  if (parsed.protocol !== 'http:' || !loopback)
    throw new Error(`the sandbox carrier posts webhooks to http:// on loopback only, not to ${parsed.origin}`);
  return parsed;
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const target = options.url === null ? null : loopbackWebhookUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const records = new Map<string, SandboxWebhookDelivery[]>();
  /** Per tracker, the end of its queue. */
  const queues = new Map<string, Promise<void>>();
  /** What `stop` cuts short: posts in flight and waits between attempts. */
  const pending = new Set<() => void>();
  let stopped = false;

  const log = (line: string) => {
    try {
      options.log?.(line);
    } catch {
      // A failing log sink must not stop the deliveries (there is no request to answer 500 to).
    }
  };

  function sign(event: SandboxTrackerEvent): SignedTrackerEvent {
    const body = JSON.stringify(event);
    return { event, body, signature: webhookSignature(body, options.secret) };
  }

  /** Resolves after `ms`, or at once when the sender stops. */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        pending.delete(release);
        resolve();
      };
      const timer = setTimeout(release, ms);
      pending.add(release);
    });
  }

  /** One POST; resolves with the HTTP status once the answer is read, rejects on a network error, timeout or stop. */
  function attempt(url: URL, signed: SignedTrackerEvent): Promise<number> {
    const controller = new AbortController();
    const cancel = () => controller.abort(new Error('the sandbox carrier stopped'));
    pending.add(cancel);
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    return new Promise<number>((resolve, reject) => {
      // agent: false, so that no kept-alive socket outlives the attempt.
      const request = http.request(
        url,
        {
          method: 'POST',
          agent: false,
          signal: controller.signal,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(signed.body),
            'User-Agent': USER_AGENT,
            [SIGNATURE_HEADER]: signed.signature,
          },
        },
        (response) => {
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('close', () => {
            if (!response.complete) reject(new Error('the answer was cut off'));
          });
          response.on('error', reject);
          response.resume();
        },
      );
      request.on('error', reject);
      request.end(signed.body);
    }).finally(() => {
      clearTimeout(timer);
      pending.delete(cancel);
    });
  }

  async function deliver(url: URL, reference: string, signed: SignedTrackerEvent, record: SandboxWebhookDelivery) {
    const { id, result } = signed.event;
    for (let number = 1; number <= maxAttempts; number++) {
      if (number > 1) await pause(options.retryBaseMs * 2 ** (number - 2));
      if (stopped) return;
      record.attempts = number;
      let outcome: string;
      try {
        const status = await attempt(url, signed);
        record.lastStatus = status;
        record.delivered = status >= 200 && status < 300;
        outcome = String(status);
      } catch (error) {
        if (stopped) return;
        record.lastStatus = null;
        outcome = `failed (${(error as Error).message})`;
      }
      log(
        `webhook POST ${url.href} → ${outcome} (attempt ${number}/${maxAttempts}), event ${id}, ` +
          `tracker ${result.id} ${result.status}, reference ${reference}`,
      );
      if (record.delivered) return;
    }
  }

  function post(reference: string, trackerId: string, signed: SignedTrackerEvent): void {
    if (!target || stopped) return;
    const record: SandboxWebhookDelivery = {
      eventId: signed.event.id,
      status: signed.event.result.status,
      attempts: 0,
      delivered: false,
      lastStatus: null,
    };
    records.set(reference, [...(records.get(reference) ?? []), record]);
    const queued = (queues.get(trackerId) ?? Promise.resolve())
      .then(() => deliver(target, reference, signed, record))
      .catch((error: unknown) => log(`webhook delivery of event ${signed.event.id} crashed: ${String(error)}`))
      .finally(() => {
        if (queues.get(trackerId) === queued) queues.delete(trackerId);
      });
    queues.set(trackerId, queued);
  }

  return {
    sign,
    post,
    deliveries: (reference) => structuredClone(records.get(reference) ?? []),
    stop() {
      stopped = true;
      for (const release of [...pending]) release();
    },
  };
}

import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { SendOutcome, WebhookSender } from '../../domain/webhooks/webhook-delivery';
import { type HostResolver, webhookUrlProblem } from '../../domain/webhooks/webhook-url-policy';

/**
 * Sends webhook POSTs with node's own HTTP client, after the URL policy's checks at every delivery
 * (contract §5.7): the host is resolved, every address must be allowed, and the connection goes to
 * an address that was checked (the socket's lookup answers with it), so a name that resolves to
 * something else a moment later (DNS rebinding) cannot slip past. Redirects are never followed: a
 * 3xx is an answer like any non-2xx, so a receiver cannot bounce us to a private address.
 */
export function createHttpWebhookSender({
  local,
  resolve,
  lookupFor = pinnedLookup,
}: {
  local: boolean;
  resolve: HostResolver;
  /** The socket's lookup over the checked addresses (a test watches it). */
  lookupFor?: (addresses: string[]) => LookupFunction;
}): WebhookSender {
  return {
    async post(url, body, headers, timeoutMs) {
      const started = performance.now();
      const elapsed = () => performance.now() - started;
      // One deadline for all of it, the name's resolution included (a slow DNS server counts too).
      const signal = AbortSignal.timeout(timeoutMs);
      let checked: string[] = [];
      let problem: string | undefined;
      try {
        problem = await webhookUrlProblem(url, {
          local,
          resolve: async (host) => {
            checked = await beforeAbort(resolve(host), signal);
            return checked;
          },
        });
      } catch (error) {
        return { error: describe(error, timeoutMs), durationMs: elapsed() };
      }
      if (signal.aborted) return { error: describe(signal.reason, timeoutMs), durationMs: elapsed() };
      if (problem) return { error: `refused: the URL ${problem}`, durationMs: elapsed() };
      const target = new URL(url);
      return new Promise<SendOutcome>((done) => {
        const client = target.protocol === 'https:' ? https : http;
        const request = client.request(
          target,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            signal,
            // Only the addresses checked above (for loopback in local mode nothing was resolved: the default lookup).
            ...(checked.length > 0 && { lookup: lookupFor(checked) }),
          },
          (response) => {
            // The status is the answer; the body is not read (a receiver cannot make us hold it).
            done({ status: response.statusCode ?? 0, durationMs: elapsed() });
            response.destroy();
          },
        );
        request.on('error', (error) => done({ error: describe(error, timeoutMs), durationMs: elapsed() }));
        request.end(body);
      });
    },
  };
}

/** `promise`, or the signal's abort if that comes first. */
function beforeAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** A socket lookup that answers with the given, already checked addresses only. */
export function pinnedLookup(addresses: string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_hostname, options, callback) => {
    const first = entries[0] as { address: string; family: number };
    if ((options as { all?: boolean }).all) (callback as (e: null, a: typeof entries) => void)(null, entries);
    else callback(null, first.address, first.family);
  };
}

function describe(error: unknown, timeoutMs: number): string {
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ABORT_ERR')
    return `no answer within ${timeoutMs} ms`;
  return code ? `${code}: ${message ?? 'request failed'}` : (message ?? 'request failed');
}

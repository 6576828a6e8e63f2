/** What the adapters of JSON HTTP APIs (the payment gateway, the carrier) share about reading answers. */

export type JsonObject = Record<string, unknown>;

/** The text as a JSON object, or undefined when it is not one (not JSON, an array, a scalar). */
export function parseJsonObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/** The object under `key`, or undefined when there is none. */
export function objectAt(body: JsonObject, key: string): JsonObject | undefined {
  const value = body[key];
  return typeof value === 'object' && value !== null ? (value as JsonObject) : undefined;
}

/**
 * Why a `fetch` failed without an answer: its timeout (`AbortSignal.timeout`), or the network's
 * reason (undici reports "fetch failed" and puts ECONNREFUSED, ECONNRESET, ... in the cause).
 */
export function transportFailure(error: unknown): { timedOut: boolean; reason: string } {
  const name = (error as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return { timedOut: true, reason: 'timeout' };
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return {
    timedOut: false,
    reason: cause?.code ?? cause?.message ?? (error as Error | undefined)?.message ?? String(error),
  };
}

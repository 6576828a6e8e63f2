import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What ties together the logs of every function an order goes through (docs/decisions/0021-tracing.md):
 * the correlation id — the request id (`X-Request-Id`) of the API call that placed the order —
 * and the order's id, carried by the order, its work records, queue messages and events; and the
 * X-Ray trace header of the invocation that started the work, which the table's stream cannot
 * carry, so work records keep it and the hand-off to SQS sets it as the message's `AWSTraceHeader`.
 *
 * The current trace is per unit of work (a request, one record of a batch: records are handled in
 * parallel), kept in AsyncLocalStorage. Every log line carries it (shared/observability.ts), and
 * whatever writes a work record, an event or a message takes it from here.
 */
export interface TraceContext {
  correlationId: string;
  orderId?: string;
  /** `Root=…;Parent=…;Sampled=…`: Lambda's `_X_AMZN_TRACE_ID` where the work started (none locally). */
  traceHeader?: string;
}

const storage = new AsyncLocalStorage<TraceContext>();

export const currentTrace = (): TraceContext | undefined => storage.getStore();

/** Runs `work` with `context` as the current trace (without one: as it is, in no trace). */
export const withTrace = <T>(context: TraceContext | undefined, work: () => T): T =>
  context === undefined ? work() : storage.run(context, work);

type TraceFields = { correlationId?: unknown; orderId?: unknown; traceHeader?: unknown };

/**
 * The trace that stored fields name (a record's attributes, a message's): none without a
 * correlation id; an order id or a trace header only where there is one.
 */
export function traceOf(fields: TraceFields & { correlationId: string }): TraceContext;
export function traceOf(fields: TraceFields): TraceContext | undefined;
export function traceOf({ correlationId, orderId, traceHeader }: TraceFields): TraceContext | undefined {
  if (typeof correlationId !== 'string') return undefined;
  return {
    correlationId,
    ...(typeof orderId === 'string' && { orderId }),
    ...(typeof traceHeader === 'string' && { traceHeader }),
  };
}

/**
 * Runs `work` as part of an order's trace: with the order's own correlation id (the request that
 * placed it, whatever changes it now: a worker, the admin, a schedule), or the current one for an
 * order from before correlation ids.
 */
export function withOrderTrace<T>(order: { orderId: string; correlationId?: string }, work: () => T): T {
  const current = storage.getStore();
  const correlationId = order.correlationId ?? current?.correlationId;
  if (correlationId === undefined) return work();
  return storage.run({ ...current, correlationId, orderId: order.orderId }, work);
}

/** Names the order the current work is about, for every log line from here on. */
export function traceOrder(orderId: string): void {
  const current = storage.getStore();
  if (current) current.orderId = orderId;
}

/** The invocation's X-Ray trace header, which Lambda sets for each invocation when tracing is on. */
export const invocationTraceHeader = (): string | undefined => process.env._X_AMZN_TRACE_ID || undefined;

/**
 * The current trace as a record stores it (a work record, an event) for the table's stream to
 * carry on: spread first, so a record's own `orderId` wins.
 */
export function traceAttributes(): Partial<TraceContext> {
  const current = storage.getStore();
  if (!current) return {};
  return {
    correlationId: current.correlationId,
    ...(current.orderId !== undefined && { orderId: current.orderId }),
    ...(current.traceHeader !== undefined && { traceHeader: current.traceHeader }),
  };
}

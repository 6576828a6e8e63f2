import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { currentTrace, type TraceContext } from '../../trace-context';

/**
 * Sends `body` as JSON to the queue, with `attributes` as string message attributes (what the DLQ
 * tool and tracing can read without parsing the body), and the trace it belongs to (the current
 * one unless given): its correlation and order ids as attributes, its X-Ray header as the
 * message's `AWSTraceHeader`, which links the receiving function's trace to it.
 */
export async function sendJsonMessage(
  sqs: SQSClient,
  queueUrl: string,
  body: unknown,
  attributes: Record<string, string> = {},
  trace: Partial<TraceContext> | undefined = currentTrace(),
): Promise<void> {
  const all = {
    ...(trace?.orderId !== undefined && { orderId: trace.orderId }),
    ...(trace?.correlationId !== undefined && { correlationId: trace.correlationId }),
    // What the caller names explicitly wins.
    ...attributes,
  };
  const entries = Object.entries(all);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(body),
      MessageAttributes:
        entries.length > 0
          ? Object.fromEntries(entries.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]))
          : undefined,
      MessageSystemAttributes:
        trace?.traceHeader !== undefined
          ? { AWSTraceHeader: { DataType: 'String', StringValue: trace.traceHeader } }
          : undefined,
    }),
  );
}

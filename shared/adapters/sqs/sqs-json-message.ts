import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Sends `body` as JSON to the queue, with `attributes` as string message attributes (what the DLQ
 * tool and tracing can read without parsing the body).
 */
export async function sendJsonMessage(
  sqs: SQSClient,
  queueUrl: string,
  body: unknown,
  attributes: Record<string, string> = {},
): Promise<void> {
  const entries = Object.entries(attributes);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(body),
      MessageAttributes:
        entries.length > 0
          ? Object.fromEntries(entries.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]))
          : undefined,
    }),
  );
}

import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Receives every message of a queue, each once, with its attributes, and deletes none (they stay
 * invisible for a minute, so each receive returns new ones until the queue has no more).
 */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return [...seen.values()];
    for (const message of Messages) seen.set(message.MessageId ?? '', message);
  }
}

/** Waits until `probe` says done; the deadline only keeps a broken engine from hanging the test. */
export async function eventually(
  probe: () => Promise<boolean>,
  what: string,
  { timeoutMs = 60_000, intervalMs = 100 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

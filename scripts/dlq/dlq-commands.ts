import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** The worker queues of serverless.yml; each has a dead-letter queue. */
export const WORKER_QUEUES = ['payment', 'fulfilment', 'notification', 'erasure'] as const;
export type WorkerQueue = (typeof WORKER_QUEUES)[number];

export function isWorkerQueue(name: string): name is WorkerQueue {
  return (WORKER_QUEUES as readonly string[]).includes(name);
}

/** `service:` in serverless.yml; queue names are `${self:service}-${sls:stage}-<queue>[-dlq]`. */
const SERVICE = 'cartwheel';

/** How long a peeked message stays invisible if the peek cannot hand it back (the process died). */
export const PEEK_VISIBILITY_SECONDS = 10;
/** How long a message being redriven stays invisible: long enough to send its copy and delete it. */
const REDRIVE_VISIBILITY_SECONDS = 60;
/**
 * Long polling asks every SQS server, so an empty answer means the queue is empty; short polling
 * samples a subset and can come back empty while messages wait.
 */
const WAIT_SECONDS = 1;
/** SQS's limit per receive and per batch call. */
const BATCH_LIMIT = 10;

export interface QueuePair {
  queue: WorkerQueue;
  sourceName: string;
  sourceUrl: string;
  deadLetterName: string;
  deadLetterUrl: string;
}

/** A queue the stage should have is not there (wrong stage, region or account, or not deployed). */
export class QueueNotFoundError extends Error {
  constructor(readonly queueName: string) {
    super(`queue ${queueName} does not exist (wrong --stage, --region or account, or the stack is not deployed?)`);
    this.name = 'QueueNotFoundError';
  }
}

/** The names serverless.yml gives a worker queue and its dead-letter queue in a stage. */
export function queueNames(stage: string, queue: WorkerQueue): { source: string; deadLetter: string } {
  const source = `${SERVICE}-${stage}-${queue}`;
  return { source, deadLetter: `${source}-dlq` };
}

/** Looks up the URLs of a worker queue and its dead-letter queue by name (GetQueueUrl). */
export async function resolveQueuePair(sqs: SQSClient, stage: string, queue: WorkerQueue): Promise<QueuePair> {
  const names = queueNames(stage, queue);
  const [sourceUrl, deadLetterUrl] = await Promise.all([queueUrl(sqs, names.source), queueUrl(sqs, names.deadLetter)]);
  return { queue, sourceName: names.source, sourceUrl, deadLetterName: names.deadLetter, deadLetterUrl };
}

async function queueUrl(sqs: SQSClient, name: string): Promise<string> {
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl) throw new Error(`SQS returned no URL for queue ${name}`);
    return QueueUrl;
  } catch (error) {
    if (error instanceof QueueDoesNotExist || (error as Error).name === 'QueueDoesNotExist') {
      throw new QueueNotFoundError(name);
    }
    throw error;
  }
}

export interface QueueDepth {
  /** ApproximateNumberOfMessages: waiting to be received. */
  waiting: number;
  /** ApproximateNumberOfMessagesNotVisible: received by someone (a peek, a redrive) and not yet deleted. */
  inFlight: number;
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    waiting: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/**
 * A message body as the CLI shows it: a payment message's card token is cut out, so it never
 * lands in an operator's terminal or a pasted incident note (the redrive moves the body untouched).
 */
export function redactedBody(body: string): string {
  return body.replace(/("paymentToken"\s*:\s*")(?:[^"\\]|\\.)*"/g, '$1[redacted]"');
}

export interface DeadLetter {
  messageId: string;
  /** When the message was first sent (SQS keeps the original timestamp when it dead-letters). */
  sentAt: Date | undefined;
  /** ApproximateReceiveCount, this peek included. */
  receiveCount: number | undefined;
  body: string;
}

export interface DeadLetterListing extends QueueDepth {
  peeked: DeadLetter[];
}

/**
 * Counts the messages of a dead-letter queue and peeks at up to `max` of them. Nothing is
 * deleted: the peek receives messages (which hides them from other readers for a moment) and
 * then makes them visible again; if that hand-back fails they reappear after
 * PEEK_VISIBILITY_SECONDS anyway.
 */
export async function listDeadLetters(
  sqs: SQSClient,
  deadLetterUrl: string,
  options: { max: number },
): Promise<DeadLetterListing> {
  const depth = await queueDepth(sqs, deadLetterUrl);
  const peeked = new Map<string, Message>();
  try {
    while (peeked.size < options.max) {
      const messages = await receive(sqs, deadLetterUrl, {
        max: Math.min(BATCH_LIMIT, options.max - peeked.size),
        visibilitySeconds: PEEK_VISIBILITY_SECONDS,
      });
      // A message seen before means the visible ones are used up (or SQS redelivered early).
      const fresh = messages.filter((message) => !peeked.has(message.MessageId ?? ''));
      for (const message of fresh) peeked.set(message.MessageId ?? '', message);
      if (fresh.length === 0) break;
    }
  } finally {
    await makeVisible(sqs, deadLetterUrl, [...peeked.values()]).catch(() => undefined);
  }
  return { ...depth, peeked: [...peeked.values()].map(toDeadLetter) };
}

function toDeadLetter(message: Message): DeadLetter {
  const sent = Number(message.Attributes?.SentTimestamp);
  const receives = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    messageId: message.MessageId ?? '',
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent) : undefined,
    receiveCount: Number.isFinite(receives) && receives > 0 ? receives : undefined,
    body: message.Body ?? '',
  };
}

export interface RedriveFailure {
  messageId: string;
  reason: string;
}

export interface RedriveResult {
  /** Copied to the source queue and deleted from the dead-letter queue. */
  moved: number;
  /** Copied, but the delete failed: the message comes back to the dead-letter queue and a later redrive copies it again. */
  copiedNotDeleted: RedriveFailure[];
  /** Could not be copied: left in the dead-letter queue, untouched. */
  notCopied: RedriveFailure[];
  /**
   * Copies made by this run that failed again and came back to the dead-letter queue while it
   * ran. The run stops there instead of moving them round in circles; they stay in the DLQ.
   */
  cameBack: number;
  /** The dead-letter queue after the run. */
  remaining: QueueDepth;
}

type RedriveProgress = Omit<RedriveResult, 'remaining'>;

/** A redrive stopped by an SQS error (no access, throttling, network); `progress` says what it had done. */
export class RedriveInterruptedError extends Error {
  constructor(
    readonly progress: RedriveProgress,
    cause: unknown,
  ) {
    super(`redrive interrupted: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RedriveInterruptedError';
  }
}

/**
 * Moves messages from a dead-letter queue back to its source queue: each is sent as a copy
 * (body and message attributes) and only then deleted from the DLQ. A crash between the two
 * leaves the message in both queues (at-least-once, like SQS itself), which the idempotent
 * workers absorb. Stops when the DLQ is empty, after `max` messages, at the first message that
 * cannot be copied, or when a copy made by this run dead-letters again.
 * @throws RedriveInterruptedError when an SQS call fails outright, with the progress so far.
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  pair: Pick<QueuePair, 'sourceUrl' | 'deadLetterUrl'>,
  options: { max?: number } = {},
): Promise<RedriveResult> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const progress: RedriveProgress = { moved: 0, copiedNotDeleted: [], notCopied: [], cameBack: 0 };
  // New message ids of the copies: dead-lettering keeps a message's id, so a copy that fails
  // again shows up here under the id SQS gave it when we sent it.
  const copies = new Set<string>();
  try {
    for (;;) {
      const room = max - progress.moved - progress.copiedNotDeleted.length;
      if (room <= 0) break;
      const messages = await receive(sqs, pair.deadLetterUrl, {
        max: Math.min(BATCH_LIMIT, room),
        visibilitySeconds: REDRIVE_VISIBILITY_SECONDS,
        withMessageAttributes: true,
      });
      if (messages.length === 0) break;
      const more = await moveBatch(sqs, pair, messages, copies, progress);
      if (!more) break;
    }
  } catch (error) {
    throw new RedriveInterruptedError(progress, error);
  }
  return { ...progress, remaining: await queueDepth(sqs, pair.deadLetterUrl) };
}

/** Copies and deletes one received batch, recording the outcome; false when the run should stop. */
async function moveBatch(
  sqs: SQSClient,
  pair: Pick<QueuePair, 'sourceUrl' | 'deadLetterUrl'>,
  messages: Message[],
  copies: Set<string>,
  progress: RedriveProgress,
): Promise<boolean> {
  const returning = messages.filter((message) => copies.has(message.MessageId ?? ''));
  const batch = messages.filter((message) => !copies.has(message.MessageId ?? ''));
  // Whatever is received and not moved is handed back, so it does not sit invisible for a minute.
  const handBack = [...returning];
  let sent: Awaited<ReturnType<typeof sendCopies>>;
  try {
    sent = batch.length > 0 ? await sendCopies(sqs, pair.sourceUrl, batch) : { copied: [], failed: [] };
  } catch (error) {
    await makeVisible(sqs, pair.deadLetterUrl, messages).catch(() => undefined);
    throw error;
  }
  for (const copy of sent.copied) copies.add(copy.copyId);
  progress.notCopied.push(
    ...sent.failed.map(({ message, reason }) => ({ messageId: message.MessageId ?? '', reason })),
  );
  handBack.push(...sent.failed.map((failure) => failure.message));
  const copied = sent.copied.map((copy) => copy.message);
  let undeleted: RedriveFailure[];
  try {
    undeleted = await deleteMessages(sqs, pair.deadLetterUrl, copied);
  } catch (error) {
    // The copies are out: count them, so the report says they may be delivered twice.
    const reason = error instanceof Error ? error.message : String(error);
    progress.copiedNotDeleted.push(...copied.map((message) => ({ messageId: message.MessageId ?? '', reason })));
    await makeVisible(sqs, pair.deadLetterUrl, handBack).catch(() => undefined);
    throw error;
  }
  progress.copiedNotDeleted.push(...undeleted);
  progress.moved += copied.length - undeleted.length;
  await makeVisible(sqs, pair.deadLetterUrl, handBack).catch(() => undefined);
  progress.cameBack += returning.length;
  return returning.length === 0 && sent.failed.length === 0;
}

async function receive(
  sqs: SQSClient,
  queueUrl: string,
  options: { max: number; visibilitySeconds: number; withMessageAttributes?: boolean },
): Promise<Message[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: options.max,
      VisibilityTimeout: options.visibilitySeconds,
      WaitTimeSeconds: WAIT_SECONDS,
      // The deprecated spelling: the local SQS emulator does not know MessageSystemAttributeNames.
      AttributeNames: ['All'],
      ...(options.withMessageAttributes && { MessageAttributeNames: ['All'] }),
    }),
  );
  return Messages ?? [];
}

async function sendCopies(
  sqs: SQSClient,
  queueUrl: string,
  messages: Message[],
): Promise<{
  copied: Array<{ message: Message; copyId: string }>;
  failed: Array<{ message: Message; reason: string }>;
}> {
  const { Successful, Failed } = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((message, index) => ({
        Id: String(index),
        MessageBody: message.Body ?? '',
        // Workers read attributes too (the payment queue carries orderId): keep them.
        ...(message.MessageAttributes && { MessageAttributes: message.MessageAttributes }),
      })),
    }),
  );
  const copied = (Successful ?? []).flatMap((entry) => {
    const message = messages[Number(entry.Id)];
    return message ? [{ message, copyId: entry.MessageId ?? '' }] : [];
  });
  const failed = (Failed ?? []).flatMap((entry) => {
    const message = messages[Number(entry.Id)];
    return message ? [{ message, reason: `${entry.Code ?? 'error'}: ${entry.Message ?? 'no detail'}` }] : [];
  });
  return { copied, failed };
}

/** Deletes received messages; returns the ones SQS did not delete. */
async function deleteMessages(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<RedriveFailure[]> {
  if (messages.length === 0) return [];
  const { Failed } = await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
    }),
  );
  return (Failed ?? []).map((entry) => ({
    messageId: messages[Number(entry.Id)]?.MessageId ?? '',
    reason: `${entry.Code ?? 'error'}: ${entry.Message ?? 'no detail'}`,
  }));
}

async function makeVisible(sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += BATCH_LIMIT) {
    const chunk = messages.slice(start, start + BATCH_LIMIT);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  listDeadLetters,
  type QueuePair,
  queueDepth,
  queueNames,
  redactedBody,
  redriveDeadLetters,
  resolveQueuePair,
  WORKER_QUEUES,
  type WorkerQueue,
} from '../../scripts/dlq/dlq-commands';
import { freePort } from '../../scripts/local/free-port';
import { localPaths, repoRoot } from '../../scripts/local/paths';
import { provisionQueues } from '../../scripts/local/provision-queues';
import { drainQueue, eventually } from '../support/sqs-queue';

/**
 * `npm run dlq` against the SQS emulator: the commands in-process, and the CLI as an operator
 * runs it, in a child process. Every test makes its own stage, so its queues
 * (`cartwheel-<stage>-<queue>[-dlq]`, as serverless.yml names them) are its own.
 */
const region = process.env.AWS_REGION ?? 'eu-west-1';
const sqsEndpoint = process.env.AWS_ENDPOINT_URL_SQS as string;
const sqs = new SQSClient({ region, endpoint: sqsEndpoint });
const MAX_RECEIVE_COUNT = 2;

afterAll(() => sqs.destroy());

/** A worker queue and its dead-letter queue for a fresh stage, provisioned the way npm start does it. */
async function stageQueues(
  options: { stage?: string; queue?: WorkerQueue; maxReceiveCount?: number; sourceMaxMessageSize?: number } = {},
): Promise<QueuePair & { stage: string }> {
  const stage = options.stage ?? `dlq${randomUUID().slice(0, 8)}`;
  const queue = options.queue ?? 'payment';
  const names = queueNames(stage, queue);
  await provisionQueues({
    sqsEndpoint,
    region,
    definition: {
      service: 'cartwheel',
      provider: { stage, region },
      resources: {
        Resources: {
          Source: {
            Type: 'AWS::SQS::Queue',
            Properties: {
              QueueName: names.source,
              ...(options.sourceMaxMessageSize && { MaximumMessageSize: options.sourceMaxMessageSize }),
              RedrivePolicy: {
                deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] },
                maxReceiveCount: options.maxReceiveCount ?? MAX_RECEIVE_COUNT,
              },
            },
          },
          DeadLetters: { Type: 'AWS::SQS::Queue', Properties: { QueueName: names.deadLetter } },
        },
      },
    },
  });
  return { stage, ...(await resolveQueuePair(sqs, stage, queue)) };
}

function paymentBody(orderId: string): string {
  return JSON.stringify({ type: 'PAYMENT_REQUESTED', orderId, paymentToken: 'tok_gatewayError', amount: 1299 });
}

/** Sends payment-shaped messages (with the orderId attribute checkout sets) to a queue. */
async function sendPayments(queueUrl: string, count: number): Promise<string[]> {
  const bodies = Array.from({ length: count }, (_, index) => paymentBody(`order-${index}-${randomUUID()}`));
  for (let start = 0; start < bodies.length; start += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(start, start + 10).map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          MessageAttributes: { orderId: { DataType: 'String', StringValue: JSON.parse(body).orderId } },
        })),
      }),
    );
  }
  return bodies;
}

/**
 * Plays a worker that fails every delivery: receives from the source queue without deleting
 * (visibility 0, so SQS may deliver again at once) until SQS has dead-lettered `count` messages.
 */
async function failUntilDeadLettered(pair: Pick<QueuePair, 'sourceUrl' | 'deadLetterUrl'>, count: number) {
  await eventually(
    async () => {
      if ((await queueDepth(sqs, pair.deadLetterUrl)).waiting >= count) return true;
      await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pair.sourceUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
      return false;
    },
    `${count} messages in the dead-letter queue`,
    { timeoutMs: 15_000, intervalMs: 25 },
  );
}

const bodiesOf = (messages: Array<{ Body?: string; body?: string }>) =>
  messages.map((message) => message.Body ?? message.body ?? '').sort();

describe('dead-letter commands', () => {
  test('the stage names the commands use are the queues serverless.yml declares', async () => {
    // globalSetup provisioned serverless.yml for stage `test`: every worker queue and DLQ resolves.
    for (const queue of WORKER_QUEUES) {
      const pair = await resolveQueuePair(sqs, 'test', queue);
      expect(pair.deadLetterUrl).toContain(`cartwheel-test-${queue}-dlq`);
      expect(pair.sourceUrl).not.toBe(pair.deadLetterUrl);
    }
  });

  test('a message a worker keeps failing lands in the dead-letter queue after maxReceiveCount deliveries', async () => {
    const pair = await stageQueues();
    const bodies = await sendPayments(pair.sourceUrl, 3);

    await failUntilDeadLettered(pair, 3);

    expect(await queueDepth(sqs, pair.sourceUrl)).toEqual({ waiting: 0, inFlight: 0 });
    const dead = await drainQueue(sqs, pair.deadLetterUrl);
    expect(bodiesOf(dead)).toEqual([...bodies].sort());
    expect(dead.every((message) => message.MessageAttributes?.orderId?.StringValue)).toBe(true);
  });

  test('list counts and shows the dead letters and leaves every one of them in the queue, visible', async () => {
    const pair = await stageQueues();
    const bodies = await sendPayments(pair.sourceUrl, 3);
    await failUntilDeadLettered(pair, 3);

    const listing = await listDeadLetters(sqs, pair.deadLetterUrl, { max: 10 });

    expect(listing.waiting).toBe(3);
    expect(bodiesOf(listing.peeked)).toEqual([...bodies].sort());
    for (const letter of listing.peeked) {
      expect(letter.sentAt).toBeInstanceOf(Date);
      expect(letter.receiveCount).toBeGreaterThanOrEqual(1);
    }
    // Handed back at once: a redrive right after a list finds them all.
    expect(await queueDepth(sqs, pair.deadLetterUrl)).toEqual({ waiting: 3, inFlight: 0 });
    const again = await listDeadLetters(sqs, pair.deadLetterUrl, { max: 10 });
    expect(again.peeked.map((letter) => letter.messageId).sort()).toEqual(
      listing.peeked.map((letter) => letter.messageId).sort(),
    );
  });

  test('list peeks at no more than --max messages but counts them all', async () => {
    const pair = await stageQueues();
    await sendPayments(pair.deadLetterUrl, 12);
    // SQS's message count is approximate and lags the sends (the emulator's did once, in CI: 10 of 12).
    await eventually(
      async () => (await queueDepth(sqs, pair.deadLetterUrl)).waiting === 12,
      'the 12 dead letters counted',
    );

    const listing = await listDeadLetters(sqs, pair.deadLetterUrl, { max: 11 });

    expect(listing.waiting).toBe(12);
    expect(listing.peeked).toHaveLength(11);
    expect(new Set(listing.peeked.map((letter) => letter.messageId)).size).toBe(11);
  });

  test('redrive moves every dead letter back to its source queue exactly once, attributes included, and empties the DLQ', async () => {
    const pair = await stageQueues();
    const bodies = await sendPayments(pair.sourceUrl, 13);
    await failUntilDeadLettered(pair, 13);

    const result = await redriveDeadLetters(sqs, pair);

    expect(result).toMatchObject({ moved: 13, notCopied: [], copiedNotDeleted: [], cameBack: 0 });
    expect(result.remaining).toEqual({ waiting: 0, inFlight: 0 });
    const redriven = await drainQueue(sqs, pair.sourceUrl);
    expect(bodiesOf(redriven)).toEqual([...bodies].sort());
    for (const message of redriven) {
      expect(message.MessageAttributes?.orderId?.StringValue).toBe(JSON.parse(message.Body ?? '').orderId);
    }
    expect(await drainQueue(sqs, pair.deadLetterUrl)).toEqual([]);
  });

  test('redrive with --max moves only that many and leaves the rest in the DLQ', async () => {
    const pair = await stageQueues();
    await sendPayments(pair.deadLetterUrl, 5);

    const result = await redriveDeadLetters(sqs, pair, { max: 2 });

    expect(result.moved).toBe(2);
    expect(result.remaining).toEqual({ waiting: 3, inFlight: 0 });
    expect(await drainQueue(sqs, pair.sourceUrl)).toHaveLength(2);
  });

  test('a message the source queue refuses stays in the DLQ, and the run reports it', async () => {
    // The source queue takes at most 1 KiB: SQS itself refuses the copy of the big message.
    const pair = await stageQueues({ sourceMaxMessageSize: 1024 });
    const small = await sendPayments(pair.deadLetterUrl, 2);
    const big = paymentBody(`big-${'x'.repeat(2000)}`);
    await sqs.send(new SendMessageCommand({ QueueUrl: pair.deadLetterUrl, MessageBody: big }));

    const result = await redriveDeadLetters(sqs, pair);

    expect(result.notCopied).toHaveLength(1);
    expect(result.notCopied[0]?.reason).toMatch(/InvalidParameterValue/);
    expect(result.moved).toBe(2);
    expect(bodiesOf(await drainQueue(sqs, pair.sourceUrl))).toEqual([...small].sort());
    expect(bodiesOf(await drainQueue(sqs, pair.deadLetterUrl))).toEqual([big]);
  });

  test('a redriven message that fails again and comes back stops the run instead of going round in circles', async () => {
    const pair = await stageQueues({ maxReceiveCount: 1 });
    const bodies = await sendPayments(pair.deadLetterUrl, 3);
    // The worker is still broken: right after the first batch is moved, its copies fail and dead-letter again.
    const redriving = new SQSClient({ region, endpoint: sqsEndpoint });
    let failedAgain = false;
    redriving.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        if (context.commandName === 'DeleteMessageBatchCommand' && !failedAgain) {
          failedAgain = true;
          await failUntilDeadLettered(pair, 3);
        }
        return output;
      },
      { step: 'initialize' },
    );

    const result = await redriveDeadLetters(redriving, pair).finally(() => redriving.destroy());

    expect(failedAgain).toBe(true);
    expect(result).toMatchObject({ moved: 3, cameBack: 3 });
    expect(bodiesOf(await drainQueue(sqs, pair.deadLetterUrl))).toEqual([...bodies].sort());
    expect(await drainQueue(sqs, pair.sourceUrl)).toEqual([]);
  });
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const tsxCli = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

/** Runs `npm run dlq -- <args>` as tsx does it; the local data dir is a throw-away one, never a developer's. */
function dlq(args: string[], localDir: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, 'scripts/dlq.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, CARTWHEEL_LOCAL_DIR: localDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run dlq', () => {
  let localDir: string;
  beforeEach(() => {
    localDir = mkdtempSync(path.join(os.tmpdir(), 'cartwheel-dlq-'));
  });
  afterEach(() => rmSync(localDir, { recursive: true, force: true }));

  test('with --stage, list shows the count and the messages, and deletes nothing', async () => {
    const pair = await stageQueues();
    const bodies = await sendPayments(pair.sourceUrl, 2);
    await failUntilDeadLettered(pair, 2);

    const run = await dlq(['list', 'payment', '--stage', pair.stage], localDir);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`${pair.deadLetterName}: 2 message(s) waiting`);
    expect(run.stdout).toMatch(/briefly invisible/);
    // Shown without the card token (decision 0007); the messages themselves keep it.
    for (const body of bodies) expect(run.stdout).toContain(redactedBody(body));
    expect(run.stdout).not.toContain('tok_gatewayError');
    expect(await queueDepth(sqs, pair.deadLetterUrl)).toEqual({ waiting: 2, inFlight: 0 });
  });

  test('with --stage, redrive --dry-run changes nothing and redrive moves them all and says how many', async () => {
    const pair = await stageQueues();
    const bodies = await sendPayments(pair.sourceUrl, 2);
    await failUntilDeadLettered(pair, 2);

    const dry = await dlq(['redrive', 'payment', '--stage', pair.stage, '--dry-run'], localDir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would move 2 of them/);
    expect(await queueDepth(sqs, pair.deadLetterUrl)).toEqual({ waiting: 2, inFlight: 0 });
    expect(await queueDepth(sqs, pair.sourceUrl)).toEqual({ waiting: 0, inFlight: 0 });

    const run = await dlq(['redrive', 'payment', '--stage', pair.stage], localDir);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`moved 2 message(s) from ${pair.deadLetterName} to ${pair.sourceName}`);
    expect(bodiesOf(await drainQueue(sqs, pair.sourceUrl))).toEqual([...bodies].sort());
    expect(await queueDepth(sqs, pair.deadLetterUrl)).toEqual({ waiting: 0, inFlight: 0 });
  });

  test('without --stage it uses the running npm start stack from its stack file', async () => {
    // npm start provisions stage `local`; no other test uses that stage in this engine.
    const pair = await stageQueues({ stage: 'local', queue: 'notification' });
    await sendPayments(pair.deadLetterUrl, 1);
    const { stackFile } = localPaths({ CARTWHEEL_LOCAL_DIR: localDir });
    writeFileSync(stackFile, JSON.stringify({ sqsEndpoint, region }));

    const run = await dlq(['redrive', 'notification'], localDir);

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('moved 1 message(s) from cartwheel-local-notification-dlq');
    expect(await drainQueue(sqs, pair.sourceUrl)).toHaveLength(1);
  });

  test('without a local stack it says to run npm start or pass --stage', async () => {
    const run = await dlq(['list', 'payment'], localDir);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/npm start/);
    expect(run.stderr).toMatch(/--stage/);
  });

  test('with a stack file left by a stopped npm start it says nothing answers', async () => {
    const { stackFile } = localPaths({ CARTWHEEL_LOCAL_DIR: localDir });
    mkdirSync(path.dirname(stackFile), { recursive: true });
    writeFileSync(stackFile, JSON.stringify({ sqsEndpoint: `http://127.0.0.1:${await freePort()}`, region }));

    const run = await dlq(['list', 'payment'], localDir);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/nothing answers .* is npm start still running/);
  });

  test('a stage without the queues is an error that names the missing queue', async () => {
    const run = await dlq(['list', 'erasure', '--stage', `nostage${randomUUID().slice(0, 8)}`], localDir);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/queue cartwheel-nostage\w+-erasure(-dlq)? does not exist/);
  });

  test.each([
    [['list', 'shipping'], /unknown queue "shipping"/],
    [['purge', 'payment'], /unknown command "purge"/],
    [[], /which command/],
    [['list'], /which queue/],
    [['redrive', 'payment', '--max', 'ten'], /--max must be a whole number/],
    [['list', 'payment', '--dry-run'], /--dry-run only applies to redrive/],
    [['list', 'payment', '--verbose'], /Unknown option '--verbose'/],
  ])('%j is a usage error: exit code 2 and the usage', async (args, message) => {
    const run = await dlq(args, localDir);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: npm run dlq');
    expect(run.stdout).toBe('');
  });
});

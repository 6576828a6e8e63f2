/**
 * `npm run dlq -- list|redrive <queue> [--max <n>] [--dry-run] [--stage <stage> [--region <region>]]`:
 * looks into and redrives the dead-letter queues of the worker queues, in the running `npm start`
 * stack or, with --stage, in AWS. See USAGE and the README's dead-letter runbook.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  type DeadLetter,
  isWorkerQueue,
  listDeadLetters,
  PEEK_VISIBILITY_SECONDS,
  QueueNotFoundError,
  type QueuePair,
  queueDepth,
  RedriveInterruptedError,
  type RedriveResult,
  redactedBody,
  redriveDeadLetters,
  resolveQueuePair,
  WORKER_QUEUES,
} from './dlq/dlq-commands';
import { LOCAL_CREDENTIALS } from './local/local-aws';
import { localPaths } from './local/paths';

const USAGE = `usage: npm run dlq -- <command> <queue> [options]

commands:
  list <queue>      how many messages the dead-letter queue holds, and a peek at up to --max of them
                    (peeked messages are received without being deleted: briefly invisible, never lost)
  redrive <queue>   move the dead-letter queue's messages back to <queue>: a copy is sent, then the
                    original deleted. At-least-once: if a run is cut short between the two, a message
                    can be delivered twice, which is harmless because every worker is idempotent.

queues: ${WORKER_QUEUES.join(', ')}

options:
  --max <n>         list: peek at most n messages (default 10; 0 only counts)
                    redrive: move at most n messages (default: all)
  --dry-run         redrive: only say what would be moved
  --stage <stage>   use the stage's queues in AWS (cartwheel-<stage>-<queue>[-dlq]), with the
                    usual AWS credentials; without it, the running \`npm start\` stack
  --region <region> AWS region (default: AWS_REGION, else eu-west-1)
  --help            this text`;

const DEFAULT_PEEK = 10;
const BODY_CHARS = 200;

/** Bad command line: exit code 2 with the usage. */
function usageError(message: string): never {
  process.stderr.write(`dlq: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

/** The command was fine but could not be carried out: exit code 1. */
function fail(message: string): never {
  process.stderr.write(`dlq: ${message}\n`);
  process.exit(1);
}

const out = (line = '') => process.stdout.write(`${line}\n`);

interface Command {
  action: 'list' | 'redrive';
  queue: (typeof WORKER_QUEUES)[number];
  max: number | undefined;
  dryRun: boolean;
  stage: string | undefined;
  region: string | undefined;
}

function parseCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(USAGE);
    process.exit(0);
  }
  const [action, queue, ...extra] = positionals;
  if (action === undefined) usageError('which command?');
  if (action !== 'list' && action !== 'redrive') usageError(`unknown command "${action}"`);
  if (queue === undefined) usageError(`which queue? one of ${WORKER_QUEUES.join(', ')}`);
  if (!isWorkerQueue(queue)) usageError(`unknown queue "${queue}": one of ${WORKER_QUEUES.join(', ')}`);
  if (extra.length > 0) usageError(`unexpected argument "${extra.join(' ')}"`);
  if (values['dry-run'] && action !== 'redrive') usageError('--dry-run only applies to redrive');
  if (values.region !== undefined && values.stage === undefined) {
    usageError('--region applies to AWS: pass --stage too (the local stack has its own region)');
  }
  if (values.stage !== undefined && !/^[A-Za-z0-9-]+$/.test(values.stage)) {
    usageError(`--stage "${values.stage}" is not a stage name`);
  }
  let max: number | undefined;
  if (values.max !== undefined) {
    max = Number(values.max);
    if (!/^\d+$/.test(values.max) || !Number.isSafeInteger(max)) {
      usageError(`--max must be a whole number, not "${values.max}"`);
    }
    if (action === 'redrive' && max === 0) usageError('--max 0 would move nothing');
  }
  return { action, queue, max, dryRun: values['dry-run'] ?? false, stage: values.stage, region: values.region };
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      max: { type: 'string' },
      'dry-run': { type: 'boolean' },
      stage: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
}

interface Target {
  sqs: SQSClient;
  stage: string;
  /** Where the queues are, for the output and for error messages. */
  description: string;
  local: boolean;
}

/** The SQS of the running `npm start` (from its stack file), or of AWS for --stage. */
function target(command: Command): Target {
  if (command.stage !== undefined) {
    const region = command.region ?? (process.env.AWS_REGION || 'eu-west-1');
    // Credentials, and an AWS_ENDPOINT_URL_SQS if one is set, come from the SDK's usual chain.
    return {
      sqs: new SQSClient({ region }),
      stage: command.stage,
      description: `stage ${command.stage} in ${region}`,
      local: false,
    };
  }
  const { stackFile } = localPaths();
  const noStack = 'run `npm start` first, or pass --stage <stage> to use a deployed stage in AWS';
  if (!existsSync(stackFile)) fail(`no local stack (${stackFile} does not exist): ${noStack}`);
  let stack: { sqsEndpoint?: unknown; region?: unknown };
  try {
    stack = JSON.parse(readFileSync(stackFile, 'utf8'));
  } catch (error) {
    fail(`cannot read ${stackFile} (${(error as Error).message}): ${noStack}`);
  }
  if (typeof stack.sqsEndpoint !== 'string' || typeof stack.region !== 'string') {
    fail(`${stackFile} names no SQS engine yet (is npm start still starting?): ${noStack}`);
  }
  return {
    // One attempt: a local engine that does not answer is not coming back in a second.
    sqs: new SQSClient({
      region: stack.region,
      endpoint: stack.sqsEndpoint,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    }),
    // npm start provisions serverless.yml with stage `local`.
    stage: 'local',
    description: `the local stack at ${stack.sqsEndpoint}`,
    local: true,
  };
}

function formatDeadLetter(letter: DeadLetter): string[] {
  const body = redactedBody(letter.body).replace(/\s+/g, ' ');
  const shown = body.length > BODY_CHARS ? `${body.slice(0, BODY_CHARS)}… (${body.length} chars)` : body;
  return [
    `  ${letter.messageId}  sent ${letter.sentAt?.toISOString() ?? '?'}  received ${letter.receiveCount ?? '?'}×`,
    `    ${shown}`,
  ];
}

async function list(sqs: SQSClient, pair: QueuePair, max: number): Promise<void> {
  const listing = await listDeadLetters(sqs, pair.deadLetterUrl, { max });
  out(`${pair.deadLetterName}: ${listing.waiting} message(s) waiting, ${listing.inFlight} in flight`);
  out(`  (${pair.deadLetterUrl})`);
  if (max === 0) return;
  if (listing.peeked.length === 0) {
    out('nothing to peek at.');
    return;
  }
  out(
    `peeked at ${listing.peeked.length} (receive counts include this peek). Peeking deletes nothing; ` +
      `peeked messages are briefly invisible to other readers (at most ${PEEK_VISIBILITY_SECONDS} s).`,
  );
  for (const letter of listing.peeked) for (const line of formatDeadLetter(letter)) out(line);
}

function reportRedrive(pair: QueuePair, result: Omit<RedriveResult, 'remaining'>): void {
  out(`moved ${result.moved} message(s) from ${pair.deadLetterName} to ${pair.sourceName}.`);
  for (const failure of result.notCopied) {
    out(`  not moved (still in the dead-letter queue): ${failure.messageId}: ${failure.reason}`);
  }
  for (const failure of result.copiedNotDeleted) {
    out(
      `  copied but not deleted: ${failure.messageId}: ${failure.reason}. It stays in the dead-letter ` +
        'queue and a later redrive copies it again (a duplicate the worker absorbs).',
    );
  }
  if (result.cameBack > 0) {
    out(
      `stopped: ${result.cameBack} message(s) moved by this run failed again and are back in the ` +
        'dead-letter queue. Fix the cause (see the worker logs) before redriving again.',
    );
  }
}

async function redrive(sqs: SQSClient, pair: QueuePair, command: Command): Promise<boolean> {
  if (command.dryRun) {
    const depth = await queueDepth(sqs, pair.deadLetterUrl);
    const count = command.max === undefined ? depth.waiting : Math.min(depth.waiting, command.max);
    out(`dry run: ${pair.deadLetterName} holds about ${depth.waiting} message(s) (${depth.inFlight} in flight);`);
    out(`a redrive would move ${count} of them to ${pair.sourceName}. Nothing was changed.`);
    return true;
  }
  let result: RedriveResult;
  try {
    result = await redriveDeadLetters(sqs, pair, command.max === undefined ? {} : { max: command.max });
  } catch (error) {
    if (error instanceof RedriveInterruptedError) reportRedrive(pair, error.progress);
    throw error;
  }
  reportRedrive(pair, result);
  const { waiting, inFlight } = result.remaining;
  if (waiting > 0 || inFlight > 0) {
    out(`${pair.deadLetterName} still holds about ${waiting} message(s), ${inFlight} in flight.`);
  }
  return result.notCopied.length === 0 && result.copiedNotDeleted.length === 0 && result.cameBack === 0;
}

/** Network errors from the local engine mean the stack in the stack file is gone. */
function isUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH';
}

async function main(): Promise<void> {
  const command = parseCommand(process.argv.slice(2));
  const where = target(command);
  try {
    const pair = await resolveQueuePair(where.sqs, where.stage, command.queue);
    if (command.action === 'list') await list(where.sqs, pair, command.max ?? DEFAULT_PEEK);
    else if (!(await redrive(where.sqs, pair, command))) process.exitCode = 1;
  } catch (error) {
    const cause = error instanceof RedriveInterruptedError ? error.cause : error;
    if (where.local && isUnreachable(cause)) {
      fail(`nothing answers at ${where.description}: is npm start still running? Start it, or pass --stage.`);
    }
    if (error instanceof QueueNotFoundError) fail(`${error.message} — looked in ${where.description}`);
    const name = (cause as Error).name;
    fail(`${error instanceof Error ? error.message : String(error)}${name && name !== 'Error' ? ` (${name})` : ''}`);
  } finally {
    where.sqs.destroy();
  }
}

void main();

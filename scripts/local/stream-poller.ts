import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from './local-aws';
import { pause, stopOnce } from './poll-loops';
import type { InvocationOutcome } from './sqs-event-mapping';
import {
  passesFilters,
  retryFrom,
  type StreamEventSource,
  toLambdaStreamEvent,
  toLambdaStreamRecord,
} from './stream-event-mapping';

/**
 * A local stand-in for Lambda's DynamoDB stream event source mapping, over DynamoDB Local's own
 * stream of the table: for each function subscribed in serverless.yml it reads every shard in
 * order (a child shard after its parent), keeps the records its filter patterns let through,
 * invokes the function with the event Lambda would build, and on a failure retries the shard from
 * the first failed record, as Lambda does with ReportBatchItemFailures, until the record is older
 * than `maximumRecordAgeInSeconds` or the retries are used up.
 */

export type StreamInvoke = (
  functionName: string,
  event: DynamoDBStreamEvent,
  signal: AbortSignal,
) => Promise<InvocationOutcome>;

export interface StreamPollerOptions {
  sources: StreamEventSource[];
  dynamoEndpoint: string;
  region: string;
  tableName: string;
  invoke: StreamInvoke;
  log?: (line: string) => void;
  /**
   * Where each function starts: `LATEST` (the records committed from now on; `npm start` and the
   * tests, whose table may hold a long history) or `TRIM_HORIZON` (everything the stream still holds).
   */
  startingPosition?: 'LATEST' | 'TRIM_HORIZON';
  /** Pause after a read that found nothing (default 100 ms): the hand-off latency of an idle table. */
  idleDelayMs?: number;
}

export interface StreamPollers {
  /** Stops reading (cutting a pause short) and waits for in-flight invocations to settle. */
  stop(): Promise<void>;
}

/** How often the shards are listed again, to find the ones a shard split or a rollover opened. */
const DISCOVERY_INTERVAL_MS = 2000;
const MAX_RETRY_DELAY_MS = 10_000;

/** Resolves once every function has its starting position in the stream, so nothing after it is missed. */
export async function startStreamPollers(options: StreamPollerOptions): Promise<StreamPollers> {
  const controller = new AbortController();
  const client = { region: options.region, endpoint: options.dynamoEndpoint, credentials: LOCAL_CREDENTIALS };
  const dynamo = new DynamoDBClient(client);
  const streams = new DynamoDBStreamsClient(client);
  const log = options.log ?? (() => {});
  let loops: Array<Promise<void>> = [];
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (options.sources.length > 0 && (!streamArn || Table?.StreamSpecification?.StreamEnabled !== true)) {
      throw new Error(`the table ${options.tableName} has no stream, but functions subscribe to it`);
    }
    const readers = await Promise.all(
      options.sources.map((source) =>
        ShardReader.open(streams, streamArn as string, source, options.startingPosition ?? 'LATEST'),
      ),
    );
    loops = readers.map((reader) => reader.run(options, controller.signal, log));
  } catch (error) {
    dynamo.destroy();
    streams.destroy();
    throw error;
  }
  dynamo.destroy();
  return stopOnce(controller, loops, () => streams.destroy());
}

interface ShardState {
  parentId?: string;
  iterator?: string;
  /** The last record handed on (or skipped), to resume after if the iterator expires. */
  lastSequenceNumber?: string;
  done: boolean;
}

/** One function's position in every shard of the stream. */
class ShardReader {
  private readonly shards = new Map<string, ShardState>();
  private lastDiscovery = 0;

  private constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly source: StreamEventSource,
    private readonly startingPosition: 'LATEST' | 'TRIM_HORIZON',
  ) {}

  static async open(
    streams: DynamoDBStreamsClient,
    streamArn: string,
    source: StreamEventSource,
    startingPosition: 'LATEST' | 'TRIM_HORIZON',
  ): Promise<ShardReader> {
    const reader = new ShardReader(streams, streamArn, source, startingPosition);
    for (const shard of await reader.listShards()) {
      const id = shard.ShardId as string;
      // From LATEST, a closed shard holds nothing new; its open child is where the stream goes on.
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      const state: ShardState = { parentId: shard.ParentShardId, done: startingPosition === 'LATEST' && closed };
      if (!state.done) state.iterator = await reader.iterator(id, startingPosition);
      reader.shards.set(id, state);
    }
    reader.lastDiscovery = Date.now();
    return reader;
  }

  async run(options: StreamPollerOptions, signal: AbortSignal, log: (line: string) => void): Promise<void> {
    const label = `${this.source.functionKey} ← table stream`;
    while (!signal.aborted) {
      try {
        if (Date.now() - this.lastDiscovery >= DISCOVERY_INTERVAL_MS) await this.discover();
        let read = 0;
        for (const [shardId, state] of this.shards) {
          if (state.done || !this.parentDone(state)) continue;
          read += await this.readShard(shardId, state, options, signal, log, label);
        }
        if (read === 0) await pause(options.idleDelayMs ?? 100, signal);
      } catch (error) {
        if (signal.aborted) break;
        log(`${label}: reading the stream failed, retrying in 1 s: ${(error as Error).message}`);
        await pause(1000, signal);
      }
    }
  }

  private parentDone(state: ShardState): boolean {
    const parent = state.parentId === undefined ? undefined : this.shards.get(state.parentId);
    return parent === undefined || parent.done;
  }

  /** Reads one batch of the shard and hands it on; the number of records read. */
  private async readShard(
    shardId: string,
    state: ShardState,
    options: StreamPollerOptions,
    signal: AbortSignal,
    log: (line: string) => void,
    label: string,
  ): Promise<number> {
    state.iterator ??= await this.iterator(shardId, 'TRIM_HORIZON');
    let page: Awaited<ReturnType<typeof this.getRecords>>;
    try {
      page = await this.getRecords(state.iterator, signal);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ExpiredIteratorException') {
        // Unused for 15 minutes (the loop stalled): resume after the last record seen.
        state.iterator = await this.iterator(
          shardId,
          state.lastSequenceNumber === undefined ? this.startingPosition : 'AFTER_SEQUENCE_NUMBER',
          state.lastSequenceNumber,
        );
        return 0;
      }
      if (name === 'TrimmedDataAccessException') {
        // The iterator's position is no longer in the shard. In AWS: records older than 24 h,
        // which Lambda skips by going on from the oldest record left. DynamoDB Local also says so
        // for an iterator taken while the shard was empty once another table's write has moved its
        // sequence numbers on (they are shared by every table): that shard's records are all
        // still there, and reading from the oldest one loses none of them.
        log(`${label}: ${shardId} was trimmed past the reader's position; going on from its oldest record`);
        state.iterator = await this.iterator(shardId, 'TRIM_HORIZON');
        return 0;
      }
      throw error;
    }
    const records = (page.Records ?? []).map((record) => toLambdaStreamRecord(record, { streamArn: this.streamArn }));
    const wanted = records.filter((record) => passesFilters(record, this.source.filterPatterns));
    if (wanted.length > 0) await this.deliver(wanted, options, signal, log, label);
    if (signal.aborted) return records.length;
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last !== undefined) state.lastSequenceNumber = last;
    state.iterator = page.NextShardIterator;
    if (state.iterator === undefined) {
      state.done = true;
      await this.discover(); // the shard closed: its children take over
    }
    return records.length;
  }

  /** Invokes the function until the batch is done, retrying from the first failed record as Lambda does. */
  private async deliver(
    records: DynamoDBRecord[],
    options: StreamPollerOptions,
    signal: AbortSignal,
    log: (line: string) => void,
    label: string,
  ): Promise<void> {
    const { functionName, reportBatchItemFailures, maximumRetryAttempts, maximumRecordAgeSeconds } = this.source;
    let pending = records;
    for (let retries = 0; pending.length > 0 && !signal.aborted; retries++) {
      if (maximumRecordAgeSeconds >= 0) {
        const oldest = Date.now() / 1000 - maximumRecordAgeSeconds;
        const fresh = pending.filter((record) => (record.dynamodb?.ApproximateCreationDateTime ?? 0) >= oldest);
        if (fresh.length < pending.length) {
          log(`${label}: ${pending.length - fresh.length} record(s) older than ${maximumRecordAgeSeconds} s dropped`);
        }
        pending = fresh;
        if (pending.length === 0) return;
      }
      const outcome = await options
        .invoke(functionName, toLambdaStreamEvent(pending), signal)
        .catch((error: unknown): InvocationOutcome => ({ ok: false, error: (error as Error).message }));
      const retry = retryFrom(pending, outcome, reportBatchItemFailures);
      if (retry === undefined || signal.aborted) return;
      if (maximumRetryAttempts >= 0 && retries >= maximumRetryAttempts) {
        log(
          `${label}: gave up on ${pending.length - retry.index} record(s) after ${retries} retries (${retry.reason})`,
        );
        return;
      }
      pending = pending.slice(retry.index);
      log(`${label}: ${pending.length} record(s) to retry (${retry.reason})`);
      await pause(Math.min(1000 * 2 ** retries, MAX_RETRY_DELAY_MS), signal);
    }
  }

  /** Takes up shards it has not seen (a child of a closed shard starts from its beginning). */
  private async discover(): Promise<void> {
    this.lastDiscovery = Date.now();
    for (const shard of await this.listShards()) {
      const id = shard.ShardId as string;
      if (!this.shards.has(id)) this.shards.set(id, { parentId: shard.ParentShardId, done: false });
    }
  }

  private async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let after: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: after }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      after = StreamDescription?.LastEvaluatedShardId;
    } while (after);
    return shards;
  }

  private async iterator(shardId: string, type: ShardIteratorType, sequenceNumber?: string): Promise<string> {
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequenceNumber !== undefined && { SequenceNumber: sequenceNumber }),
      }),
    );
    if (!ShardIterator) throw new Error(`no iterator for shard ${shardId}`);
    return ShardIterator;
  }

  private getRecords(iterator: string, signal: AbortSignal) {
    return this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.source.batchSize }), {
      abortSignal: signal,
    });
  }
}

import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/observability';
import { currentTrace, traceAttributes, withOrderTrace, withTrace } from '../../shared/trace-context';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';
import { streamBatchHandler } from '../../shared/workers/stream-batch';
import { lambdaContext } from '../support/http-event';
import { sqsEvent, sqsRecord } from '../support/sqs-event';

interface Line {
  message: string;
  correlationId?: string;
  orderId?: string;
  step?: number;
}

/** The JSON lines the logger writes while `act` runs. */
async function linesOf(act: () => Promise<unknown>): Promise<Line[]> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const level = logger.getLevelName();
  logger.setLogLevel('INFO');
  try {
    await act();
  } finally {
    logger.setLogLevel(level);
    spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
}

const attribute = (stringValue: string) => ({
  stringValue,
  dataType: 'String',
  stringListValues: [],
  binaryListValues: [],
});

function messageOf(correlationId: string, orderId: string): SQSRecord {
  const record = sqsRecord({ orderId });
  record.messageAttributes = { correlationId: attribute(correlationId), orderId: attribute(orderId) };
  return record;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the trace of a unit of work', () => {
  it('keeps each record of a batch in its own trace, though the records are handled at the same time', async () => {
    const seen: Array<string | undefined> = [];
    const handler = sqsBatchHandler(async (record) => {
      const { orderId } = JSON.parse(record.body) as { orderId: string };
      // Interleaved on purpose: the second record starts before the first one ends.
      for (const step of [1, 2]) {
        await pause(orderId === 'ord_a' ? 15 : 5);
        logger.info('working', { step });
      }
      seen.push(currentTrace()?.correlationId);
    });
    const lines = await linesOf(() =>
      handler(sqsEvent([messageOf('req-a', 'ord_a'), messageOf('req-b', 'ord_b')]), lambdaContext('payment-worker')),
    );
    const working = lines.filter((line) => line.message === 'working');
    expect(working).toHaveLength(4);
    for (const line of working) expect(line.correlationId).toBe(line.orderId === 'ord_a' ? 'req-a' : 'req-b');
    expect(new Set(working.map((line) => line.orderId))).toEqual(new Set(['ord_a', 'ord_b']));
    expect(seen.sort()).toEqual(['req-a', 'req-b']);
    // One line per handled message, in its trace.
    const handled = lines.filter((line) => line.message === 'message handled');
    expect(handled.map((line) => [line.correlationId, line.orderId]).sort()).toEqual([
      ['req-a', 'ord_a'],
      ['req-b', 'ord_b'],
    ]);
  });

  it('carries each message’s own X-Ray header on, not the batch invocation’s', async () => {
    const first = messageOf('req-h', 'ord_h');
    first.attributes.AWSTraceHeader = 'Root=1-aaaaaaaa-000000000000000000000001;Sampled=1';
    const second = messageOf('req-i', 'ord_i');
    second.attributes.AWSTraceHeader = 'Root=1-aaaaaaaa-000000000000000000000002;Sampled=1';
    const headers = new Map<string, string | undefined>();
    process.env._X_AMZN_TRACE_ID = 'Root=1-bbbbbbbb-000000000000000000000000;Parent=1;Sampled=1';
    try {
      await sqsBatchHandler(async () => {
        const trace = currentTrace();
        headers.set(trace?.orderId ?? '', trace?.traceHeader);
      })(sqsEvent([first, second]), lambdaContext('payment-worker'));
    } finally {
      delete process.env._X_AMZN_TRACE_ID;
    }
    expect(Object.fromEntries(headers)).toEqual({
      ord_h: first.attributes.AWSTraceHeader,
      ord_i: second.attributes.AWSTraceHeader,
    });
  });

  it('starts a trace of its own for a message that carries none: its message id', async () => {
    const record = sqsRecord({ orderId: 'ord_c' }, 'message-without-a-trace-1');
    let trace: ReturnType<typeof currentTrace>;
    await sqsBatchHandler(async () => {
      trace = currentTrace();
    })(sqsEvent([record]), lambdaContext('payment-worker'));
    expect(trace).toEqual({ correlationId: 'message-without-a-trace-1' });
  });

  it('reads a stream record’s trace from its image, and handles records without one outside any trace', async () => {
    const withTraceImage: DynamoDBRecord = {
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: '1',
        NewImage: { correlationId: { S: 'req-d' }, orderId: { S: 'ord_d' }, traceHeader: { S: 'Root=1-abc' } },
      },
    };
    const plain: DynamoDBRecord = {
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: '2', NewImage: { PK: { S: 'x' } } },
    };
    const traces: Array<ReturnType<typeof currentTrace>> = [];
    await streamBatchHandler(async () => {
      traces.push(currentTrace());
    })({ Records: [withTraceImage, plain] }, lambdaContext('work-forwarder'));
    expect(traces).toEqual([{ correlationId: 'req-d', orderId: 'ord_d', traceHeader: 'Root=1-abc' }, undefined]);
  });

  it('puts an order’s later work in the order’s own trace, whoever changes it', () => {
    const stored = withTrace({ correlationId: 'admin-request', traceHeader: 'Root=1-admin' }, () =>
      withOrderTrace({ orderId: 'ord_e', correlationId: 'placing-request' }, traceAttributes),
    );
    expect(stored).toEqual({ correlationId: 'placing-request', orderId: 'ord_e', traceHeader: 'Root=1-admin' });
    // An order from before correlation ids goes on in the current trace.
    expect(
      withTrace({ correlationId: 'admin-request' }, () => withOrderTrace({ orderId: 'ord_f' }, traceAttributes)),
    ).toEqual({ correlationId: 'admin-request', orderId: 'ord_f' });
    expect(withOrderTrace({ orderId: 'ord_g' }, traceAttributes)).toEqual({});
  });
});

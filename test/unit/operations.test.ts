import { readServerlessYml } from '../../bench/lib/serverless-yml';
import { publishedMetricNames } from '../support/published-metrics';

/**
 * What operators get from a deployed stack. The alarms of serverless.yml watch what really exists: every dead-letter queue, and business
 * metrics under the exact namespace, name and dimensions the code publishes them with. A metric
 * renamed in the code, or a new dead-letter queue, would otherwise leave an alarm that never fires.
 */

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}

interface ServerlessYml {
  provider: { environment: Record<string, string>; logs?: { httpApi?: { format?: string } } };
  custom: Record<string, unknown>;
  functions: Record<string, { reservedConcurrency?: unknown; events?: Array<{ sqs?: Record<string, unknown> }> }>;
  resources: {
    Conditions?: Record<string, unknown>;
    Resources: Record<string, Resource>;
    extensions?: Record<string, { Properties?: Record<string, unknown> }>;
  };
}

const yml = readServerlessYml<ServerlessYml>();
const resources = yml.resources.Resources;
const alarms = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm');

/** `${self:provider.environment.X}` as serverless.yml sets it (the tests read the file unresolved). */
function resolved(value: unknown): unknown {
  const reference = typeof value === 'string' ? /^\$\{self:provider\.environment\.(\w+)\}$/.exec(value) : null;
  return reference?.[1] ? yml.provider.environment[reference[1]] : value;
}

/** One metric published by the app's `metrics` object, as the EMF document it writes. */
async function publishedDocument(): Promise<{ namespace: string; dimensions: string[][]; values: object }> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const saved = { ...process.env };
  try {
    // The tests' environment switches metrics off: a fresh module instance with them on.
    Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: 'false', STAGE: 'test-stage' });
    await jest.isolateModulesAsync(async () => {
      const { metrics } = await import('../../shared/observability');
      metrics.addMetric('ServerErrors', 'Count', 1);
      metrics.publishStoredMetrics();
    });
  } finally {
    spy.mockRestore();
    process.env = saved;
  }
  const emf = written.map((line) => JSON.parse(line)).find((document) => document._aws);
  const [directive] = emf._aws.CloudWatchMetrics;
  return { namespace: directive.Namespace, dimensions: directive.Dimensions, values: emf };
}

describe('alarms', () => {
  it('watch every dead-letter queue for a waiting message', () => {
    const deadLetterQueues = Object.values(resources)
      .map((resource) => resource.Properties.RedrivePolicy as { deadLetterTargetArn?: string } | undefined)
      .map((policy) => policy?.deadLetterTargetArn?.replace(/\.Arn$/, ''))
      .filter((name): name is string => name !== undefined)
      .sort();
    const watched = alarms
      .filter(([, alarm]) => alarm.Properties.Namespace === 'AWS/SQS')
      .map(([, alarm]) => {
        const [dimension] = alarm.Properties.Dimensions as Array<{ Name: string; Value: string }>;
        expect(alarm.Properties).toMatchObject({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
        return dimension?.Value.replace(/\.QueueName$/, '');
      })
      .sort();

    expect(deadLetterQueues).toHaveLength(5);
    expect(watched).toEqual(deadLetterQueues);
  });

  it('watch business metrics under the namespace, names and dimensions the code publishes', async () => {
    const published = await publishedDocument();
    const names = publishedMetricNames();
    const metricAlarms = alarms.filter(([, alarm]) => alarm.Properties.Namespace !== 'AWS/SQS');

    expect(metricAlarms.length).toBeGreaterThanOrEqual(5);
    for (const [id, alarm] of metricAlarms) {
      const dimensions = (alarm.Properties.Dimensions as Array<{ Name: string; Value: string }>).map((dimension) => [
        dimension.Name,
        resolved(dimension.Value),
      ]);
      expect({ id, namespace: resolved(alarm.Properties.Namespace) }).toEqual({ id, namespace: published.namespace });
      expect({ id, published: names.has(alarm.Properties.MetricName as string) }).toEqual({ id, published: true });
      // The alarm names exactly the dimension set of the documents: service, then the stage.
      expect(dimensions.map(([name]) => name)).toEqual(published.dimensions[0]);
      expect(dimensions).toEqual([
        ['service', yml.provider.environment.POWERTOOLS_SERVICE_NAME],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
        ['stage', '${sls:stage}'],
      ]);
    }
    expect(published.values).toMatchObject({ service: 'cartwheel', stage: 'test-stage' });
  });

  it('all notify the alarm topic, which mails ALARM_EMAIL only when one is given', () => {
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual(['AlarmTopic']);
      expect(alarm.Properties.OKActions).toEqual(['AlarmTopic']);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
    expect(resources.AlarmTopic?.Type).toBe('AWS::SNS::Topic');
    expect(resources.AlarmEmailSubscription).toMatchObject({
      Condition: 'HasAlarmEmail',
      Properties: { TopicArn: 'AlarmTopic', Protocol: 'email' },
    });
    expect(yml.resources.Conditions?.HasAlarmEmail).toBeDefined();
  });
});

describe('API access logs', () => {
  it('write one JSON line per request with the fields an investigation needs', () => {
    const format = yml.provider.logs?.httpApi?.format;
    expect(typeof format).toBe('string');
    const fields = JSON.parse(format as string) as Record<string, string>;

    // Every value is an API Gateway context variable (a typo would be logged as literal text).
    for (const value of Object.values(fields)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
    });
  });
});

describe('payment worker concurrency', () => {
  it('is bounded by the event source (PAYMENT_WORKER_MAX_CONCURRENCY, default 5)', () => {
    const [event] = yml.functions['payment-worker']?.events ?? [];

    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
    expect(event?.sqs?.maximumConcurrency).toBe('${self:custom.paymentWorkerMaxConcurrency}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
    expect(yml.custom.paymentWorkerMaxConcurrency).toBe('${env:PAYMENT_WORKER_MAX_CONCURRENCY, 5}');
    expect(event?.sqs?.batchSize).toBe(10);
  });
});

describe('notification worker concurrency', () => {
  it('is bounded by the event source, and the worker knows the bound it shares the SES rate over', () => {
    const [event] = yml.functions['notification-worker']?.events ?? [];

    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
    const bound = '${self:custom.notificationWorkerMaxConcurrency}';
    expect(event?.sqs?.maximumConcurrency).toBe(bound);
    expect(yml.provider.environment.NOTIFICATION_WORKER_MAX_CONCURRENCY).toBe(bound);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
    expect(yml.provider.environment.EMAIL_SENDS_PER_SECOND).toBe("${env:EMAIL_SENDS_PER_SECOND, '14'}");
  });
});

describe('limits that hold before our code runs', () => {
  it('throttle the API Gateway stage, rate and burst from configuration', () => {
    expect(yml.resources.extensions?.HttpApiStage?.Properties?.DefaultRouteSettings).toEqual({
      DetailedMetricsEnabled: false,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
      ThrottlingRateLimit: '${self:custom.apiThrottling.rateLimit}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
      ThrottlingBurstLimit: '${self:custom.apiThrottling.burstLimit}',
    });
    expect(yml.custom.apiThrottling).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
      rateLimit: '${env:API_THROTTLE_RATE_LIMIT, 200}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
      burstLimit: '${env:API_THROTTLE_BURST_LIMIT, 400}',
    });
  });

  it('reserve concurrency for every queue worker, equal to the most its event source may run', () => {
    const workers = Object.entries(yml.functions).filter(([, fn]) => fn.events?.some((event) => event.sqs));

    expect(workers.map(([name]) => name).sort()).toEqual([
      'erasure-worker',
      'fulfilment-worker',
      'notification-worker',
      'payment-worker',
      'webhook-worker',
    ]);
    for (const [name, fn] of workers) {
      const source = fn.events?.find((event) => event.sqs)?.sqs;
      expect({ name, reserved: fn.reservedConcurrency }).toEqual({
        name,
        reserved: expect.stringMatching(/^\$\{self:custom\.\w+WorkerMaxConcurrency\}$/),
      });
      expect({ name, maximum: source?.maximumConcurrency }).toEqual({ name, maximum: fn.reservedConcurrency });
    }
  });

  it('leave Cognito self sign-up off unless COGNITO_SELF_SIGN_UP=true', () => {
    const pool = resources.UserPool?.Properties as { AdminCreateUserConfig?: unknown };

    expect(pool.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: ['SelfSignUpEnabled', false, true] });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
    expect(yml.resources.Conditions?.SelfSignUpEnabled).toEqual(['${self:custom.cognitoSelfSignUp}', 'true']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
    expect(yml.custom.cognitoSelfSignUp).toBe("${env:COGNITO_SELF_SIGN_UP, 'false'}");
  });

  it('alarm when the rate limiter fails open', () => {
    const alarm = alarms.find(([, resource]) => resource.Properties.MetricName === 'RateLimiterFailures');

    expect(alarm?.[1].Properties).toMatchObject({ Statistic: 'Sum', Threshold: 1 });
  });
});

describe('queues', () => {
  it('are all encrypted at rest (payment messages carry the card token: decision 0007)', () => {
    const queues = Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::SQS::Queue');

    expect(queues).toHaveLength(10);
    for (const [id, queue] of queues)
      expect({ id, sse: queue.Properties.SqsManagedSseEnabled }).toEqual({ id, sse: true });
  });
});

/** `${self:service}-${sls:stage}` as serverless.yml writes it (unresolved). */
const STACK_NAME = `\${self:service}-\${sls:stage}`;

describe('the event bus (contract §5.7)', () => {
  const raw = yml as unknown as {
    functions: Record<string, { iamRoleStatements?: string[]; events?: Array<{ stream?: Record<string, unknown> }> }>;
    custom: { iam: Record<string, { Action: string[]; Resource: unknown }> };
  };

  it('is the stack’s own bus, cartwheel-<stage>, named in every function’s environment', () => {
    expect(resources.EventBus).toEqual({
      Type: 'AWS::Events::EventBus',
      Properties: { Name: STACK_NAME },
    });
    expect(yml.provider.environment.EVENT_BUS_NAME).toBe(STACK_NAME);
  });

  it('is written to by the event publisher alone, which the table stream feeds with event records and stock changes', () => {
    expect(raw.custom.iam.putEvents).toEqual({
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: 'EventBus.Arn',
    });
    const putters = Object.entries(raw.functions)
      .filter(([, fn]) => (fn.iamRoleStatements ?? []).includes(`\${self:custom.iam.putEvents}`))
      .map(([name]) => name);
    expect(putters).toEqual(['event-publisher']);
    const stream = raw.functions['event-publisher']?.events?.[0]?.stream as {
      filterPatterns: unknown[];
      maximumRecordAgeInSeconds: number;
      maximumRetryAttempts: number;
    };
    expect(stream.filterPatterns).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['DomainEvent'] } } } },
      { eventName: ['MODIFY'], dynamodb: { Keys: { SK: { S: ['#STOCK', { prefix: '#VARIANT#' }] } } } },
    ]);
    // Retried until the stream itself lets the record go (24 h): an event is not dropped earlier.
    expect({ age: stream.maximumRecordAgeInSeconds, retries: stream.maximumRetryAttempts }).toEqual({
      age: 86400,
      retries: -1,
    });
    const table = resources.Table as Resource;
    expect((table.Properties.StreamSpecification as { StreamViewType: string }).StreamViewType).toBe(
      'NEW_AND_OLD_IMAGES',
    );
  });
});

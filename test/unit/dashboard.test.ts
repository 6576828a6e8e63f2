import { readServerlessYml } from '../../bench/lib/serverless-yml';
import { DASHBOARD_QUEUES, dashboardBody, type MetricEntry, ref } from '../../scripts/deploy/dashboard-widgets';
import { publishedMetricNames } from '../support/published-metrics';

/**
 * The stack's dashboard names only metrics that exist: ours under the namespace, names and
 * dimensions the code publishes them with, AWS's under the names AWS publishes; and it shows every
 * queue. A metric renamed in the code would otherwise leave a widget that stays empty.
 */
interface ServerlessYml {
  service: string;
  provider: { environment: Record<string, string>; logs: { httpApi: { format: string } } };
  resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
}

const yml = readServerlessYml<ServerlessYml>();
const stage = 'prod';
const stack = {
  service: yml.service,
  stage,
  namespace: yml.provider.environment.POWERTOOLS_METRICS_NAMESPACE as string,
  serviceName: yml.provider.environment.POWERTOOLS_SERVICE_NAME as string,
};
const body = dashboardBody(stack);

/** What AWS publishes, for the names the dashboard uses (CloudWatch's metric references). */
const AWS_METRICS: Record<string, string[]> = {
  'AWS/ApiGateway': ['Count', '4xx', '5xx', 'Latency', 'IntegrationLatency'],
  'AWS/SQS': ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage'],
  'AWS/Lambda': ['Errors', 'Throttles'],
};

const metricWidgets = body.widgets.filter((widget) => widget.type === 'metric');
const entries = metricWidgets.flatMap((widget) => widget.properties.metrics as MetricEntry[]);
const plain = entries.filter((entry) => typeof entry[0] === 'string') as Array<
  [string, string, ...Array<string | Record<string, unknown>>]
>;
const expressions = entries
  .filter((entry) => typeof entry[0] === 'object')
  .map((entry) => (entry[0] as { expression: string }).expression);

/** The dimension pairs of a metric entry (everything between its name and its options). */
const dimensionsOf = (entry: MetricEntry) => {
  const pairs: Array<[string, string]> = [];
  const values = entry.slice(2).filter((item): item is string => typeof item === 'string');
  for (let index = 0; index < values.length; index += 2)
    pairs.push([values[index] as string, values[index + 1] as string]);
  return pairs;
};

describe('the dashboard', () => {
  it('names our metrics as the code publishes them: names, namespace, service and stage', () => {
    const published = publishedMetricNames();
    const ours = plain.filter(([namespace]) => namespace === stack.namespace);
    expect(ours.length).toBeGreaterThanOrEqual(15);
    for (const entry of ours) {
      expect({ metric: entry[1], published: published.has(entry[1]) }).toEqual({ metric: entry[1], published: true });
      expect(dimensionsOf(entry)).toEqual([
        ['service', stack.serviceName],
        ['stage', stage],
      ]);
    }
  });

  it('names AWS metrics by the names AWS publishes, for the stack’s own API and queues', () => {
    const queueNames = Object.values(yml.resources.Resources)
      .filter((resource) => resource.Type === 'AWS::SQS::Queue')
      .map((resource) =>
        String(resource.Properties.QueueName)
          .replace(`${ref('self:service')}`, yml.service)
          .replace(`${ref('sls:stage')}`, stage),
      );
    const theirs = plain.filter(([namespace]) => namespace !== stack.namespace);
    expect(theirs.length).toBeGreaterThan(0);
    for (const entry of theirs) {
      const [namespace, name] = entry;
      expect({ namespace, name, known: AWS_METRICS[namespace]?.includes(name) }).toEqual({
        namespace,
        name,
        known: true,
      });
      for (const [dimension, value] of dimensionsOf(entry)) {
        if (dimension === 'QueueName') expect(queueNames).toContain(value);
        else expect([dimension, value]).toEqual(['ApiId', ref('HttpApi')]);
      }
    }
  });

  it('shows the depth and oldest message of every queue, and every dead-letter queue', () => {
    const queuesOf = (title: string) =>
      (
        (metricWidgets.find((widget) => widget.properties.title === title)?.properties.metrics ?? []) as MetricEntry[]
      ).map((entry) => entry[3]);
    const queues = Object.values(yml.resources.Resources).filter((resource) => resource.Type === 'AWS::SQS::Queue');
    expect(DASHBOARD_QUEUES.length * 2).toBe(queues.length);
    const named = (suffix: string) => DASHBOARD_QUEUES.map((name) => `${yml.service}-${stage}-${name}${suffix}`);
    expect(queuesOf('Queue depth (messages waiting)')).toEqual(named(''));
    expect(queuesOf('Age of the oldest message (s)')).toEqual(named(''));
    expect(queuesOf('Dead-letter queues (messages waiting: see the runbook)')).toEqual(named('-dlq'));
  });

  it('searches metrics that exist: cold starts as Powertools publishes them, errors and throttles of the stack’s functions', () => {
    const published = publishedMetricNames();
    expect(expressions).toHaveLength(3);
    for (const expression of expressions) {
      const [, schema, name] = /^SEARCH\('\{([^}]+)\} MetricName="(\w+)"/.exec(expression) ?? [];
      const [namespace, ...dimensions] = (schema ?? '').split(',');
      if (namespace === stack.namespace) {
        expect(name).toBe('ColdStart');
        expect(published.has('ColdStart')).toBe(true);
        // Powertools' cold-start metric: the default dimensions and the function's name.
        expect(dimensions.sort()).toEqual(['function_name', 'service', 'stage']);
        expect(expression).toContain(`stage="${stage}"`);
      } else {
        expect([namespace, dimensions]).toEqual(['AWS/Lambda', ['FunctionName']]);
        expect(AWS_METRICS['AWS/Lambda']).toContain(name);
        expect(expression).toContain(`FunctionName=${yml.service}-${stage}`);
      }
    }
  });

  it('reads the per-route figures from fields the API access log writes', () => {
    const format = Object.keys(JSON.parse(yml.provider.logs.httpApi.format) as Record<string, string>);
    const logs = body.widgets.filter((widget) => widget.type === 'log');
    expect(logs).toHaveLength(2);
    for (const widget of logs) {
      const query = widget.properties.query as string;
      expect(query.startsWith(`SOURCE '${ref('HttpApiLogGroup')}' | `)).toBe(true);
      const fields = new Set(query.match(/\b(routeKey|status|latencyMs|[a-z]+Ms)\b/g));
      expect(fields.size).toBeGreaterThan(0);
      for (const field of fields) expect(format).toContain(field);
    }
  });

  it('is laid out on the 24-column grid without overlaps', () => {
    const cells = new Set<string>();
    for (const widget of body.widgets) {
      expect(widget.x + widget.width).toBeLessThanOrEqual(24);
      for (let x = widget.x; x < widget.x + widget.width; x++)
        for (let y = widget.y; y < widget.y + widget.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });

  it('is the body of the stack’s dashboard, with no substitution CloudFormation cannot make', async () => {
    expect(yml.resources.Resources.Dashboard).toMatchObject({
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: { DashboardBody: ref('file(./scripts/deploy/dashboard.cjs):body') },
    });
    // What serverless.yml loads: the CommonJS shim over the module above.
    const { body: resolve } = require('../../scripts/deploy/dashboard.cjs') as {
      body: (options: { resolveVariable: (name: string) => Promise<string> }) => Promise<{ 'Fn::Sub': string }>;
    };
    const variables: Record<string, string> = {
      'self:service': stack.service,
      'sls:stage': stage,
      'self:provider.environment.POWERTOOLS_METRICS_NAMESPACE': stack.namespace,
      'self:provider.environment.POWERTOOLS_SERVICE_NAME': stack.serviceName,
    };
    const template = (await resolve({ resolveVariable: async (name) => variables[name] as string }))['Fn::Sub'];
    expect(JSON.parse(template)).toEqual(body);
    expect(new Set(template.match(/\$\{[^}]*\}/g))).toEqual(
      new Set([ref('HttpApi'), ref('HttpApiLogGroup'), ref('AWS::Region')]),
    );
  });
});

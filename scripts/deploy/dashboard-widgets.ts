/**
 * The stack's CloudWatch dashboard (`AWS::CloudWatch::Dashboard` `<service>-<stage>`): what an
 * operator looks at first. Built here rather than written out in serverless.yml, so the widgets are
 * made from one list of queues and metrics and test/unit/dashboard.test.ts can check that every
 * metric named exists: published by our code (EMF, namespace and dimensions as shared/observability.ts
 * sets them) or by AWS.
 *
 * The body is a CloudFormation `Fn::Sub` template: `${HttpApi}`, `${HttpApiLogGroup}` and
 * `${AWS::Region}` are filled in at deploy time.
 */

export interface DashboardStack {
  service: string;
  stage: string;
  /** POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME: where and how the code publishes. */
  namespace: string;
  serviceName: string;
}

/** The work queues, each with its dead-letter queue `<name>-dlq` (QueueName `<service>-<stage>-<name>`). */
export const DASHBOARD_QUEUES = ['payment', 'fulfilment', 'notification', 'webhook', 'erasure'] as const;

/** A CloudWatch metric as a dashboard names it: namespace, name, dimension name/value pairs, options last. */
export type MetricEntry = Array<string | Record<string, unknown>>;

export interface Widget {
  type: 'metric' | 'log' | 'text';
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const PERIOD = 300;

/** A `Fn::Sub` reference, `${name}`, filled in by CloudFormation. */
export const ref = (name: string) => `\${${name}}`;

export function dashboardBody(stack: DashboardStack): { widgets: Widget[] } {
  const { service, stage, namespace, serviceName } = stack;
  const region = ref('AWS::Region');
  const ours = (name: string, label: string, stat = 'Sum'): MetricEntry => [
    namespace,
    name,
    'service',
    serviceName,
    'stage',
    stage,
    { stat, label },
  ];
  const api = (name: string, label: string, stat: string): MetricEntry => [
    'AWS/ApiGateway',
    name,
    'ApiId',
    ref('HttpApi'),
    { stat, label },
  ];
  const queue = (name: string, metric: string, stat: string): MetricEntry => [
    'AWS/SQS',
    metric,
    'QueueName',
    `${service}-${stage}-${name}`,
    { stat, label: name },
  ];
  /** Every function of the stack, one line each (its names start `<service>-<stage>-`). */
  const perFunction = (expression: string, label: string): MetricEntry => [{ expression, label, id: label }];
  const functions = `FunctionName=${service}-${stage}`;

  const rows: Array<Array<Omit<Widget, 'x' | 'y'>>> = [];
  const metric = (title: string, metrics: MetricEntry[], extra: Record<string, unknown> = {}, width = 8) => ({
    type: 'metric' as const,
    width,
    height: 6,
    properties: { title, region, view: 'timeSeries', period: PERIOD, stacked: false, metrics, ...extra },
  });

  rows.push([
    metric('API requests', [api('Count', 'requests', 'Sum')]),
    metric('API errors', [
      api('4xx', '4xx', 'Sum'),
      api('5xx', '5xx', 'Sum'),
      ours('ServerErrors', '5xx answered by us'),
    ]),
    metric('API latency (ms)', [
      api('Latency', 'p50', 'p50'),
      api('Latency', 'p99', 'p99'),
      api('IntegrationLatency', 'function p99', 'p99'),
    ]),
  ]);
  // Per route from the API's access log (no per-route metrics: they cost 4 custom metrics a route).
  const accessLog = (title: string, query: string[]) => ({
    type: 'log' as const,
    width: 12,
    height: 8,
    properties: { title, region, view: 'table', query: [`SOURCE '${ref('HttpApiLogGroup')}'`, ...query].join(' | ') },
  });
  rows.push([
    accessLog('Per route: requests and latency (ms), from the access log', [
      'stats count(*) as requests, pct(latencyMs, 50) as p50, pct(latencyMs, 99) as p99 by routeKey',
      'sort requests desc',
    ]),
    accessLog('Per route: 4xx and 5xx answers, from the access log', [
      'filter status >= 400',
      'stats count(*) as answers by routeKey, status',
      'sort answers desc',
    ]),
  ]);
  rows.push([
    metric('Orders', [
      ours('OrdersPlaced', 'placed'),
      ours('PaymentsSucceeded', 'paid'),
      ours('OrdersShipped', 'shipped'),
      ours('OrdersDelivered', 'delivered'),
      ours('OrdersCancelled', 'cancelled'),
    ]),
    metric('Payments', [
      ours('PaymentsDeclined', 'declined'),
      ours('PaymentGatewayRetries', 'gateway retries'),
      ours('RefundsIssued', 'refunds'),
      ours('RefundsRefused', 'refunds refused'),
    ]),
    metric('Circuits (openings and closings)', [
      ours('PaymentCircuitOpened', 'payment gateway opened'),
      ours('PaymentCircuitClosed', 'payment gateway closed'),
      ours('WebhookCircuitOpened', 'a webhook endpoint opened'),
      ours('WebhookCircuitClosed', 'a webhook endpoint closed'),
    ]),
  ]);
  rows.push([
    metric(
      'Queue depth (messages waiting)',
      DASHBOARD_QUEUES.map((name) => queue(name, 'ApproximateNumberOfMessagesVisible', 'Maximum')),
    ),
    metric(
      'Age of the oldest message (s)',
      DASHBOARD_QUEUES.map((name) => queue(name, 'ApproximateAgeOfOldestMessage', 'Maximum')),
    ),
    metric(
      'Dead-letter queues (messages waiting: see the runbook)',
      DASHBOARD_QUEUES.map((name) => queue(`${name}-dlq`, 'ApproximateNumberOfMessagesVisible', 'Maximum')),
    ),
  ]);
  rows.push([
    metric('Webhooks', [
      ours('WebhookDeliveries', 'delivered'),
      ours('WebhookAttemptsFailed', 'attempts failed'),
      ours('WebhookDeliveriesFailed', 'given up (25 h)'),
      ours('EventsPublished', 'events published'),
    ]),
    metric('Cold starts per function', [
      perFunction(
        `SEARCH('{${namespace},function_name,service,stage} MetricName="ColdStart" stage="${stage}"', 'Sum', ${PERIOD})`,
        'coldstarts',
      ),
    ]),
    // Functions whose names hold the tokens of `<service>-<stage>` (SEARCH matches tokens, not a prefix).
    metric('Function errors and throttles', [
      perFunction(`SEARCH('{AWS/Lambda,FunctionName} MetricName="Errors" ${functions}', 'Sum', ${PERIOD})`, 'errors'),
      perFunction(
        `SEARCH('{AWS/Lambda,FunctionName} MetricName="Throttles" ${functions}', 'Sum', ${PERIOD})`,
        'throttles',
      ),
    ]),
  ]);

  const widgets: Widget[] = [];
  let y = 0;
  for (const row of rows) {
    let x = 0;
    for (const widget of row) {
      widgets.push({ ...widget, x, y });
      x += widget.width;
    }
    y += Math.max(...row.map((widget) => widget.height));
  }
  return { widgets };
}

/** The `DashboardBody` property: the body as JSON text inside `Fn::Sub`. */
export const dashboardBodyTemplate = (stack: DashboardStack) => ({ 'Fn::Sub': JSON.stringify(dashboardBody(stack)) });

import { packagedTemplate, resourcesOf } from '../support/template';

/**
 * Day-two operations in the template `serverless package` generates (stage `ci`): what CloudFormation
 * would create, not what serverless.yml says before plugins and variables have had their turn.
 */
const template = packagedTemplate();

/** What a role's inline policies allow, action by action. */
function allowedActions(roleId: string): Set<string> {
  const role = template.Resources[roleId];
  const policies = (role?.Properties.Policies ?? []) as Array<{
    PolicyDocument: { Statement: Array<{ Effect: string; Action: string | string[] }> };
  }>;
  return new Set(
    policies
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => [statement.Action].flat()),
  );
}

describe('traces', () => {
  const functions = resourcesOf(template, 'AWS::Lambda::Function');

  it('are active on every function, whose role may write them', () => {
    expect(functions.length).toBeGreaterThan(50);
    for (const [id, fn] of functions) {
      expect({ id, tracing: fn.Properties.TracingConfig }).toEqual({ id, tracing: { Mode: 'Active' } });
      const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const actions = allowedActions(role);
      expect({ id, xray: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].every((a) => actions.has(a)) }).toEqual({
        id,
        xray: true,
      });
    }
  });
});

describe('the dashboard', () => {
  const dashboards = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
  /** The body's `Fn::Sub` text. */
  const bodyText = () =>
    (dashboards[0]?.[1].Properties.DashboardBody as { 'Fn::Sub': string } | undefined)?.['Fn::Sub'] ?? '';

  it('is one, named after the stack', () => {
    expect(dashboards.map(([, dashboard]) => dashboard.Properties.DashboardName)).toEqual(['cartwheel-ci']);
  });

  it('substitutes only what the template has: its own API and access log group, and the region', () => {
    const body = bodyText();
    const references = [...new Set([...body.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1] as string))];
    for (const reference of references) {
      if (reference.startsWith('AWS::')) expect(reference).toBe('AWS::Region');
      else
        expect({ reference, defined: template.Resources[reference] !== undefined }).toEqual({
          reference,
          defined: true,
        });
    }
    expect(template.Resources.HttpApi?.Type).toBe('AWS::ApiGatewayV2::Api');
    expect(template.Resources.HttpApiLogGroup?.Type).toBe('AWS::Logs::LogGroup');
    expect(references.sort()).toEqual(['AWS::Region', 'HttpApi', 'HttpApiLogGroup']);
  });

  it('shows the queues the template creates, by their names', () => {
    const body = JSON.parse(bodyText()) as {
      widgets: Array<{ properties: { metrics?: unknown[][] } }>;
    };
    const shown = new Set(
      body.widgets
        .flatMap((widget) => widget.properties.metrics ?? [])
        .filter((metric) => metric[0] === 'AWS/SQS')
        .map((metric) => metric[3]),
    );
    const queues = resourcesOf(template, 'AWS::SQS::Queue').map(([, queue]) => queue.Properties.QueueName);
    expect(queues).toHaveLength(10);
    expect(shown).toEqual(new Set(queues));
  });
});

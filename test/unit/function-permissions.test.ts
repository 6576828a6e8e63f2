import { build, type Metafile } from 'esbuild';
import { deploymentBuildOptions, readServerlessYml, serviceFunctions } from '../../bench/lib/serverless-yml';
import { repoRoot } from '../../scripts/local/paths';
import { keys } from '../../shared/adapters/dynamo/keys';

/**
 * Each function's IAM role (serverless-iam-roles-per-function) against what its deployed bundle can
 * call: every AWS call a bundle contains must be granted, and nothing beyond the shared table access
 * may be granted that the bundle does not contain. A new call in a function's code, or a statement
 * copied to the wrong function, fails here instead of as AccessDenied in AWS, or as a silent
 * over-grant (docs/decisions/0006-iam-per-function.md).
 */

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

interface ServerlessYml {
  plugins: string[];
  provider: { iam: { role: { statements: Statement[] } } };
  custom: {
    iam: Record<string, Statement>;
    readOnlyRole: Record<string, Statement>;
    'serverless-iam-roles-per-function'?: { defaultInherit?: boolean };
  };
  functions: Record<
    string,
    {
      iamRoleStatements?: Array<string | Statement>;
      iamRoleStatementsInherit?: boolean;
      events?: Array<{ sqs?: { arn: string } }>;
    }
  >;
  resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
}

/** The SSM call is hand-signed (shared/adapters/payments/ssm-secret.ts), so its request is the mark. */
const readsSsm = (bundle: BuiltBundle) => bundle.text.includes('AmazonSSM.GetParameter');

/** What a bundle can call beyond items of the table, and how its presence in a bundle shows. */
const CAPABILITIES = {
  /** custom.iam.sendOrderWork: the order-work queues (the outbox's hand-off and resends). */
  sendOrderWork: (bundle: BuiltBundle) => bundle.includes('shared/adapters/sqs/sqs-work-queue.ts'),
  requestErasure: (bundle: BuiltBundle) => bundle.includes('shared/adapters/sqs/sqs-erasure-queue.ts'),
  scanTable: (bundle: BuiltBundle) => bundle.includes('shared/adapters/dynamo/dynamo-expired-records.ts'),
  /** custom.iam.writeSearchSnapshots: saving snapshots of the search index (BatchWriteItem on SEARCH# items). */
  writeSearchSnapshots: (bundle: BuiltBundle) =>
    bundle.includes('shared/adapters/dynamo/dynamo-search-snapshot-store.ts') &&
    bundle.includes('node_modules/@aws-sdk/lib-dynamodb/dist-es/commands/BatchWriteCommand.js'),
  checkHealth: (bundle: BuiltBundle) => bundle.includes('shared/domain/health/health-service.ts'),
  sendEmail: (bundle: BuiltBundle) => bundle.includes('shared/adapters/email/ses-email-sender.ts'),
  // The secrets read from SSM (shared/adapters/payments/ssm-secret.ts), each by the code that uses it.
  readPaymentSecret: (bundle: BuiltBundle) =>
    bundle.includes('shared/adapters/payments/stripe-payment-gateway.ts') && readsSsm(bundle),
  readCarrierKey: (bundle: BuiltBundle) =>
    bundle.includes('shared/adapters/carrier/easypost-carrier.ts') && readsSsm(bundle),
  readCarrierWebhookSecret: (bundle: BuiltBundle) =>
    bundle.includes('shared/domain/fulfilment/carrier-webhook-signature.ts') && readsSsm(bundle),
  readWebhookSigningKey: (bundle: BuiltBundle) =>
    bundle.includes('shared/domain/webhooks/endpoint-secret.ts') && readsSsm(bundle),
  /** custom.iam.sendWebhookDeliveries: the webhook queue (the event publisher's fan-out, an admin's retry). */
  sendWebhookDeliveries: (bundle: BuiltBundle) => bundle.includes('shared/adapters/sqs/sqs-webhook-delivery-queue.ts'),
  /** custom.iam.putEvents: the stack's EventBridge bus. */
  putEvents: (bundle: BuiltBundle) => bundle.includes('shared/adapters/aws/eventbridge-event-bus.ts'),
  readWebhookSecret: (bundle: BuiltBundle) =>
    bundle.includes('shared/domain/payments/webhook-signature.ts') && readsSsm(bundle),
  readCursorSecret: (bundle: BuiltBundle) => bundle.includes('shared/lib/cursor-codec.ts') && readsSsm(bundle),
  /** The inline statement of a worker that holds records back: ChangeMessageVisibility on its own queue. */
  ownQueueVisibility: (bundle: BuiltBundle) =>
    bundle.includes('node_modules/@aws-sdk/client-sqs/dist-es/commands/ChangeMessageVisibilityCommand.js'),
} as const;
type Capability = keyof typeof CAPABILITIES;

/** Actions only a capability's statement may grant (the shared statements must not). */
const CAPABILITY_ACTIONS = [
  'sqs:SendMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'dynamodb:Scan',
  'dynamodb:BatchWriteItem',
  'dynamodb:DescribeTable',
  'ssm:GetParameter',
  'ses:SendEmail',
  'events:PutEvents',
];

interface BuiltBundle {
  text: string;
  includes(input: string): boolean;
}

async function bundleOf(entry: string): Promise<BuiltBundle> {
  const result = await build({
    ...deploymentBuildOptions(),
    absWorkingDir: repoRoot,
    entryPoints: [entry],
    outdir: 'unused',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const [output] = Object.values((result.metafile as Metafile).outputs);
  const [file] = result.outputFiles ?? [];
  if (!output || !file) throw new Error(`${entry}: no bundle`);
  // Tree-shaken modules stay in the metafile with no bytes in the output.
  return { text: file.text, includes: (input) => (output.inputs[input]?.bytesInOutput ?? 0) > 0 };
}

const actionsOf = (statement: Statement) => [statement.Action].flat();

/** A function's statements as capabilities (the read-only role's base left out); anything else as it is. */
function grantedTo(name: string, yml: ServerlessYml): string[] {
  const fn = yml.functions[name];
  const ownQueue = fn?.events?.find((event) => event.sqs)?.sqs?.arn;
  const base = (statement: string | Statement) =>
    typeof statement === 'string' && statement.startsWith('${self:custom.readOnlyRole.');
  return (fn?.iamRoleStatements ?? [])
    .filter((statement) => !base(statement))
    .map((statement) => {
      if (typeof statement === 'string') {
        const shared = /^\$\{self:custom\.iam\.(\w+)\}$/.exec(statement)?.[1];
        return shared && shared in yml.custom.iam ? shared : `unknown reference ${statement}`;
      }
      const visibilityOfOwnQueue =
        actionsOf(statement).join() === 'sqs:ChangeMessageVisibility' && statement.Resource === ownQueue;
      return visibilityOfOwnQueue ? 'ownQueueVisibility' : `inline ${JSON.stringify(statement)}`;
    });
}

/** The functions that only read (issue 11): no write on business items, only on their rate-limit counters. */
const READ_ONLY = ['health', 'openapi', 'docs', 'fallback', 'list-products', 'get-product', 'search-products'];

describe('IAM role per function', () => {
  const yml = readServerlessYml<ServerlessYml>();
  const functions = serviceFunctions();
  const needs = new Map<string, Capability[]>();
  /** Functions whose bundle holds the Cognito GetUser call (it needs no IAM: the access token authorises it). */
  const askingCognito: string[] = [];

  beforeAll(async () => {
    for (const fn of functions) {
      const bundle = await bundleOf(fn.entry);
      if (bundle.text.includes('AWSCognitoIdentityProviderService.GetUser')) askingCognito.push(fn.name);
      const capabilities = Object.keys(CAPABILITIES) as Capability[];
      needs.set(
        fn.name,
        capabilities.filter((capability) => CAPABILITIES[capability](bundle)),
      );
    }
  }, 180_000);

  it('gives every function its own role, starting from the shared statements', () => {
    expect(yml.plugins).toContain('serverless-iam-roles-per-function');
    expect(yml.custom['serverless-iam-roles-per-function']?.defaultInherit).toBe(true);
    const withoutOwnRole = functions.filter((fn) => !Array.isArray(yml.functions[fn.name]?.iamRoleStatements));
    expect(withoutOwnRole.map((fn) => fn.name)).toEqual([]);
  });

  it('shares only item access to the table (and tracing) between all functions', () => {
    const shared = yml.provider.iam.role.statements.flatMap(actionsOf);
    expect(shared.filter((action) => CAPABILITY_ACTIONS.includes(action))).toEqual([]);
    expect(shared.every((action) => action.startsWith('dynamodb:') || action.startsWith('xray:'))).toBe(true);
    for (const capability of Object.keys(yml.custom.iam)) expect(Object.keys(CAPABILITIES)).toContain(capability);
  });

  it('grants each function exactly the calls its bundle contains', () => {
    const mismatches = functions
      .map((fn) => ({
        function: fn.name,
        needs: [...(needs.get(fn.name) ?? [])].sort(),
        granted: grantedTo(fn.name, yml).sort(),
      }))
      .filter((row) => row.needs.join() !== row.granted.join());
    expect(mismatches).toEqual([]);
  });

  it('bundles the Cognito GetUser call only where a customer’s verified e-mail address is looked up', () => {
    expect(askingCognito.sort()).toEqual(['create-order', 'get-profile', 'update-profile']);
  });

  it('sees the calls it looks for (the detection itself works)', () => {
    expect(needs.get('notification-worker')).toEqual(['sendEmail']);
    expect(needs.get('payment-worker')).toEqual(['readPaymentSecret', 'ownQueueVisibility']);
    // Only the stream's forwarder, the jobs that resend lost work and the shop's re-drive send order work (decision 0012).
    expect(needs.get('work-forwarder')).toEqual(['sendOrderWork']);
    expect(
      [...needs].filter(([, capabilities]) => capabilities.includes('sendOrderWork')).map(([name]) => name),
    ).toEqual(['retry-fulfilment', 'run-job', 'reconcile', 'work-forwarder']);
    expect(needs.get('health')).toEqual(['checkHealth']);
    expect(needs.get('get-product')).toEqual(['readCursorSecret']);
    expect(needs.get('search-products')).toEqual(['readCursorSecret']);
    expect(needs.get('payment-webhook')).toEqual(['readPaymentSecret', 'readWebhookSecret']);
    expect(needs.get('fulfilment-worker')).toEqual(['readCarrierKey']);
    expect(needs.get('carrier-webhook')).toEqual(['readCarrierWebhookSecret']);
    expect(needs.get('create-webhook-endpoint')).toEqual(['readWebhookSigningKey']);
    expect(needs.get('docs')).toEqual([]);
  });

  it('lets a function read only the SSM parameters of the secrets it uses, each under the aws/ssm key', () => {
    const secrets = {
      readPaymentSecret: 'paymentGatewaySecretParameter',
      readWebhookSecret: 'paymentWebhookSecretParameter',
      readCursorSecret: 'cursorSecretParameter',
      readCarrierKey: 'carrierApiKeyParameter',
      readCarrierWebhookSecret: 'carrierWebhookSecretParameter',
      readWebhookSigningKey: 'webhookSigningKeyParameter',
    } as const;
    for (const [capability, parameter] of Object.entries(secrets)) {
      const statement = yml.custom.iam[capability] as Statement;
      const [arn] = [statement.Resource].flat() as Array<[string, unknown[]]>;
      expect({ capability, actions: actionsOf(statement) }).toEqual({ capability, actions: ['ssm:GetParameter'] });
      expect([statement.Resource].flat()).toHaveLength(1);
      expect(arn?.[1]?.at(-1)).toBe(`:parameter\${self:custom.${parameter}}`);
    }
    // A customer managed key would need kms:Decrypt; under aws/ssm no function is granted any KMS call.
    const everyAction = [
      ...yml.provider.iam.role.statements,
      ...Object.values(yml.custom.iam),
      ...Object.values(yml.functions).flatMap((fn) => fn.iamRoleStatements ?? []),
    ].flatMap((statement) => (typeof statement === 'string' ? [] : actionsOf(statement)));
    expect(everyAction.filter((action) => action.startsWith('kms:'))).toEqual([]);
  });
});

describe('least privilege of the read-only functions, e-mail and alarms', () => {
  const yml = readServerlessYml<ServerlessYml>();
  const dynamoWrites = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
  const statementsOf = (name: string) =>
    (yml.functions[name]?.iamRoleStatements ?? []).map((statement) => {
      const reference = typeof statement === 'string' ? /^\$\{self:custom\.(\w+)\.(\w+)\}$/.exec(statement) : null;
      if (typeof statement !== 'string') return statement;
      const group = reference?.[1] === 'readOnlyRole' ? yml.custom.readOnlyRole : yml.custom.iam;
      const found = reference?.[2] ? group[reference[2]] : undefined;
      if (!found) throw new Error(`${name}: unknown statement ${statement}`);
      return found;
    });

  it('gives the read-only functions none of the shared statements and no write but to their counters', () => {
    for (const name of READ_ONLY) {
      expect({ name, inherit: yml.functions[name]?.iamRoleStatementsInherit }).toEqual({ name, inherit: false });
      for (const statement of statementsOf(name)) {
        const written = actionsOf(statement).filter(
          (action) => dynamoWrites.includes(action) || action === 'dynamodb:*',
        );
        if (written.length === 0) continue;
        expect({ name, written, condition: statement.Condition }).toEqual({
          name,
          written: ['dynamodb:UpdateItem'],
          condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
        });
      }
    }
  });

  it('leaves only rate-limit counters under the partition keys those functions may write', () => {
    // The condition's pattern holds the counters, and no other kind of item.
    expect(keys.rateLimit('requests', 'ip:203.0.113.9', 42).PK).toMatch(/^RATE#/);
    const others = Object.entries(keys)
      .filter(([name, key]) => typeof key === 'function' && name !== 'rateLimit')
      .map(([name, key]) => ({ name, PK: (key as (...args: unknown[]) => { PK?: string })('a', 'b', 'c', 'd').PK }))
      .filter((key) => key.PK?.startsWith('RATE'));
    expect(others).toEqual([]);
  });

  it('makes the SES grant name the configured identity and configuration set only', () => {
    const resources = [yml.custom.iam.sendEmail?.Resource].flat() as unknown[];
    const text = JSON.stringify(resources);

    expect(text).not.toContain('*');
    expect(text).toContain(`:identity/\${self:custom.emailIdentity}`);
    expect(text).toContain(`:configuration-set/\${self:provider.environment.EMAIL_CONFIGURATION_SET}`);
    expect(text).toContain('HasEmailConfigurationSet');
  });

  it('encrypts the alarm topic with a rotated key that CloudWatch alarms may publish with', () => {
    const { Resources } = yml.resources;
    const topic = Resources.AlarmTopic?.Properties as { KmsMasterKeyId?: string };
    const keyId = topic.KmsMasterKeyId?.replace(/\.Arn$/, '') ?? '';
    const key = Resources[keyId] as { Type: string; Properties: { EnableKeyRotation: boolean; KeyPolicy: unknown } };

    expect(key?.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const policy = key.Properties.KeyPolicy as { Statement: Array<{ Principal: unknown; Action: string[] }> };
    const cloudWatch = policy.Statement.find(
      (statement) => JSON.stringify(statement.Principal) === '{"Service":"cloudwatch.amazonaws.com"}',
    );
    expect(cloudWatch?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });
});

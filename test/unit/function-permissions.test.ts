import { build, type Metafile } from 'esbuild';
import { deploymentBuildOptions, readServerlessYml, serviceFunctions } from '../../bench/lib/serverless-yml';
import { repoRoot } from '../../scripts/local/paths';

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
}

interface ServerlessYml {
  plugins: string[];
  provider: { iam: { role: { statements: Statement[] } } };
  custom: { iam: Record<string, Statement>; 'serverless-iam-roles-per-function'?: { defaultInherit?: boolean } };
  functions: Record<
    string,
    { iamRoleStatements?: Array<string | Statement>; events?: Array<{ sqs?: { arn: string } }> }
  >;
}

/** What a bundle can call beyond items of the table, and how its presence in a bundle shows. */
const CAPABILITIES = {
  /** custom.iam.sendOrderWork: the order-work queues (transactional outbox dispatch). */
  sendOrderWork: (bundle: BuiltBundle) => bundle.includes('shared/adapters/sqs/sqs-work-queue.ts'),
  requestErasure: (bundle: BuiltBundle) => bundle.includes('shared/adapters/sqs/sqs-erasure-queue.ts'),
  scanTable: (bundle: BuiltBundle) => bundle.includes('shared/adapters/dynamo/dynamo-expired-records.ts'),
  checkHealth: (bundle: BuiltBundle) => bundle.includes('shared/domain/health/health-service.ts'),
  sendEmail: (bundle: BuiltBundle) => bundle.includes('shared/adapters/email/ses-email-sender.ts'),
  // The SSM call is hand-signed (shared/adapters/payments/ssm-secret.ts), so its request is the mark.
  readPaymentSecret: (bundle: BuiltBundle) => bundle.text.includes('AmazonSSM.GetParameter'),
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
  'dynamodb:DescribeTable',
  'ssm:GetParameter',
  'ses:SendEmail',
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

/** A function's statements as capabilities; anything else is reported as it is. */
function grantedTo(name: string, yml: ServerlessYml): string[] {
  const fn = yml.functions[name];
  const ownQueue = fn?.events?.find((event) => event.sqs)?.sqs?.arn;
  return (fn?.iamRoleStatements ?? []).map((statement) => {
    if (typeof statement === 'string') {
      const shared = /^\$\{self:custom\.iam\.(\w+)\}$/.exec(statement)?.[1];
      return shared && shared in yml.custom.iam ? shared : `unknown reference ${statement}`;
    }
    const visibilityOfOwnQueue =
      actionsOf(statement).join() === 'sqs:ChangeMessageVisibility' && statement.Resource === ownQueue;
    return visibilityOfOwnQueue ? 'ownQueueVisibility' : `inline ${JSON.stringify(statement)}`;
  });
}

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
    expect(needs.get('payment-worker')).toEqual(['sendOrderWork', 'readPaymentSecret', 'ownQueueVisibility']);
    expect(needs.get('health')).toEqual(['checkHealth']);
    expect(needs.get('get-product')).toEqual([]);
  });
});

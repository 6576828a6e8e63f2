import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { readServerlessYml } from '../../bench/lib/serverless-yml';
import { repoRoot } from '../../scripts/local/paths';
import { type ParameterReader, ssmSecret } from '../../shared/adapters/payments/ssm-secret';
import { parseConfig } from '../../shared/config';
import { developmentSettingProblems } from '../../shared/production-safety';
import { awsEnvWithout, lambdaEnv, localEnv } from '../support/config-env';

interface PluginModule {
  new (
    serverless: unknown,
    options: { stage?: string },
    utils: { log: { warning: (text: string) => void } },
  ): {
    hooks: Record<string, () => void>;
  };
  developmentSettingProblems(env: Record<string, unknown>): string[];
}
// The deploy-time guard is a plain CommonJS Serverless plugin.
const plugin: PluginModule = require('../../scripts/deploy/production-safety-plugin.cjs');

/** A function's environment in AWS, complete and safe but for the overrides. */
const inLambda = (overrides: Record<string, string>) => lambdaEnv(overrides);

/** Every development setting the cold start and the deployment refuse, with the words the refusal uses. */
const DEVELOPMENT_SETTINGS: Array<[string, Record<string, string>, RegExp]> = [
  ['local auth', { AUTH_MODE: 'local', LOCAL_ISSUER_DIR: '/issuer' }, /AUTH_MODE=local/],
  ['file e-mails', { EMAIL_TRANSPORT: 'file' }, /EMAIL_TRANSPORT=file/],
  ['an http:// gateway', { PAYMENT_GATEWAY_URL: 'http://gateway.test' }, /PAYMENT_GATEWAY_URL is http:\/\//],
  ['an http:// carrier', { CARRIER_API_URL: 'http://carrier.test' }, /CARRIER_API_URL is http:\/\//],
  ['the sandbox carrier key', { CARRIER_API_KEY: 'EZTK_local_sandbox' }, /development default/],
  [
    'the development carrier webhook secret',
    { CARRIER_WEBHOOK_SECRET: 'carrier_local_webhook_secret' },
    /development default/,
  ],
  ['the development webhook secret', { PAYMENT_WEBHOOK_SECRET: 'whsec_local_dev' }, /development default/],
  ['the development cursor key', { CURSOR_SECRET: 'cartwheel-local-cursor-secret' }, /development default/],
  ['the sandbox gateway key', { PAYMENT_GATEWAY_SECRET: 'sk_test_local_sandbox' }, /development default/],
  ['a short secret', { PAYMENT_WEBHOOK_SECRET: 'whsec_0123456789abcdef' }, /22 bytes long: at least 32/],
];

describe('production safety at cold start (in AWS Lambda)', () => {
  it.each(DEVELOPMENT_SETTINGS)('refuses %s with a clear error', (_name, overrides, words) => {
    expect(() => parseConfig(inLambda(overrides))).toThrow(/refused in AWS Lambda/);
    expect(() => parseConfig(inLambda(overrides))).toThrow(words);
  });

  it('accepts a complete AWS environment: nothing of it is refused', () => {
    expect(parseConfig(inLambda({})).carrier.baseUrl).toBe('https://api.easypost.com');
  });

  it('accepts every local setting under serverless-offline and outside Lambda (npm start, tests)', () => {
    const local = {
      ...localEnv,
      EMAIL_TRANSPORT: 'file',
      PAYMENT_GATEWAY_URL: 'http://127.0.0.1:4010',
      PAYMENT_WEBHOOK_SECRET: 'whsec_local_dev',
    };

    expect(() => parseConfig(local)).not.toThrow();
    expect(() =>
      parseConfig({ ...local, AWS_LAMBDA_FUNCTION_NAME: 'cartwheel-local-get-product', IS_OFFLINE: 'true' }),
    ).not.toThrow();
    expect(() => parseConfig({ ...local, AWS_LAMBDA_FUNCTION_NAME: 'cartwheel-local-get-product' })).toThrow(
      /refused in AWS Lambda/,
    );
  });

  it('cannot be switched off in AWS by an IS_OFFLINE in the function configuration', () => {
    const runtime = { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', IS_OFFLINE: 'true' };

    expect(() => parseConfig(inLambda({ ...runtime, AUTH_MODE: 'local', LOCAL_ISSUER_DIR: '/issuer' }))).toThrow(
      /refused in AWS Lambda: AUTH_MODE=local/,
    );
  });
});

describe('secrets in SSM Parameter Store', () => {
  const aws = awsEnvWithout('none');

  it('outside local mode come from SSM parameters, which are required', () => {
    const config = parseConfig(aws);

    expect(config.paymentWebhookSecret).toEqual({
      source: 'ssm',
      parameterName: '/cartwheel/prod/payment-webhook-secret',
    });
    expect(config.cursorSecret).toEqual({ source: 'ssm', parameterName: '/cartwheel/prod/cursor-secret' });
    expect(() => parseConfig(awsEnvWithout('PAYMENT_WEBHOOK_SECRET_PARAMETER'))).toThrow(
      /PAYMENT_WEBHOOK_SECRET_PARAMETER is required outside local mode/,
    );
    expect(() => parseConfig(awsEnvWithout('CURSOR_SECRET_PARAMETER'))).toThrow(
      /CURSOR_SECRET_PARAMETER is required outside local mode/,
    );
  });

  it('outside local mode refuse a secret in plain environment (an unset one passed as empty is fine)', () => {
    const strong = 'x'.repeat(40);

    expect(() => parseConfig({ ...aws, PAYMENT_WEBHOOK_SECRET: strong })).toThrow(
      /PAYMENT_WEBHOOK_SECRET is for local mode only: keep the secret in SSM/,
    );
    expect(() => parseConfig({ ...aws, CURSOR_SECRET: strong })).toThrow(/CURSOR_SECRET is for local mode only/);
    expect(() => parseConfig({ ...aws, PAYMENT_WEBHOOK_SECRET: '', CURSOR_SECRET: '' })).not.toThrow();
  });

  it('locally still come from the plain variables, or their development defaults', () => {
    expect(parseConfig(localEnv).paymentWebhookSecret).toEqual({ source: 'value', value: 'whsec_local_dev' });
    expect(parseConfig({ ...localEnv, CURSOR_SECRET: 'a-local-cursor-key' }).cursorSecret).toEqual({
      source: 'value',
      value: 'a-local-cursor-key',
    });
  });

  /** An SSM double that counts its reads. */
  function parameters(values: Record<string, string>) {
    const reads: string[] = [];
    const reader: ParameterReader = {
      async getDecrypted(name) {
        reads.push(name);
        return values[name];
      },
    };
    return { reader, reads };
  }

  it('are read once per instance, and a refused value is not kept', async () => {
    const ssm = parameters({ '/p': 'whsec_local_dev' });
    const check = (value: string) => developmentSettingProblems({ PAYMENT_WEBHOOK_SECRET: value })[0];
    const secret = ssmSecret(ssm.reader, '/p', { check });

    await expect(secret()).rejects.toThrow('SSM parameter /p refused: PAYMENT_WEBHOOK_SECRET is a development default');
    await expect(secret()).rejects.toThrow(/refused/);
    expect(ssm.reads).toEqual(['/p', '/p']);

    const good = parameters({ '/q': 'q'.repeat(32) });
    const kept = ssmSecret(good.reader, '/q', { check: () => undefined });
    await expect(Promise.all([kept(), kept(), kept()])).resolves.toEqual([
      'q'.repeat(32),
      'q'.repeat(32),
      'q'.repeat(32),
    ]);
    expect(good.reads).toEqual(['/q']);
  });

  it('are checked for length and development defaults when read from SSM in AWS', async () => {
    const { secretValueProblem } = await import('../../shared/production-safety');

    expect(secretValueProblem('CURSOR_SECRET', 'cartwheel-local-cursor-secret')).toMatch(/development default/);
    expect(secretValueProblem('CURSOR_SECRET', 'é'.repeat(15))).toBe(
      'CURSOR_SECRET is 30 bytes long: at least 32 are required',
    );
    expect(secretValueProblem('CURSOR_SECRET', 'é'.repeat(16))).toBeUndefined();
  });

  it('reach every function through the SSM parameter names in serverless.yml', () => {
    const yml = readServerlessYml<{
      provider: { environment: Record<string, string> };
      custom: Record<string, string>;
    }>();

    expect(yml.provider.environment).toMatchObject({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
      PAYMENT_WEBHOOK_SECRET_PARAMETER: '${self:custom.paymentWebhookSecretParameter}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
      CURSOR_SECRET_PARAMETER: '${self:custom.cursorSecretParameter}',
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, as written in serverless.yml
    expect(yml.custom.cursorSecretParameter).toBe('/${self:service}/${sls:stage}/cursor-secret');
  });
});

describe('production safety at deployment', () => {
  it.each(DEVELOPMENT_SETTINGS)('the deploy guard refuses %s as the cold start does', (_name, overrides) => {
    const env = { ...inLambda({}), ...overrides };

    expect(plugin.developmentSettingProblems(env)).toEqual(developmentSettingProblems(env));
    expect(plugin.developmentSettingProblems(env)).toHaveLength(1);
  });

  /** The plugin as Serverless runs it, on a resolved service. */
  function runGuard(stage: string, command: string, environment: Record<string, string>) {
    const warnings: string[] = [];
    const serverless = {
      service: {
        provider: { stage, environment },
        functions: { 'get-product': { handler: 'functions/http/get-product.handler' } },
        custom: { productionSafety: { packageOnlyStages: ['ci'] }, emailIdentity: 'shop.example' },
      },
      processedInput: { commands: [command] },
    };
    const guard = new plugin(serverless, { stage }, { log: { warning: (text) => warnings.push(text) } });
    return { warnings, run: () => guard.hooks['before:package:initialize']?.() };
  }

  it('only warns for the package-only stage ci, and refuses to deploy it', () => {
    const packaging = runGuard('ci', 'package', { CARRIER_API_URL: 'http://carrier.test' });
    expect(packaging.run).not.toThrow();
    expect(packaging.warnings.join()).toMatch(/package-only.*\n.*CARRIER_API_URL is http:\/\//);

    expect(runGuard('ci', 'deploy', {}).run).toThrow(/Stage "ci" is only packaged .* never deployed/);
    expect(runGuard('prod', 'deploy', { AUTH_MODE: 'cognito', CARRIER: 'easypost' }).run).not.toThrow();
    expect(runGuard('prod', 'deploy', { CARRIER: 'easypost', IS_OFFLINE: 'true' }).run).toThrow(/IS_OFFLINE is set/);
  });

  it('makes `serverless package` of a deployable stage fail with the list of problems', async () => {
    const bin = path.join(path.dirname(require.resolve('serverless/package.json')), 'bin', 'serverless.js');
    const env = {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      AUTH_MODE: 'local',
      PAYMENT_WEBHOOK_SECRET: 'whsec_local_dev',
      CARRIER_API_URL: 'http://carrier.test',
    };
    const run = promisify(execFile)(process.execPath, [bin, 'package', '--stage', 'prod'], { cwd: repoRoot, env });

    const failure = await run.then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const output = `${failure?.stdout}${failure?.stderr}`;
    expect(output).toContain('Stage "prod" cannot be packaged or deployed with development settings:');
    expect(output).toContain('- AUTH_MODE=local accepts tokens anyone can mint');
    expect(output).toContain('- PAYMENT_WEBHOOK_SECRET is a development default');
    expect(output).toContain('- CARRIER_API_URL is http://');
  }, 60_000);
});

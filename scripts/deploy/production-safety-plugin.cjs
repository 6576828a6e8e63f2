'use strict';

/**
 * A local Serverless plugin: `serverless package` and `serverless deploy` refuse a stage whose
 * functions would run with development settings (issue 11, item 8), with one line per problem.
 * The deployed functions refuse them too, at cold start (shared/production-safety.ts); this plugin
 * cannot import that TypeScript module and repeats its rules, and test/unit/production-safety.test.ts
 * feeds both the same environments.
 *
 * `custom.productionSafety.packageOnlyStages` (`ci`): stages that are packaged to check the build
 * (`npm run package` in CI, without AWS credentials) and never deployed. There the problems are
 * printed as warnings, and `deploy` is refused outright.
 */

const DEVELOPMENT_SECRETS = ['sk_test_local_sandbox', 'whsec_local_dev', 'cartwheel-local-cursor-secret'];
const MIN_SECRET_BYTES = 32;

/** The same rules as developmentSettingProblems in shared/production-safety.ts. */
function developmentSettingProblems(env) {
  const text = (name) => (typeof env[name] === 'string' ? env[name] : undefined);
  const problems = [];
  if (text('AUTH_MODE') === 'local') problems.push('AUTH_MODE=local accepts tokens anyone can mint: use cognito');
  if (text('CARRIER') === 'sandbox') problems.push('CARRIER=sandbox books no real shipment: configure a real carrier');
  if (text('EMAIL_TRANSPORT') === 'file')
    problems.push('EMAIL_TRANSPORT=file writes e-mails that vanish with the Lambda instance: use ses');
  if (text('PAYMENT_GATEWAY_URL')?.toLowerCase().startsWith('http://'))
    problems.push('PAYMENT_GATEWAY_URL is http://: card tokens and the secret key would travel in clear text');
  for (const name of ['PAYMENT_GATEWAY_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'CURSOR_SECRET']) {
    const value = text(name);
    if (!value) continue;
    const bytes = Buffer.byteLength(value, 'utf8');
    if (DEVELOPMENT_SECRETS.includes(value))
      problems.push(`${name} is a development default, published in the repository`);
    else if (bytes < MIN_SECRET_BYTES)
      problems.push(`${name} is ${bytes} bytes long: at least ${MIN_SECRET_BYTES} are required`);
    else problems.push(`${name} is set in plain environment: keep it in SSM`);
  }
  return problems;
}

/** Every problem of the resolved service: the provider's environment merged with each function's. */
function serviceProblems(service) {
  const shared = service.provider?.environment ?? {};
  const found = new Set(developmentSettingProblems(shared));
  // Deploy-time only: the functions take IS_OFFLINE=true for serverless-offline.
  if (shared.IS_OFFLINE) found.add('IS_OFFLINE is set: it marks serverless-offline, never a deployed function');
  // Deploy-time only: without it, ses:SendEmail would be granted on no identity (custom.iam.sendEmail).
  if (!service.custom?.emailIdentity)
    found.add('EMAIL_IDENTITY is not set: the SES identity (domain or address) that EMAIL_FROM sends as');
  for (const [name, fn] of Object.entries(service.functions ?? {})) {
    if (!fn?.environment) continue;
    for (const problem of developmentSettingProblems({ ...shared, ...fn.environment }))
      found.add(`${problem} (function ${name})`);
  }
  return [...found];
}

class ProductionSafetyPlugin {
  constructor(serverless, options, utils = {}) {
    this.serverless = serverless;
    this.options = options ?? {};
    this.log = utils.log;
    const check = () => this.check();
    this.hooks = {
      'before:package:initialize': check,
      'before:deploy:deploy': check,
      'before:deploy:function:initialize': check,
    };
  }

  check() {
    const { service } = this.serverless;
    const stage = this.options.stage ?? service.provider?.stage;
    const packageOnly = service.custom?.productionSafety?.packageOnlyStages ?? [];
    const command = this.serverless.processedInput?.commands?.[0];
    const Refusal = this.serverless.classes?.Error ?? Error;
    if (packageOnly.includes(stage) && command === 'deploy') {
      throw new Refusal(
        `Stage "${stage}" is only packaged (custom.productionSafety.packageOnlyStages), never deployed: deploy another stage.`,
      );
    }
    const problems = serviceProblems(service);
    if (problems.length === 0) return;
    const list = problems.map((problem) => `  - ${problem}`).join('\n');
    if (packageOnly.includes(stage)) {
      this.log?.warning?.(`Stage "${stage}" is package-only; deploying these settings would be refused:\n${list}`);
      return;
    }
    throw new Refusal(`Stage "${stage}" cannot be packaged or deployed with development settings:\n${list}`);
  }
}

module.exports = ProductionSafetyPlugin;
module.exports.developmentSettingProblems = developmentSettingProblems;
module.exports.serviceProblems = serviceProblems;

'use strict';

/**
 * A local Serverless plugin: `serverless package` and `serverless deploy` refuse a stage whose
 * functions would run with development settings (issue 11, item 8), with one line per problem.
 * The deployed functions refuse them too, at cold start, by the same rules: this plugin loads
 * shared/production-safety.ts itself (scripts/load-typescript.cjs).
 *
 * `custom.productionSafety.packageOnlyStages` (`ci`): stages that are packaged to check the build
 * (`npm run package` in CI, without AWS credentials) and never deployed. There the problems are
 * printed as warnings, and `deploy` is refused outright.
 */

const path = require('node:path');
const { loadTypeScript } = require('../load-typescript.cjs');

/** The rules the functions apply at cold start, loaded from their own module. */
const { developmentSettingProblems } = loadTypeScript(
  path.join(__dirname, '..', '..', 'shared', 'production-safety.ts'),
);

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

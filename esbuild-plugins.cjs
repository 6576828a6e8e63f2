/**
 * esbuild plugins for the Lambda bundles (serverless-esbuild `plugins`, and `npm run bench`).
 */
const path = require('node:path');

/**
 * Redirects the AWS SDK's default credential chain to the environment provider: in Lambda the
 * role's credentials are always in the environment (see shared/adapters/aws/lambda-credentials.ts).
 */
const lambdaCredentials = {
  name: 'lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: path.join(__dirname, 'shared', 'adapters', 'aws', 'lambda-credentials.ts'),
    }));
  },
};

/**
 * Packages whose modules have no import-time side effects but do not say so in package.json:
 * declaring it lets esbuild drop them from functions that import but never use them.
 */
const SIDE_EFFECT_FREE = ['@aws-sdk/lib-dynamodb'];

const sideEffectFree = {
  name: 'side-effect-free',
  setup(build) {
    const filter = new RegExp(`^(${SIDE_EFFECT_FREE.map((name) => name.replace('/', '\\/')).join('|')})$`);
    build.onResolve({ filter }, async (args) => {
      if (args.pluginData?.sideEffectFree) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { sideEffectFree: true },
      });
      return { ...resolved, sideEffects: false };
    });
  },
};

/**
 * Packages bundled from their ES module build (`module`) instead of `main`: their CommonJS build is
 * one file that esbuild cannot tree-shake, so every command and schema of the service would be
 * bundled. @aws-sdk/client-ssm's CommonJS build alone is ~205 KiB of the payment worker; its ES
 * build, shaken down to GetParameter, ~76 KiB (docs/decisions/0004-payment-gateway.md). The same for
 * @aws-sdk/client-sesv2: ~102 KiB of CommonJS, ~62 KiB shaken down to SendEmail, and with the shared
 * SDK code it pulls in, ~41 KiB less per function that sends e-mail. The SQS client
 * gains less (a few KiB: most of what it brings is the shared SDK core). The DynamoDB client stays on
 * its CommonJS build: the bare handler the cold-import and size figures compare against uses it too.
 */
const ES_MODULE_BUILDS = ['@aws-sdk/client-ssm', '@aws-sdk/client-sesv2', '@aws-sdk/client-sqs'];

const esModuleBuild = {
  name: 'es-module-build',
  setup(build) {
    const filter = new RegExp(`^(${ES_MODULE_BUILDS.map((name) => name.replace('/', '\\/')).join('|')})$`);
    build.onResolve({ filter }, (args) => {
      const packageDir = path.dirname(require.resolve(`${args.path}/package.json`, { paths: [args.resolveDir] }));
      const { module: entry } = require(path.join(packageDir, 'package.json'));
      return { path: path.join(packageDir, entry), sideEffects: false };
    });
  },
};

module.exports = [lambdaCredentials, sideEffectFree, esModuleBuild];

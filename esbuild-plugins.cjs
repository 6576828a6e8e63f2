/**
 * esbuild plugins for the Lambda bundles (serverless-esbuild `plugins`, and `npm run bench`).
 * Which build of a package is bundled (its ES build, for every AWS SDK client) is not a plugin's
 * business: `mainFields` in serverless.yml custom.esbuild chooses it for all packages alike.
 */
const { readFile } = require('node:fs/promises');
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
 * declaring it lets esbuild drop them from functions that import but never use them. aws-jwt-verify
 * (its top level only declares classes, constants and TypeScript enums): public routes declared with
 * `publicHttpRoute` (shared/container/http.ts) never verify a token, and so carry none of its ~16 KiB.
 */
const SIDE_EFFECT_FREE = ['@aws-sdk/lib-dynamodb', 'aws-jwt-verify', 'aws-jwt-verify/error', 'aws-jwt-verify/jwk'];

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
 * The AWS SDK clients import their whole package.json for one field, the client version in the
 * user agent, and esbuild inlines all of it (~2.4 KiB per client: scripts, dependencies, ...):
 * hand them that field alone.
 */
const sdkClientVersion = {
  name: 'sdk-client-version',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]package\.json$/ }, async (args) => {
      const { version } = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
  },
};

/**
 * `import text from '<module path>?text'`: the file's content as a string (the API reference's
 * static files, shared/api/docs-assets.ts), so the one function that serves them carries them and
 * no other bundle does.
 */
const textAssets = {
  name: 'text-assets',
  setup(build) {
    build.onResolve({ filter: /\?text$/ }, async (args) => {
      const resolved = await build.resolve(args.path.slice(0, -'?text'.length), {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, namespace: 'text-asset' };
    });
    build.onLoad({ filter: /.*/, namespace: 'text-asset' }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

module.exports = [lambdaCredentials, sideEffectFree, sdkClientVersion, textAssets];

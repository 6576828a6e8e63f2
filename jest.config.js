/** @type {import('jest').Config} */
const transform = {
  // The API reference's static files, imported as `swagger-ui-dist/<file>?text` (shared/api/docs-assets.ts):
  // their content as a string, as esbuild-plugins.cjs `text-assets` bundles them.
  '/node_modules/swagger-ui-dist/.+\\.(css|js)$': '<rootDir>/test/support/text-transform.cjs',
  '^.+\\.(t|j|mj)sx?$': ['@swc/jest'],
};
// @middy/* (and a few other deps) ship ESM only: let swc transform them too.
const transformIgnorePatterns = ['/node_modules/(?!(@middy|swagger-ui-dist)/)'];
// ...and their package exports offer only an `import` condition, so point jest at the files.
const moduleNameMapper = {
  '^@middy/([a-z-]+)$': '<rootDir>/node_modules/@middy/$1/index.js',
  '^(swagger-ui-dist/.+)\\?text$': '<rootDir>/node_modules/$1',
};
const common = { transform, transformIgnorePatterns, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/unit-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/unit-global-teardown.ts',
      setupFiles: ['<rootDir>/test/support/unit-env.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['<rootDir>/test/support/integration-env.ts'],
    },
    {
      ...common,
      // The CloudFormation template as `serverless package` generates it (packaged once, in globalSetup).
      displayName: 'template',
      testMatch: ['<rootDir>/test/template/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/template-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/template-global-teardown.ts',
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
  testTimeout: 30000,
};

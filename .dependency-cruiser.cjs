/** The layering of STYLE.md: the domain knows nothing of AWS, adapters or entry points. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'shared/domain must not import AWS SDKs, aws-lambda, adapters, the HTTP layer, the container or functions',
      severity: 'error',
      from: { path: '^shared/domain' },
      to: {
        path: [
          '^shared/adapters',
          '^shared/http',
          '^shared/container',
          '^functions',
          '@aws-sdk',
          'aws-lambda',
          '@middy',
        ],
      },
    },
    {
      name: 'shared-does-not-import-functions',
      severity: 'error',
      from: { path: '^shared' },
      to: { path: '^functions' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['node_modules', '\\.esbuild', '\\.serverless'] },
  },
};

import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles (see esbuild-plugins.cjs).
 * Lambda always hands the function's role credentials over in environment variables, so the
 * default chain's SSO, profile, STS and instance-metadata providers are dead weight: ~90 KB of
 * bundle and cold-start parse time per function.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);

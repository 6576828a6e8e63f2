import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The yardstick's stand-in for `@aws-sdk/credential-provider-node` (bench/lib/build-bundles.ts):
 * in Lambda the role's credentials are always in the environment, so the best bare handler reads
 * them there and carries none of the default chain's other providers. The bench's own copy, so
 * that a change to the project's plugins never moves the yardstick.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);

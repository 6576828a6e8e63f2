/**
 * Credentials for the local engines. They accept any key; fixed dummy values keep a developer's
 * real AWS credentials (and the EC2 metadata endpoint) out of every local run.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The account id the local SQS engine puts in queue URLs and ARNs (cosmetic). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Environment for any process that uses the AWS SDK against the local engines: endpoints,
 * region, dummy credentials. Profiles are removed because the SDK skips environment
 * credentials when AWS_PROFILE is set.
 */
export function localAwsEnv(options: {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  region: string;
}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: options.sqsEndpoint,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Variables that would make the SDK ignore the dummy credentials or reach real AWS. */
export const SHADOWING_AWS_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN'] as const;

/** Applies the local AWS environment to an env object, removing what would shadow it. */
export function withLocalAws(env: NodeJS.ProcessEnv, local: Record<string, string>): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...env, ...local };
  for (const name of SHADOWING_AWS_VARIABLES) delete result[name];
  return result;
}

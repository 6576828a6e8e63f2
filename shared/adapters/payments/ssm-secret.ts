import { GetParameterCommand, type GetParameterCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import type { SecretSource } from './stripe-payment-gateway';

/** The one call this module makes; tests pass a fake. */
export interface ParameterReader {
  send(command: GetParameterCommand): Promise<Pick<GetParameterCommandOutput, 'Parameter'>>;
}

/** The SSM client; only the payment gateway's composition creates it. */
export function createSsmClient(region: string): SSMClient {
  return new SSMClient({ region, maxAttempts: 3 });
}

/**
 * A SecureString parameter of SSM Parameter Store, read (decrypted) on first use and kept for the
 * life of the Lambda instance: one GetParameter per cold start, none on the hot path. A failed read
 * is not kept, so the next call tries again. A rotated secret reaches an instance at its next cold
 * start (docs/decisions/0004-payment-gateway.md).
 */
export function ssmSecret(ssm: ParameterReader, name: string): SecretSource {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= read(ssm, name).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

async function read(ssm: ParameterReader, name: string): Promise<string> {
  const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = Parameter?.Value;
  if (!value) throw new Error(`SSM parameter ${name} has no value`);
  return value;
}

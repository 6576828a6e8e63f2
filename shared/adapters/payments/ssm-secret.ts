import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultProvider } from '../aws/lambda-credentials';
import type { SecretSource } from './stripe-payment-gateway';

/** The one call this module makes; tests pass a fake. */
export interface ParameterReader {
  /** The decrypted value of a parameter, or undefined when it has none. */
  getDecrypted(name: string): Promise<string | undefined>;
}

/** SHA-256 (and HMAC-SHA-256 with a key) from node:crypto, in the shape SigV4 signing asks for. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly key?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.key === undefined) return createHash('sha256');
    const key = typeof this.key === 'string' ? this.key : Buffer.from(this.key as ArrayBuffer);
    return createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/**
 * SSM's GetParameter as one signed HTTPS call. The SDK's SSM client costs ~76 KiB of the payment
 * functions' bundles for this single call and would push them past their size budget; the SigV4
 * signer is already in every bundle (docs/decisions/0004-payment-gateway.md).
 */
export function createSsmParameterReader(
  region: string,
  options: {
    timeoutMs?: number /** Tests: another endpoint than `https://ssm.<region>.amazonaws.com`. */;
    endpoint?: string;
  } = {},
): ParameterReader {
  const url = new URL(options.endpoint ?? `https://ssm.${region}.amazonaws.com/`);
  const { hostname, host } = url;
  const signer = new SignatureV4({ service: 'ssm', region, credentials: defaultProvider(), sha256: NodeSha256 });
  return {
    async getDecrypted(name) {
      const body = JSON.stringify({ Name: name, WithDecryption: true });
      const signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname,
        path: '/',
        query: {},
        headers: {
          host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonSSM.GetParameter',
        },
        body,
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: signed.headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      });
      const answer = (await response.json().catch(() => ({}))) as {
        Parameter?: { Value?: string };
        __type?: string;
        message?: string;
      };
      if (!response.ok)
        throw new Error(
          `SSM GetParameter ${name} failed: ${response.status} ${answer.__type ?? ''} ${answer.message ?? ''}`,
        );
      return answer.Parameter?.Value;
    },
  };
}

/**
 * A SecureString parameter of SSM Parameter Store, read (decrypted) on first use and kept for the
 * life of the Lambda instance: one GetParameter per cold start, none on the hot path. A failed read
 * is not kept, so the next call tries again. A rotated secret reaches an instance at its next cold
 * start (docs/decisions/0004-payment-gateway.md).
 */
export function ssmSecret(
  ssm: ParameterReader,
  name: string,
  options: {
    /** Why the value must not be used (too short, a development default), or undefined: checked on every read. */
    check?: (value: string) => string | undefined;
  } = {},
): SecretSource {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= read(ssm, name, options.check).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

async function read(ssm: ParameterReader, name: string, check?: (value: string) => string | undefined) {
  const value = await ssm.getDecrypted(name);
  if (!value) throw new Error(`SSM parameter ${name} has no value`);
  // Refused, never cached: a fixed parameter is picked up by the next call without a cold start.
  const problem = check?.(value);
  if (problem) throw new Error(`SSM parameter ${name} refused: ${problem}`);
  return value;
}

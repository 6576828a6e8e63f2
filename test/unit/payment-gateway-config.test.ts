import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSsmParameterReader, type ParameterReader, ssmSecret } from '../../shared/adapters/payments/ssm-secret';
import { LOCAL_PAYMENT_GATEWAY_SECRET, parseConfig } from '../../shared/config';
import { awsEnvWithout, localEnv } from '../support/config-env';

const aws = awsEnvWithout('PAYMENT_GATEWAY_SECRET_PARAMETER');

describe('payment gateway configuration', () => {
  it('defaults to Stripe, a 5 s timeout, 3 attempts, and a circuit that 5 failures in 60 s open for 30 s', () => {
    expect(parseConfig(localEnv).paymentGateway).toEqual({
      baseUrl: 'https://api.stripe.com',
      timeoutMs: 5000,
      maxAttempts: 3,
      circuit: { failureThreshold: 5, windowSeconds: 60, cooldownSeconds: 30, cacheSeconds: 2 },
      secret: { source: 'value', value: LOCAL_PAYMENT_GATEWAY_SECRET },
    });
  });

  it('takes the circuit settings from the environment, and refuses a zero threshold or a negative cache time', () => {
    const env = {
      ...localEnv,
      PAYMENT_CIRCUIT_FAILURE_THRESHOLD: '2',
      PAYMENT_CIRCUIT_WINDOW_SECONDS: '10',
      PAYMENT_CIRCUIT_COOLDOWN_SECONDS: '120',
      PAYMENT_CIRCUIT_CACHE_SECONDS: '0',
    };

    expect(parseConfig(env).paymentGateway.circuit).toEqual({
      failureThreshold: 2,
      windowSeconds: 10,
      cooldownSeconds: 120,
      cacheSeconds: 0,
    });
    expect(() => parseConfig({ ...env, PAYMENT_CIRCUIT_FAILURE_THRESHOLD: '0' })).toThrow(
      /PAYMENT_CIRCUIT_FAILURE_THRESHOLD/,
    );
    expect(() => parseConfig({ ...env, PAYMENT_CIRCUIT_CACHE_SECONDS: '-1' })).toThrow(/PAYMENT_CIRCUIT_CACHE_SECONDS/);
  });

  it('in local mode takes the secret from PAYMENT_GATEWAY_SECRET and ignores the SSM parameter', () => {
    const { secret } = parseConfig({
      ...localEnv,
      PAYMENT_GATEWAY_SECRET: 'sk_test_mine',
      PAYMENT_GATEWAY_SECRET_PARAMETER: '/cartwheel/local/payment-gateway-secret',
    }).paymentGateway;

    expect(secret).toEqual({ source: 'value', value: 'sk_test_mine' });
  });

  it('in AWS reads the secret from the SSM parameter, which is then required', () => {
    const parameter = '/cartwheel/prod/payment-gateway-secret';

    expect(parseConfig({ ...aws, PAYMENT_GATEWAY_SECRET_PARAMETER: parameter }).paymentGateway.secret).toEqual({
      source: 'ssm',
      parameterName: parameter,
    });
    expect(() => parseConfig(aws)).toThrow(/PAYMENT_GATEWAY_SECRET_PARAMETER is required outside local mode/);
  });

  it('in AWS refuses a secret in plain environment (deployment passes an unset one as empty: fine)', () => {
    const env = { ...aws, PAYMENT_GATEWAY_SECRET_PARAMETER: '/cartwheel/prod/payment-gateway-secret' };

    expect(() => parseConfig({ ...env, PAYMENT_GATEWAY_SECRET: 'sk_live_leaked' })).toThrow(
      /PAYMENT_GATEWAY_SECRET is for local mode only/,
    );
    expect(() => parseConfig({ ...env, PAYMENT_GATEWAY_SECRET: '' })).not.toThrow();
  });

  it('refuses a gateway URL that is not http(s), a zero timeout and unbounded attempts', () => {
    expect(() => parseConfig({ ...localEnv, PAYMENT_GATEWAY_URL: 'ftp://gateway.test' })).toThrow(
      /PAYMENT_GATEWAY_URL/,
    );
    expect(() => parseConfig({ ...localEnv, PAYMENT_GATEWAY_TIMEOUT_MS: '0' })).toThrow(/PAYMENT_GATEWAY_TIMEOUT_MS/);
    expect(() => parseConfig({ ...localEnv, PAYMENT_GATEWAY_MAX_ATTEMPTS: '50' })).toThrow(
      /PAYMENT_GATEWAY_MAX_ATTEMPTS/,
    );
  });
});

describe('the gateway secret from SSM Parameter Store', () => {
  function parameterStore(...answers: Array<string | Error | undefined>) {
    const requests: string[] = [];
    const reader: ParameterReader = {
      getDecrypted: async (name) => {
        requests.push(name);
        const answer = answers[Math.min(requests.length, answers.length) - 1];
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    return { reader, requests };
  }

  it('is read once, decrypted, and then served from memory', async () => {
    const { reader, requests } = parameterStore('sk_live_1');
    const secret = ssmSecret(reader, '/cartwheel/prod/payment-gateway-secret');

    const values = await Promise.all([secret(), secret(), secret()]);

    expect(values).toEqual(['sk_live_1', 'sk_live_1', 'sk_live_1']);
    expect(requests).toHaveLength(1);
    expect(requests).toEqual(['/cartwheel/prod/payment-gateway-secret']);
  });

  it('is read again after a failed read instead of keeping the failure', async () => {
    const { reader, requests } = parameterStore(new Error('ThrottlingException'), 'sk_live_1');
    const secret = ssmSecret(reader, '/p');

    await expect(secret()).rejects.toThrow('ThrottlingException');
    expect(await secret()).toBe('sk_live_1');
    expect(requests).toHaveLength(2);
  });

  it('fails when the parameter has no value', async () => {
    const { reader } = parameterStore(undefined);

    await expect(ssmSecret(reader, '/p')()).rejects.toThrow('SSM parameter /p has no value');
  });
});

describe('the SSM GetParameter call', () => {
  it('is one SigV4-signed JSON request for the decrypted parameter', async () => {
    const seen: Array<{ headers: Record<string, unknown>; body: string }> = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.push({ headers: request.headers, body });
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        response.end(JSON.stringify({ Parameter: { Name: '/p', Type: 'SecureString', Value: 'sk_live_9' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const previous = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    try {
      const { port } = server.address() as AddressInfo;
      const reader = createSsmParameterReader('eu-west-1', { endpoint: `http://127.0.0.1:${port}/` });
      expect(await reader.getDecrypted('/p')).toBe('sk_live_9');
      expect(seen).toHaveLength(1);
      expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ Name: '/p', WithDecryption: true });
      expect(seen[0]?.headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
      expect(seen[0]?.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ssm\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
      );
    } finally {
      for (const [name, value] of [
        ['AWS_ACCESS_KEY_ID', previous.id],
        ['AWS_SECRET_ACCESS_KEY', previous.key],
      ] as const)
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      server.close();
    }
  });
});

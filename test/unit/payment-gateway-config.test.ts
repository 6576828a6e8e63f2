import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { type ParameterReader, ssmSecret } from '../../shared/adapters/payments/ssm-secret';
import { LOCAL_PAYMENT_GATEWAY_SECRET, parseConfig } from '../../shared/config';

const resources = {
  TABLE_NAME: 'table',
  PAYMENT_QUEUE_URL: 'http://127.0.0.1:9/0/payment',
  FULFILMENT_QUEUE_URL: 'http://127.0.0.1:9/0/fulfilment',
  NOTIFICATION_QUEUE_URL: 'http://127.0.0.1:9/0/notification',
  ERASURE_QUEUE_URL: 'http://127.0.0.1:9/0/erasure',
};
const local = { ...resources, AUTH_MODE: 'local', LOCAL_ISSUER_DIR: '/issuer' };
const aws = {
  ...resources,
  AUTH_MODE: 'cognito',
  COGNITO_USER_POOL_ID: 'pool',
  COGNITO_CLIENT_ID: 'client',
  PAYMENT_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
  CURSOR_SECRET: '0123456789abcdef0123',
};

describe('payment gateway configuration', () => {
  it('defaults to Stripe, a 5 s timeout and 3 attempts', () => {
    expect(parseConfig(local).paymentGateway).toEqual({
      baseUrl: 'https://api.stripe.com',
      timeoutMs: 5000,
      maxAttempts: 3,
      secret: { source: 'value', value: LOCAL_PAYMENT_GATEWAY_SECRET },
    });
  });

  it('in local mode takes the secret from PAYMENT_GATEWAY_SECRET and ignores the SSM parameter', () => {
    const { secret } = parseConfig({
      ...local,
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
    expect(() => parseConfig({ ...local, PAYMENT_GATEWAY_URL: 'ftp://gateway.test' })).toThrow(/PAYMENT_GATEWAY_URL/);
    expect(() => parseConfig({ ...local, PAYMENT_GATEWAY_TIMEOUT_MS: '0' })).toThrow(/PAYMENT_GATEWAY_TIMEOUT_MS/);
    expect(() => parseConfig({ ...local, PAYMENT_GATEWAY_MAX_ATTEMPTS: '50' })).toThrow(/PAYMENT_GATEWAY_MAX_ATTEMPTS/);
  });
});

describe('the gateway secret from SSM Parameter Store', () => {
  function parameterStore(...answers: Array<string | Error | undefined>) {
    const requests: GetParameterCommand[] = [];
    const reader: ParameterReader = {
      send: async (command) => {
        requests.push(command);
        const answer = answers[Math.min(requests.length, answers.length) - 1];
        if (answer instanceof Error) throw answer;
        return { Parameter: answer === undefined ? {} : { Value: answer } };
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
    expect(requests[0]).toBeInstanceOf(GetParameterCommand);
    expect(requests[0]?.input).toEqual({ Name: '/cartwheel/prod/payment-gateway-secret', WithDecryption: true });
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

import {
  LOCAL_CARRIER_API_KEY,
  LOCAL_CARRIER_FROM_ADDRESS_ID,
  LOCAL_CARRIER_WEBHOOK_SECRET,
  LOCAL_EMAIL_FROM,
  parseConfig,
} from '../../shared/config';
import { awsEnvWithout, localEnv } from '../support/config-env';

const aws = awsEnvWithout('EMAIL_FROM');

describe('e-mail and carrier configuration', () => {
  it('defaults to SES, the local sender, the outbox under .local, the shop name Cartwheel and EasyPost’s API', () => {
    const config = parseConfig(localEnv);

    expect(config.email).toEqual({
      transport: 'ses',
      from: LOCAL_EMAIL_FROM,
      configurationSet: null,
      outboxDir: '.local/outbox',
      shopName: 'Cartwheel',
      // SES's default 14 per second, shared by the worker's default maximum of 2 instances.
      sendsPerSecondPerInstance: 7,
    });
    expect(LOCAL_EMAIL_FROM).toBe('Cartwheel <orders@cartwheel.invalid>');
    expect(config.carrier).toEqual({
      provider: 'easypost',
      baseUrl: 'https://api.easypost.com',
      apiKey: { source: 'value', value: LOCAL_CARRIER_API_KEY },
      webhookSecret: { source: 'value', value: LOCAL_CARRIER_WEBHOOK_SECRET },
      fromAddressId: LOCAL_CARRIER_FROM_ADDRESS_ID,
      timeoutMs: 5000,
      maxAttempts: 3,
      defaultParcelGrams: 500,
    });
  });

  it('takes every setting from the environment', () => {
    const config = parseConfig({
      ...localEnv,
      EMAIL_TRANSPORT: 'file',
      EMAIL_FROM: 'Tea & Mugs <orders@tea.example>',
      EMAIL_CONFIGURATION_SET: 'tea-events',
      EMAIL_OUTBOX_DIR: '/tmp/outbox',
      EMAIL_SHOP_NAME: 'Tea & Mugs',
      EMAIL_SENDS_PER_SECOND: '50',
      NOTIFICATION_WORKER_MAX_CONCURRENCY: '4',
      CARRIER: 'easypost',
      CARRIER_API_URL: 'http://127.0.0.1:4020',
      CARRIER_API_KEY: 'EZTK_mine',
      CARRIER_WEBHOOK_SECRET: 'mine-to-sign',
      CARRIER_FROM_ADDRESS_ID: 'adr_shop',
      CARRIER_TIMEOUT_MS: '2500',
      CARRIER_MAX_ATTEMPTS: '2',
      CARRIER_DEFAULT_PARCEL_GRAMS: '800',
    });
    expect(config.carrier).toEqual({
      provider: 'easypost',
      baseUrl: 'http://127.0.0.1:4020',
      apiKey: { source: 'value', value: 'EZTK_mine' },
      webhookSecret: { source: 'value', value: 'mine-to-sign' },
      fromAddressId: 'adr_shop',
      timeoutMs: 2500,
      maxAttempts: 2,
      defaultParcelGrams: 800,
    });

    expect(config.email).toEqual({
      transport: 'file',
      from: 'Tea & Mugs <orders@tea.example>',
      configurationSet: 'tea-events',
      outboxDir: '/tmp/outbox',
      shopName: 'Tea & Mugs',
      sendsPerSecondPerInstance: 12.5,
    });
  });

  it('in AWS requires EMAIL_FROM (deployment passes an unset one as empty)', () => {
    expect(() => parseConfig(aws)).toThrow(/EMAIL_FROM is required outside local mode/);
    expect(() => parseConfig({ ...aws, EMAIL_FROM: '' })).toThrow(/EMAIL_FROM is required outside local mode/);
    expect(parseConfig({ ...aws, EMAIL_FROM: 'orders@shop.example' }).email.from).toBe('orders@shop.example');
  });

  it('in AWS reads the carrier key from SSM, and requires its parameter and the shop address', () => {
    const complete: Record<string, string> = { ...aws, EMAIL_FROM: 'orders@shop.example' };
    expect(parseConfig(complete).carrier).toMatchObject({
      apiKey: { source: 'ssm', parameterName: '/cartwheel/prod/carrier-api-key' },
      webhookSecret: { source: 'ssm', parameterName: '/cartwheel/prod/carrier-webhook-secret' },
      fromAddressId: 'adr_0123456789abcdef',
    });
    const { CARRIER_API_KEY_PARAMETER: _key, CARRIER_FROM_ADDRESS_ID: _from, ...incomplete } = complete;
    expect(() => parseConfig(incomplete)).toThrow(/CARRIER_API_KEY_PARAMETER is required outside local mode/);
    expect(() => parseConfig(incomplete)).toThrow(/CARRIER_FROM_ADDRESS_ID is required outside local mode/);
    expect(() => parseConfig({ ...complete, CARRIER_API_KEY: 'EZAK_plain' })).toThrow(
      /CARRIER_API_KEY is for local mode only/,
    );
  });

  it('in AWS refuses the file transport: the e-mails would vanish with the Lambda instance', () => {
    expect(() => parseConfig({ ...aws, EMAIL_FROM: 'orders@shop.example', EMAIL_TRANSPORT: 'file' })).toThrow(
      /EMAIL_TRANSPORT=file is for local mode only/,
    );
  });

  it('refuses an unknown transport, a sender that is not an address and an unknown carrier', () => {
    expect(() => parseConfig({ ...localEnv, EMAIL_TRANSPORT: 'smtp' })).toThrow(/EMAIL_TRANSPORT/);
    expect(() => parseConfig({ ...localEnv, EMAIL_FROM: 'Cartwheel' })).toThrow(/EMAIL_FROM/);
    expect(() => parseConfig({ ...localEnv, EMAIL_CONFIGURATION_SET: 'has spaces' })).toThrow(
      /EMAIL_CONFIGURATION_SET/,
    );
    expect(() => parseConfig({ ...localEnv, CARRIER: 'dhl' })).toThrow(/CARRIER/);
    expect(() => parseConfig({ ...localEnv, CARRIER: 'sandbox' })).toThrow(/CARRIER/);
    expect(() => parseConfig({ ...localEnv, CARRIER_FROM_ADDRESS_ID: 'home' })).toThrow(/CARRIER_FROM_ADDRESS_ID/);
    expect(() => parseConfig({ ...localEnv, CARRIER_API_URL: 'ftp://carrier' })).toThrow(/CARRIER_API_URL/);
    expect(() => parseConfig({ ...localEnv, EMAIL_SENDS_PER_SECOND: '0' })).toThrow(/EMAIL_SENDS_PER_SECOND/);
    // SQS event sources take a maximum concurrency of 2 or more.
    expect(() => parseConfig({ ...localEnv, NOTIFICATION_WORKER_MAX_CONCURRENCY: '1' })).toThrow(
      /NOTIFICATION_WORKER_MAX_CONCURRENCY/,
    );
  });
});

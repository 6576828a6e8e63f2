import { LOCAL_EMAIL_FROM, parseConfig } from '../../shared/config';

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
  PAYMENT_GATEWAY_SECRET_PARAMETER: '/cartwheel/prod/payment-gateway-secret',
};

describe('e-mail and carrier configuration', () => {
  it('defaults to SES, the local sender, the outbox under .local, the shop name Cartwheel and the sandbox carrier', () => {
    const config = parseConfig(local);

    expect(config.email).toEqual({
      transport: 'ses',
      from: LOCAL_EMAIL_FROM,
      configurationSet: null,
      outboxDir: '.local/outbox',
      shopName: 'Cartwheel',
    });
    expect(LOCAL_EMAIL_FROM).toBe('Cartwheel <orders@cartwheel.invalid>');
    expect(config.carrier).toBe('sandbox');
  });

  it('takes every setting from the environment', () => {
    const config = parseConfig({
      ...local,
      EMAIL_TRANSPORT: 'file',
      EMAIL_FROM: 'Tea & Mugs <orders@tea.example>',
      EMAIL_CONFIGURATION_SET: 'tea-events',
      EMAIL_OUTBOX_DIR: '/tmp/outbox',
      EMAIL_SHOP_NAME: 'Tea & Mugs',
      CARRIER: 'sandbox',
    });

    expect(config.email).toEqual({
      transport: 'file',
      from: 'Tea & Mugs <orders@tea.example>',
      configurationSet: 'tea-events',
      outboxDir: '/tmp/outbox',
      shopName: 'Tea & Mugs',
    });
  });

  it('in AWS requires EMAIL_FROM (deployment passes an unset one as empty)', () => {
    expect(() => parseConfig(aws)).toThrow(/EMAIL_FROM is required outside local mode/);
    expect(() => parseConfig({ ...aws, EMAIL_FROM: '' })).toThrow(/EMAIL_FROM is required outside local mode/);
    expect(parseConfig({ ...aws, EMAIL_FROM: 'orders@shop.example' }).email.from).toBe('orders@shop.example');
  });

  it('in AWS refuses the file transport: the e-mails would vanish with the Lambda instance', () => {
    expect(() => parseConfig({ ...aws, EMAIL_FROM: 'orders@shop.example', EMAIL_TRANSPORT: 'file' })).toThrow(
      /EMAIL_TRANSPORT=file is for local mode only/,
    );
  });

  it('refuses an unknown transport, a sender that is not an address and an unknown carrier', () => {
    expect(() => parseConfig({ ...local, EMAIL_TRANSPORT: 'smtp' })).toThrow(/EMAIL_TRANSPORT/);
    expect(() => parseConfig({ ...local, EMAIL_FROM: 'Cartwheel' })).toThrow(/EMAIL_FROM/);
    expect(() => parseConfig({ ...local, EMAIL_CONFIGURATION_SET: 'has spaces' })).toThrow(/EMAIL_CONFIGURATION_SET/);
    expect(() => parseConfig({ ...local, CARRIER: 'dhl' })).toThrow(/CARRIER/);
  });
});

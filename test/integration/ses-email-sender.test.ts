/**
 * The SES adapter with the real SDK client, against a stand-in for the SES v2 HTTP API on
 * loopback (there is no local SES engine): the request the SDK really sends, and SES's real error
 * answers deserialised by the SDK, then mapped by the adapter.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createSesEmailSender } from '../../shared/adapters/email/ses-email-sender';
import { type Email, EmailRejectedError } from '../../shared/domain/notifications/email-sender';

interface Answer {
  status: number;
  errorType?: string;
  body: unknown;
}

const email: Email = {
  to: 'alice@example.com',
  subject: 'Your Cartwheel order ord_1 has shipped — Größe M',
  text: 'Tracking number: SBX123456789012\n',
  html: '<p>Tracking number: SBX123456789012</p>',
  idempotencyKey: 'ord_1-SHIPPED',
  tags: { 'X-Cartwheel-Order': 'ord_1' },
};

describe('the SES e-mail sender with the SDK client', () => {
  let server: Server;
  let endpoint: string;
  let answer: Answer;
  const requests: Array<{ method?: string; url?: string; body: unknown }> = [];

  beforeAll(async () => {
    server = createServer(async (request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      requests.push({ method: request.method, url: request.url, body: JSON.parse(Buffer.concat(chunks).toString()) });
      response.writeHead(answer.status, {
        'content-type': 'application/json',
        ...(answer.errorType && { 'x-amzn-errortype': answer.errorType }),
      });
      response.end(JSON.stringify(answer.body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
  });

  const sender = () =>
    createSesEmailSender({
      client: new SESv2Client({
        region: 'eu-west-1',
        endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        // One attempt: the retry of 5xx and throttling is the SDK's, not what this test is about.
        maxAttempts: 1,
      }),
      from: 'Cartwheel <orders@shop.example>',
      configurationSet: 'shop-events',
    });

  it('posts one SendEmail request with the simple content', async () => {
    answer = { status: 200, body: { MessageId: 'msg-1' } };

    await sender().send(email);

    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/v2/email/outbound-emails',
        body: {
          FromEmailAddress: 'Cartwheel <orders@shop.example>',
          Destination: { ToAddresses: ['alice@example.com'] },
          ConfigurationSetName: 'shop-events',
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
              Headers: [{ Name: 'X-Cartwheel-Order', Value: 'ord_1' }],
            },
          },
        },
      },
    ]);
  });

  it('maps SES answering MessageRejected to a permanent rejection', async () => {
    answer = { status: 400, errorType: 'MessageRejected', body: { message: 'Email address is not verified.' } };

    const thrown = await sender()
      .send(email)
      .catch((error: unknown) => error);

    expect(thrown).toBeInstanceOf(EmailRejectedError);
    expect(thrown).toMatchObject({ reason: 'message-rejected', providerCode: 'MessageRejected' });
  });

  it('maps BadRequestException (an address SES cannot parse) to a permanent rejection', async () => {
    answer = { status: 400, errorType: 'BadRequestException', body: { message: 'Illegal address' } };

    await expect(sender().send(email)).rejects.toMatchObject({ reason: 'bad-request', transient: false });
  });

  it('lets a 5xx and throttling through as they are, for SQS to retry', async () => {
    answer = { status: 500, errorType: 'InternalFailure', body: { message: 'internal' } };
    const serverError = await sender()
      .send(email)
      .catch((error: unknown) => error);
    answer = { status: 429, errorType: 'TooManyRequestsException', body: { message: 'slow down' } };
    const throttled = await sender()
      .send(email)
      .catch((error: unknown) => error);

    expect(serverError).not.toBeInstanceOf(EmailRejectedError);
    expect(serverError).toMatchObject({ name: 'InternalFailure', $fault: 'server' });
    expect(throttled).not.toBeInstanceOf(EmailRejectedError);
    expect(throttled).toMatchObject({ name: 'TooManyRequestsException' });
  });
});

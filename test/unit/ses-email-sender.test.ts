import {
  AccountSuspendedException,
  BadRequestException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESv2ServiceException,
  type SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { createSesEmailSender, type SesClientLike } from '../../shared/adapters/email/ses-email-sender';
import { type Email, EmailRejectedError } from '../../shared/domain/notifications/email-sender';

const email: Email = {
  to: 'alice@example.com',
  subject: 'Your Cartwheel order ord_1 has shipped',
  text: 'Hello Alice,\n\nTracking number: SBX123456789012\n',
  html: '<p>Hello Alice,</p><p>Tracking number: SBX123456789012</p>',
  idempotencyKey: 'ord_1-SHIPPED',
  tags: { 'X-Cartwheel-Order': 'ord_1', 'X-Cartwheel-Event': 'SHIPPED' },
};

/** Stands in for SES: records each command, answers with the next outcome (an error is thrown). */
function stubSes(...outcomes: Array<Error | undefined>) {
  const commands: SendEmailCommand[] = [];
  const client: SesClientLike = {
    send: async (command) => {
      commands.push(command);
      const outcome = outcomes[commands.length - 1];
      if (outcome) throw outcome;
      return { MessageId: `msg-${commands.length}` };
    },
  };
  return { client, commands };
}

const metadata = { $metadata: { httpStatusCode: 400 } };

describe('the SES e-mail sender', () => {
  it('sends simple UTF-8 content: subject, text and HTML bodies, the tags as headers, from EMAIL_FROM', async () => {
    const ses = stubSes();

    await createSesEmailSender({ client: ses.client, from: 'Cartwheel <orders@shop.example>' }).send(email);

    expect(ses.commands).toHaveLength(1);
    expect(ses.commands[0]?.input).toEqual({
      FromEmailAddress: 'Cartwheel <orders@shop.example>',
      Destination: { ToAddresses: ['alice@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          Headers: [
            { Name: 'X-Cartwheel-Order', Value: 'ord_1' },
            { Name: 'X-Cartwheel-Event', Value: 'SHIPPED' },
          ],
        },
      },
    });
  });

  it('names the configuration set when one is configured', async () => {
    const ses = stubSes();

    await createSesEmailSender({
      client: ses.client,
      from: 'orders@shop.example',
      configurationSet: 'shop-events',
    }).send(email);

    expect(ses.commands[0]?.input).toMatchObject({
      FromEmailAddress: 'orders@shop.example',
      ConfigurationSetName: 'shop-events',
    });
  });

  it('encodes a sender name that is not ASCII, as SES requires (RFC 2047)', async () => {
    const ses = stubSes();

    await createSesEmailSender({ client: ses.client, from: 'Café Zoë <orders@shop.example>' }).send(email);

    const from = ses.commands[0]?.input.FromEmailAddress ?? '';
    expect(from).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <orders@shop\.example>$/);
    const word = /\?B\?([^?]+)\?=/.exec(from)?.[1] ?? '';
    expect(Buffer.from(word, 'base64').toString('utf8')).toBe('Café Zoë');
  });

  it('refuses a sender that is not an address when it is built (a cold start fails loudly)', () => {
    expect(() => createSesEmailSender({ client: stubSes().client, from: 'Cartwheel' })).toThrow(/not a mailbox/);
  });

  it('rejects an invalid recipient without calling SES', async () => {
    const ses = stubSes();

    await expect(
      createSesEmailSender({ client: ses.client, from: 'orders@shop.example' }).send({ ...email, to: 'alice' }),
    ).rejects.toMatchObject({ constructor: EmailRejectedError, reason: 'invalid-recipient' });
    expect(ses.commands).toHaveLength(0);
  });

  it.each([
    [
      'MessageRejected',
      new MessageRejected({ message: 'Email address is not verified.', ...metadata }),
      'message-rejected',
    ],
    ['BadRequestException', new BadRequestException({ message: 'Illegal address', ...metadata }), 'bad-request'],
  ] as const)('turns %s into a permanent EmailRejectedError', async (code, error, reason) => {
    const sender = createSesEmailSender({ client: stubSes(error).client, from: 'orders@shop.example' });

    const rejection = await sender.send(email).catch((thrown: unknown) => thrown);

    expect(rejection).toBeInstanceOf(EmailRejectedError);
    expect(rejection).toMatchObject({ reason, providerCode: code, transient: false, cause: error });
  });

  it.each([
    ['throttling', new TooManyRequestsException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } })],
    [
      'a 5xx',
      new SESv2ServiceException({
        name: 'InternalFailure',
        $fault: 'server',
        message: 'internal error',
        $metadata: { httpStatusCode: 500 },
      }),
    ],
    ['a network failure', Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' })],
    ['a timeout', Object.assign(new Error('Connection timed out'), { name: 'TimeoutError' })],
    // Account-wide: failing (and dead-lettering) keeps the e-mails for a redrive once the account is fixed.
    ['a suspended account', new AccountSuspendedException({ message: 'suspended', ...metadata })],
    [
      'an unverified MAIL FROM domain',
      new MailFromDomainNotVerifiedException({ message: 'MAIL FROM domain not verified', ...metadata }),
    ],
  ])('rethrows %s as it is, for SQS to retry', async (_, error) => {
    const sender = createSesEmailSender({ client: stubSes(error).client, from: 'orders@shop.example' });

    await expect(sender.send(email)).rejects.toBe(error);
  });
});

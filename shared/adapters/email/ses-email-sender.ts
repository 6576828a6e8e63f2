import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type Email, EmailRejectedError, type EmailSender } from '../../domain/notifications/email-sender';
import { formatMailbox, isMailAddress, oneLine, parseMailbox, tagHeaders } from './mail-format';

/** The one call this adapter makes; tests pass a stub to inject the faults SES answers with. */
export interface SesClientLike {
  send(command: SendEmailCommand): Promise<unknown>;
}

/** The SES v2 client; only the e-mail sender's composition creates it. */
export function createSesClient(region: string): SESv2Client {
  return new SESv2Client({ region, maxAttempts: 3 });
}

export interface SesEmailSenderOptions {
  client: SesClientLike;
  /** The verified sender, `Shop <orders@example.com>` or a bare address. */
  from: string;
  /** An SES configuration set (event publishing, dedicated IPs), or none. */
  configurationSet?: string | null;
}

/**
 * E-mails through Amazon SES v2 `SendEmail` with simple content (SES builds the MIME message). SES
 * has no idempotency key: a send repeated after an unclear failure can deliver twice, which the
 * notification worker's own bookkeeping keeps rare. The SDK already retries throttling and 5xx
 * (3 attempts); whatever still fails is thrown for SQS to retry, except the answers that mean this
 * e-mail can never be sent (see `rejection`).
 */
export function createSesEmailSender(options: SesEmailSenderOptions): EmailSender {
  const from = formatMailbox(parseMailbox(options.from));
  const configurationSet = options.configurationSet || undefined;
  return {
    async send(email) {
      // Caught here rather than by SES: one call saved, and the same outcome as the local outbox.
      if (!isMailAddress(email.to)) {
        throw new EmailRejectedError('invalid-recipient', 'the recipient is not a valid e-mail address');
      }
      try {
        await options.client.send(sendEmailCommand(email, from, configurationSet));
      } catch (error) {
        throw rejection(error) ?? error;
      }
    },
  };
}

function sendEmailCommand(email: Email, from: string, configurationSet: string | undefined): SendEmailCommand {
  const headers = tagHeaders(email.tags).map(([Name, Value]) => ({ Name, Value }));
  return new SendEmailCommand({
    FromEmailAddress: from,
    Destination: { ToAddresses: [email.to] },
    Content: {
      Simple: {
        Subject: { Data: oneLine(email.subject), Charset: 'UTF-8' },
        Body: {
          Text: { Data: email.text, Charset: 'UTF-8' },
          Html: { Data: email.html, Charset: 'UTF-8' },
        },
        ...(headers.length > 0 && { Headers: headers }),
      },
    },
    ...(configurationSet && { ConfigurationSetName: configurationSet }),
  });
}

/**
 * The SES answers that are final for this e-mail. Everything else is thrown as it is, including
 * the account-wide ones (`AccountSuspendedException`, `SendingPausedException`, an unverified
 * MAIL FROM domain, a missing configuration set: `NotFoundException`): dropping every e-mail until someone fixes the account
 * would lose them, while retries park them in the dead-letter queue, ready to be redriven.
 */
function rejection(error: unknown): EmailRejectedError | null {
  if (!(error instanceof Error)) return null;
  const options = { providerCode: error.name, cause: error };
  switch (error.name) {
    case 'MessageRejected':
      return new EmailRejectedError('message-rejected', `SES rejected the message: ${error.message}`, options);
    case 'BadRequestException':
      return new EmailRejectedError('bad-request', `SES refused the request: ${error.message}`, options);
    default:
      return null;
  }
}

import { AppError } from '../../errors';

/**
 * The e-mail port: what the notification worker needs to mail a customer. In AWS the adapter is
 * Amazon SES (shared/adapters/email/ses-email-sender.ts); locally and in tests each e-mail becomes
 * an `.eml` file in an outbox directory (shared/adapters/email/file-email-sender.ts).
 *
 * Two kinds of failure, and the worker treats them differently:
 * - any thrown error other than `EmailRejectedError` is transient (throttling, a 5xx, the network,
 *   a full disk): the worker lets SQS deliver the message again;
 * - `EmailRejectedError` is final for this e-mail (an invalid recipient, a message the provider
 *   refuses): sending it again cannot succeed, so the worker logs it and acknowledges the message.
 */
export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** One e-mail per key: adapters that can, dedupe on it (the file outbox names the file after it). */
  idempotencyKey: string;
  /** Extra headers such as X-Cartwheel-Order / X-Cartwheel-Event. */
  tags?: Record<string, string>;
}

export interface EmailSender {
  /**
   * Hands one e-mail to the provider.
   * @throws EmailRejectedError when the provider refuses this e-mail for good.
   * @throws any other error when the send may succeed later (retry it).
   */
  send(email: Email): Promise<void>;
}

/** Why an e-mail was refused for good. */
export type EmailRejection =
  /** The recipient's address is not one that can receive mail (syntax, or the provider says so). */
  | 'invalid-recipient'
  /** The provider refused the message itself (content, or an unverified recipient in the SES sandbox). */
  | 'message-rejected'
  /** The sender's address or MAIL FROM domain is not verified with the provider. */
  | 'sender-not-verified'
  /** The provider called the request invalid (another 4xx that repeating cannot change). */
  | 'bad-request';

export interface EmailRejectedErrorOptions {
  /** The provider's own error name, for the logs (`MessageRejected`, ...). */
  providerCode?: string;
  cause?: unknown;
}

/**
 * The provider refused this e-mail, and would refuse it again: the worker logs it and acknowledges
 * the message instead of retrying. `message` carries the specifics for the logs (it may name the
 * address); `detail` stays generic.
 */
export class EmailRejectedError extends AppError {
  readonly reason: EmailRejection;
  readonly providerCode: string | null;

  constructor(reason: EmailRejection, message: string, options: EmailRejectedErrorOptions = {}) {
    super(422, 'EMAIL_REJECTED', 'E-mail rejected', {
      detail: 'The e-mail provider refused the message; sending it again will not help.',
      cause: options.cause,
    });
    this.message = message;
    this.reason = reason;
    this.providerCode = options.providerCode ?? null;
  }

  override toJSON() {
    return { ...super.toJSON(), message: this.message, reason: this.reason, providerCode: this.providerCode };
  }
}

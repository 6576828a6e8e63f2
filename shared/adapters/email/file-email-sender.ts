import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Email, EmailRejectedError, type EmailSender } from '../../domain/notifications/email-sender';
import { type Clock, systemClock } from '../../lib/clock';
import {
  formatMailbox,
  headerField,
  isMailAddress,
  mailDate,
  parseMailbox,
  quotedPrintable,
  tagHeaders,
} from './mail-format';

export interface FileEmailSenderOptions {
  /** The outbox directory (created when missing); relative paths are taken from the working directory. */
  dir: string;
  /** The sender, `Shop <orders@example.com>` or a bare address. */
  from: string;
  clock?: Clock;
}

/**
 * The local mailer: each e-mail becomes an RFC 5322 message (`.eml`, opens in any mail client) in an
 * outbox directory, named after its idempotency key, so sending the same key again rewrites the one
 * file instead of adding a second. It refuses the addresses SES would refuse for their syntax, so a
 * bad address fails the same way locally as in AWS.
 */
export function createFileEmailSender(options: FileEmailSenderOptions): EmailSender {
  const dir = path.resolve(options.dir);
  const from = parseMailbox(options.from);
  const clock = options.clock ?? systemClock;
  return {
    async send(email) {
      if (!isMailAddress(email.to)) {
        throw new EmailRejectedError('invalid-recipient', 'the recipient is not a valid e-mail address');
      }
      const message = emlMessage(email, {
        from: formatMailbox(from),
        domain: domainOf(from.address),
        date: clock.now(),
      });
      await mkdir(dir, { recursive: true });
      const name = outboxFileName(email.idempotencyKey);
      // Written aside and renamed into place: a reader (a test, a mail client) never sees half a file,
      // and two sends of one key racing leave one complete message.
      const temp = path.join(dir, `.${name}.${process.pid}.${randomUUID()}.tmp`);
      try {
        await writeFile(temp, message, { encoding: 'utf8', flag: 'wx' });
        await rename(temp, path.join(dir, name));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
  };
}

/** Keys that are already safe file names keep their look (up to this length). */
const PLAIN_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;

/**
 * The outbox file of an idempotency key: `<key>.eml` when the key is a safe file name, else the key
 * with unsafe characters replaced and a hash of the exact key appended (`~` never appears in a
 * plain key), so two different keys never share a file.
 */
export function outboxFileName(idempotencyKey: string): string {
  if (PLAIN_KEY.test(idempotencyKey)) return `${idempotencyKey}.eml`;
  const readable = idempotencyKey
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 80);
  return `${readable || 'email'}~${sha256(idempotencyKey).slice(0, 16)}.eml`;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/**
 * The message: headers, then a multipart/alternative body with the text and the HTML part, both
 * UTF-8 in quoted-printable. Message-ID and boundary derive from the idempotency key, so a rewrite
 * of the same e-mail is the same message. (`=_` cannot occur at a quoted-printable line start,
 * where `=` is always `=3D`, so the boundary never collides with the content.)
 */
function emlMessage(email: Email, context: { from: string; domain: string; date: Date }): string {
  const id = sha256(email.idempotencyKey);
  const boundary = `=_cartwheel_${id.slice(0, 24)}`;
  const headers = [
    headerField('From', context.from, { structured: true }),
    headerField('To', email.to, { structured: true }),
    headerField('Subject', email.subject),
    headerField('Date', mailDate(context.date), { structured: true }),
    headerField('Message-ID', `<${id.slice(0, 32)}@${context.domain}>`, { structured: true }),
    ...tagHeaders(email.tags).map(([name, value]) => headerField(name, value)),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) => [
    `--${boundary}`,
    `Content-Type: ${type}; charset=UTF-8`,
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(body),
  ];
  return [
    ...headers,
    '',
    ...part('text/plain', email.text),
    ...part('text/html', email.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

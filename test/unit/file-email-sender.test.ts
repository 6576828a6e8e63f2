import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFileEmailSender, outboxFileName } from '../../shared/adapters/email/file-email-sender';
import { emailSender } from '../../shared/container/notifications';
import { type Email, EmailRejectedError } from '../../shared/domain/notifications/email-sender';
import { parseEml, readOutbox } from '../support/eml';

const fixedClock = { now: () => new Date('2025-05-05T10:00:00.000Z') };

function email(overrides: Partial<Email> = {}): Email {
  return {
    to: 'alice@example.com',
    subject: 'Your Cartwheel order ord_1 is confirmed',
    text: 'Hello Alice,\n\nWe have received your payment of €35.09.\n',
    html: '<!DOCTYPE html>\n<html><body><p>Hello Alice,</p><p>We have received your payment of €35.09.</p></body></html>\n',
    idempotencyKey: 'ord_1-PAID',
    tags: { 'X-Cartwheel-Order': 'ord_1', 'X-Cartwheel-Event': 'PAID' },
    ...overrides,
  };
}

describe('the file outbox', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cartwheel-outbox-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sender = (outbox = dir) =>
    createFileEmailSender({ dir: outbox, from: 'Cartwheel <orders@cartwheel.invalid>', clock: fixedClock });

  it('writes an RFC 5322 message with the headers, the tags and both parts', async () => {
    await sender().send(email());

    const [entry, ...others] = await readOutbox(dir);
    expect(others).toHaveLength(0);
    expect(entry?.file).toBe('ord_1-PAID.eml');
    const message = entry?.message;
    expect(message?.header('From')).toBe('Cartwheel <orders@cartwheel.invalid>');
    expect(message?.header('To')).toBe('alice@example.com');
    expect(message?.header('Subject')).toBe('Your Cartwheel order ord_1 is confirmed');
    expect(message?.header('Date')).toBe('Mon, 05 May 2025 10:00:00 +0000');
    expect(message?.header('Message-ID')).toMatch(/^<[0-9a-f]{32}@cartwheel\.invalid>$/);
    expect(message?.header('MIME-Version')).toBe('1.0');
    expect(message?.header('X-Cartwheel-Order')).toBe('ord_1');
    expect(message?.header('X-Cartwheel-Event')).toBe('PAID');
    expect(message?.header('Content-Type')).toMatch(/^multipart\/alternative; boundary="[^"]+"$/);
    expect(message?.parts.map((part) => part.contentType)).toEqual([
      'text/plain; charset=UTF-8',
      'text/html; charset=UTF-8',
    ]);
    expect(message?.part('text/plain')).toBe(email().text.replaceAll('\n', '\r\n'));
    expect(message?.part('text/html')).toBe(email().html.replaceAll('\n', '\r\n'));
  });

  it('keeps one file per idempotency key: a second send of the key rewrites it', async () => {
    await sender().send(email({ subject: 'first' }));
    await sender().send(email({ subject: 'second' }));
    await sender().send(email({ idempotencyKey: 'ord_1-SHIPPED', subject: 'shipped' }));

    const outbox = await readOutbox(dir);
    expect(outbox.map(({ file, message }) => [file, message.header('Subject')])).toEqual([
      ['ord_1-PAID.eml', 'second'],
      ['ord_1-SHIPPED.eml', 'shipped'],
    ]);
    // Same key, same message: a mail client that imported the first copy sees the second as the same e-mail.
    const again = await readOutbox(dir);
    expect(again[0]?.message.header('Message-ID')).toBe(outbox[0]?.message.header('Message-ID'));
  });

  it('leaves no temporary files behind', async () => {
    await Promise.all([sender().send(email({ subject: 'a' })), sender().send(email({ subject: 'b' }))]);

    expect(readdirSync(dir)).toEqual(['ord_1-PAID.eml']);
    expect(['a', 'b']).toContain(parseEml(readFileSync(path.join(dir, 'ord_1-PAID.eml'), 'utf8')).header('Subject'));
  });

  it('creates the outbox directory when it is missing', async () => {
    const nested = path.join(dir, 'not', 'there', 'yet');

    await sender(nested).send(email());

    expect(readdirSync(nested)).toEqual(['ord_1-PAID.eml']);
  });

  it('turns keys that are not safe file names into safe, distinct ones', async () => {
    const keys = ['notify:ord/1:PAID', 'notify_ord_1_PAID', '../../etc/passwd', '.hidden', 'ä'.repeat(200)];

    for (const idempotencyKey of keys) await sender().send(email({ idempotencyKey }));

    const files = readdirSync(dir);
    expect(new Set(files).size).toBe(keys.length);
    for (const file of files) expect(file).toMatch(/^[A-Za-z0-9][A-Za-z0-9._~-]*\.eml$/);
    expect(files).toContain('notify_ord_1_PAID.eml');
    expect(outboxFileName('notify:ord/1:PAID')).toMatch(/^notify_ord_1_PAID~[0-9a-f]{16}\.eml$/);
  });

  it('encodes a subject and a sender name that are not ASCII (RFC 2047) and reads them back', async () => {
    const subject = 'Ihre Bestellung ord_1 ist unterwegs — Größe M, Farbe Grün ✓ (日本語もどうぞ)';
    const outbox = createFileEmailSender({ dir, from: 'Café Zoë <orders@cafe.example>', clock: fixedClock });

    await outbox.send(email({ subject }));

    const raw = readFileSync(path.join(dir, 'ord_1-PAID.eml'), 'utf8');
    expect(raw).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    const [entry] = await readOutbox(dir);
    expect(entry?.message.header('Subject')).toBe(subject);
    expect(entry?.message.header('From')).toBe('Café Zoë <orders@cafe.example>');
  });

  it('keeps header values on one line, so a subject or tag cannot add headers', async () => {
    await sender().send(
      email({ subject: 'Hi\r\nBcc: victim@example.com', tags: { 'X-Cartwheel-Order': 'ord_1\nBcc: x@example.com' } }),
    );

    const [entry] = await readOutbox(dir);
    expect(entry?.message.headers.has('bcc')).toBe(false);
    expect(entry?.message.header('Subject')).toBe('Hi Bcc: victim@example.com');
  });

  it('writes long lines and non-ASCII text as valid quoted-printable (lines of at most 76 characters)', async () => {
    const text = `${'Sehr geehrte Kundin, '.repeat(20)}\n= equals, trailing space \nÄÖÜ ß € ✓ ${'x'.repeat(200)}\n`;

    await sender().send(email({ text }));

    // parseEml refuses quoted-printable lines over 76 characters and bad escapes.
    const [entry] = await readOutbox(dir);
    expect(entry?.message.part('text/plain')).toBe(text.replaceAll('\n', '\r\n'));
  });

  it('refuses an address that cannot receive mail, as SES would, and writes nothing', async () => {
    for (const to of ['not-an-address', 'alice@example.com\r\nBcc: x@example.com', 'a b@example.com', '']) {
      await expect(sender().send(email({ to }))).rejects.toMatchObject({
        constructor: EmailRejectedError,
        reason: 'invalid-recipient',
        transient: false,
      });
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('the e-mail sender of the container', () => {
  it('in the unit test environment writes to EMAIL_OUTBOX_DIR (EMAIL_TRANSPORT=file)', async () => {
    const outbox = process.env.EMAIL_OUTBOX_DIR as string;
    const idempotencyKey = `container-test-${process.pid}-${Date.now()}`;

    await emailSender().send(email({ idempotencyKey }));

    const [entry] = (await readOutbox(outbox)).filter(({ file }) => file === `${idempotencyKey}.eml`);
    expect(entry?.message.header('From')).toBe('Cartwheel <orders@cartwheel.invalid>');
  });
});

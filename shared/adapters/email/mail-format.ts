/**
 * The small parts of RFC 5322 / MIME both e-mail adapters need: addresses, header values that
 * cannot inject headers, RFC 2047 encoded words, and quoted-printable bodies.
 */

export interface Mailbox {
  /** The display name (`Cartwheel`), or null for a bare address. */
  name: string | null;
  address: string;
}

/**
 * Addresses we send to: ASCII dot-atom local part, a domain of at least two labels. Stricter than
 * RFC 5322 (no quoted local parts, no IP literals, no internationalised addresses): SES takes none
 * of those either, and a shop's customers do not use them.
 */
const ADDRESS =
  /^(?=.{3,254}$)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Whether a string is one e-mail address we can send to (see ADDRESS). */
export const isMailAddress = (value: string): boolean => ADDRESS.test(value);

/** `orders@example.com` or `Shop name <orders@example.com>` (the name may be quoted). */
export function parseMailbox(value: string): Mailbox {
  const trimmed = value.trim();
  const angle = /^(.*?)\s*<([^<>]+)>$/.exec(trimmed);
  const name = angle ? unquote(angle[1]?.trim() ?? '') : '';
  const address = angle ? (angle[2] ?? '').trim() : trimmed;
  if (!isMailAddress(address) || /[\r\n]/.test(name)) throw new Error(`not a mailbox: ${JSON.stringify(value)}`);
  return { name: name.length > 0 ? name : null, address };
}

function unquote(name: string): string {
  return name.startsWith('"') && name.endsWith('"') && name.length >= 2
    ? name.slice(1, -1).replace(/\\(.)/g, '$1')
    : name;
}

/** A mailbox for a header: the name as is, quoted when it holds specials, or encoded when not ASCII. */
export function formatMailbox(mailbox: Mailbox): string {
  const { name, address } = mailbox;
  if (!name) return address;
  if (!isAscii(name)) return `${encodedWords(name).join(' ')} <${address}>`;
  if (/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(name)) return `${name} <${address}>`;
  return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
}

const isAscii = (value: string) => /^[\x20-\x7e]*$/.test(value);

/** Control characters (CR and LF above all) would end the header and start another one. */
export const oneLine = (value: string): string => value.replace(/\p{Cc}+/gu, ' ').trim();

/** Most bytes of text one encoded word carries: 75 chars − `=?UTF-8?B?` − `?=` = 63 base64 chars. */
const ENCODED_WORD_BYTES = 45;

/** RFC 2047 `B` encoded words of at most 75 characters, never splitting a character between words. */
export function encodedWords(value: string): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char, 'utf8') > ENCODED_WORD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk.length > 0 || words.length === 0) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`);
}

/**
 * One header field, folded: unstructured text (a subject, a tag) is encoded when it is not plain
 * ASCII (or could be mistaken for an encoded word), and long lines are folded at spaces.
 */
export function headerField(name: string, value: string, options: { structured?: boolean } = {}): string {
  const clean = oneLine(value);
  if (!options.structured && (!isAscii(clean) || clean.includes('=?'))) {
    return `${name}: ${encodedWords(clean).join('\r\n ')}`;
  }
  const lines: string[] = [];
  let line = `${name}:`;
  for (const word of clean.split(' ')) {
    if (line.length + 1 + word.length > 78 && line.length > name.length + 1) {
      lines.push(line);
      line = '';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/**
 * Tags as header names and values: names keep to letters, digits and `-` and start with `X-`
 * (custom headers), values to one line.
 */
export function tagHeaders(tags: Record<string, string> | undefined): Array<[name: string, value: string]> {
  return Object.entries(tags ?? {}).map(([key, value]) => {
    const name = key.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
    return [/^x-/i.test(name) ? name : `X-${name}`, oneLine(value)];
  });
}

/** RFC 5322 date-time in UTC (`Mon, 05 May 2025 10:00:00 +0000`). */
export const mailDate = (date: Date): string => date.toUTCString().replace(/GMT$/, '+0000');

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text with CRLF line ends: readable where it is ASCII,
 * lines of at most 76 characters, `=` and every non-ASCII byte encoded, trailing spaces protected.
 */
export function quotedPrintable(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      const out: string[] = [];
      let current = '';
      bytes.forEach((byte, index) => {
        const literal =
          (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && index < bytes.length - 1);
        const token = literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
        // 75 plus the soft break's `=` is the 76 the RFC allows.
        if (current.length + token.length > 75) {
          out.push(`${current}=`);
          current = '';
        }
        current += token;
      });
      out.push(current);
      return out.join('\r\n');
    })
    .join('\r\n');
}

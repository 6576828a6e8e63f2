/**
 * Reads the local outbox (shared/adapters/email/file-email-sender.ts) back: a strict little parser
 * of the messages it writes, so tests can assert on headers and decoded parts. It refuses what a
 * mail reader might choke on (bare LF, over-long lines), so a malformed message fails the test.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface EmlPart {
  contentType: string;
  /** Decoded, with CRLF line ends as written. */
  body: string;
}

export interface ParsedEml {
  /** Header names lower-cased; values unfolded and RFC 2047-decoded. A name repeated keeps every value. */
  headers: Map<string, string[]>;
  /** The first value of a header, if present. */
  header(name: string): string | undefined;
  parts: EmlPart[];
  /** The decoded body of the first part of this type (`text/plain`, `text/html`). */
  part(type: string): string | undefined;
}

export function parseEml(raw: string): ParsedEml {
  if (/(^|[^\r])\n/.test(raw)) throw new Error('message has a bare LF line end');
  const long = raw.split('\r\n').find((line) => line.length > 998);
  if (long !== undefined) throw new Error(`line over 998 characters: ${long.slice(0, 40)}...`);
  const { headers, body } = splitEntity(raw);
  const contentType = headers.get('content-type')?.[0] ?? 'text/plain';
  const boundary = /boundary="([^"]+)"/.exec(contentType)?.[1];
  const parts = boundary ? multipartParts(body, boundary) : [{ contentType, body: decodeBody(headers, body) }];
  return {
    headers,
    header: (name) => headers.get(name.toLowerCase())?.[0],
    parts,
    part: (type) => parts.find((part) => part.contentType.startsWith(type))?.body,
  };
}

function splitEntity(raw: string): { headers: Map<string, string[]>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error('no blank line after the headers');
  const headers = new Map<string, string[]>();
  for (const field of raw
    .slice(0, end)
    .replace(/\r\n[ \t]/g, ' ')
    .split('\r\n')) {
    const colon = field.indexOf(':');
    if (colon <= 0) throw new Error(`not a header field: ${field}`);
    const name = field.slice(0, colon).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), decodeWords(field.slice(colon + 1).trim())]);
  }
  return { headers, body: raw.slice(end + 4) };
}

function multipartParts(body: string, boundary: string): EmlPart[] {
  // A delimiter is CRLF, `--`, the boundary; the first one may open the body without the CRLF.
  const [, ...segments] = `\r\n${body}`.split(`\r\n--${boundary}`);
  const closing = segments.pop();
  if (closing === undefined || !closing.startsWith('--'))
    throw new Error('multipart body without its closing boundary');
  return segments.map((segment) => {
    if (!segment.startsWith('\r\n')) throw new Error('boundary line with trailing characters');
    const { headers, body: partBody } = splitEntity(segment.slice(2));
    return { contentType: headers.get('content-type')?.[0] ?? 'text/plain', body: decodeBody(headers, partBody) };
  });
}

function decodeBody(headers: Map<string, string[]>, body: string): string {
  const encoding = headers.get('content-transfer-encoding')?.[0]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return body;
  const tooLong = body.split('\r\n').find((line) => line.length > 76);
  if (tooLong !== undefined) throw new Error(`quoted-printable line over 76 characters: ${tooLong}`);
  const joined = body.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? /^[0-9A-F]{2}$/.exec(joined.slice(i + 1, i + 3)) : null;
    if (joined[i] === '=' && !hex) throw new Error(`bad quoted-printable escape at ${i}`);
    if (hex) {
      bytes.push(Number.parseInt(hex[0], 16));
      i += 2;
    } else {
      bytes.push(joined.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 `B` words (the white space between two adjacent words is not part of the text). */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_, data: string) => Buffer.from(data, 'base64').toString('utf8'));
}

/** Every `.eml` file of an outbox directory, parsed (temporary files, which start with `.`, are left out). */
export async function readOutbox(dir: string): Promise<Array<{ file: string; message: ParsedEml }>> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.eml') && !file.startsWith('.')).sort();
  return Promise.all(
    files.map(async (file) => ({ file, message: parseEml(await readFile(path.join(dir, file), 'utf8')) })),
  );
}

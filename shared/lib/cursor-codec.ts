import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';

/** An opaque, integrity-protected pagination cursor bound to the list it came from. */
export interface CursorCodec {
  encode(position: Record<string, unknown>, scope: string): Promise<string>;
  /** @throws AppError 400 `INVALID_CURSOR` when the cursor was tampered with or belongs to another list. */
  decode(cursor: string, scope: string): Promise<Record<string, unknown>>;
}

export class InvalidCursorError extends AppError {
  constructor() {
    super(400, 'INVALID_CURSOR', 'Invalid cursor', {
      detail: 'The cursor is not valid for this list. Start again without a cursor.',
      errors: [{ path: 'cursor', message: 'invalid or tampered cursor' }],
    });
  }
}

/**
 * `secret` is the key itself, or where to get it (in AWS an SSM SecureString, read on first use and
 * kept by the source): the key is asked for only when a cursor is made or read.
 */
export function createCursorCodec(secret: string | (() => Promise<string>)): CursorCodec {
  const key = typeof secret === 'string' ? () => Promise.resolve(secret) : secret;
  const sign = async (payload: string, scope: string) =>
    createHmac('sha256', await key())
      .update(scope)
      .update('\n')
      .update(payload)
      .digest()
      .subarray(0, 16);

  return {
    async encode(position, scope) {
      const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
      return `${payload}.${(await sign(payload, scope)).toString('base64url')}`;
    },
    async decode(cursor, scope) {
      const [payload, signature, extra] = cursor.split('.');
      if (!payload || !signature || extra !== undefined) throw new InvalidCursorError();
      const expected = await sign(payload, scope);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
      try {
        const position: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        if (typeof position !== 'object' || position === null || Array.isArray(position))
          throw new InvalidCursorError();
        return position as Record<string, unknown>;
      } catch {
        throw new InvalidCursorError();
      }
    },
  };
}

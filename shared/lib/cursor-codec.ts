import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';

/** An opaque, integrity-protected pagination cursor bound to the list it came from. */
export interface CursorCodec {
  encode(position: Record<string, unknown>, scope: string): string;
  /** @throws AppError 400 `INVALID_CURSOR` when the cursor was tampered with or belongs to another list. */
  decode(cursor: string, scope: string): Record<string, unknown>;
}

export class InvalidCursorError extends AppError {
  constructor() {
    super(400, 'INVALID_CURSOR', 'Invalid cursor', {
      detail: 'The cursor is not valid for this list. Start again without a cursor.',
      errors: [{ path: 'cursor', message: 'invalid or tampered cursor' }],
    });
  }
}

export function createCursorCodec(secret: string): CursorCodec {
  const sign = (payload: string, scope: string) =>
    createHmac('sha256', secret).update(scope).update('\n').update(payload).digest().subarray(0, 16);

  return {
    encode(position, scope) {
      const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
      return `${payload}.${sign(payload, scope).toString('base64url')}`;
    },
    decode(cursor, scope) {
      const [payload, signature, extra] = cursor.split('.');
      if (!payload || !signature || extra !== undefined) throw new InvalidCursorError();
      const expected = sign(payload, scope);
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

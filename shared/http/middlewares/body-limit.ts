import { AppError } from '../../errors';
import type { HttpMiddleware, HttpRequest } from '../request-state';

export const MAX_BODY_BYTES = 64 * 1024;

/** Refuses bodies over the limit before anything parses them. */
export function bodyLimit(maxBytes = MAX_BODY_BYTES): HttpMiddleware {
  return {
    before: (request: HttpRequest) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === null) return;
      const bytes = isBase64Encoded ? Buffer.from(body, 'base64').byteLength : Buffer.byteLength(body, 'utf8');
      if (bytes > maxBytes) {
        throw new AppError(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', {
          detail: `The request body is ${bytes} bytes; the limit is ${maxBytes}.`,
        });
      }
    },
  };
}

import { AppError } from '../../errors';
import type { HttpMiddleware, HttpRequest } from '../request-state';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Refuses bodies over the limit before anything parses them. API Gateway always hands the body over
 * as text; a runtime that hands over a value it parsed itself (serverless-offline does for the JSON
 * `false` and `0`) gets it back as the JSON text it was, so every later step sees what API Gateway
 * would have sent.
 */
export function bodyLimit(maxBytes = MAX_BODY_BYTES): HttpMiddleware {
  return {
    before: (request: HttpRequest) => {
      const event = request.event as { body?: unknown };
      if (event.body !== undefined && event.body !== null && typeof event.body !== 'string') {
        event.body = JSON.stringify(event.body);
      }
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

import { AppError } from '../errors';

/** A webhook whose signature is missing, malformed or wrong: 400, and nothing of it is applied. */
export class InvalidSignatureError extends AppError {
  constructor(detail: string) {
    super(400, 'INVALID_SIGNATURE', 'Invalid signature', { detail });
  }
}

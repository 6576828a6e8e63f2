import { ConflictError, NotFoundError } from '../../errors';

export class DiscountExistsError extends ConflictError {
  constructor(code: string) {
    super('DISCOUNT_EXISTS', `A discount with code ${code} already exists.`);
  }
}

export class DiscountNotFoundError extends NotFoundError {
  constructor(code: string) {
    super('DISCOUNT_NOT_FOUND', `No discount with code ${code}.`);
  }
}

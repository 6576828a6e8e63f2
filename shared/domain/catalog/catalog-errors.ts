import { ConflictError, type FieldError, NotFoundError } from '../../errors';

export class ProductNotFoundError extends NotFoundError {
  constructor(sku: string, errors?: FieldError[]) {
    super('PRODUCT_NOT_FOUND', `No product with sku ${sku}.`, errors);
  }
}

export class ProductExistsError extends ConflictError {
  constructor(sku: string) {
    super('PRODUCT_EXISTS', `A product with sku ${sku} already exists.`);
  }
}

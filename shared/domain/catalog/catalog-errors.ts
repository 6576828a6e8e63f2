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

/** A product with variants is sold by its variants' skus, never by its own. */
export class VariantRequiredError extends ConflictError {
  constructor(sku: string, errors?: FieldError[]) {
    super('VARIANT_REQUIRED', `Product ${sku} is sold in variants; name one of its variants' skus.`, errors);
  }
}

/** No variant of this product has the sku. */
export class VariantNotFoundError extends NotFoundError {
  constructor(productSku: string, sku: string) {
    super('VARIANT_NOT_FOUND', `Product ${productSku} has no variant with sku ${sku}.`);
  }
}

/** The product has as many variants as a product may have. */
export class TooManyVariantsError extends ConflictError {
  constructor(productSku: string, max: number) {
    super('TOO_MANY_VARIANTS', `Product ${productSku} already has ${max} variants, the most a product may have.`);
  }
}

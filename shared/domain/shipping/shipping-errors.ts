import { ConflictError, NotFoundError } from '../../errors';

export class ShippingUnavailableError extends ConflictError {
  constructor(country: string, code?: string) {
    super(
      'SHIPPING_UNAVAILABLE',
      code === undefined
        ? `No shipping method delivers this order to ${country}.`
        : `The shipping method ${code} does not deliver this order to ${country}.`,
    );
  }
}

export class ShippingMethodNotFoundError extends NotFoundError {
  constructor(code: string) {
    super('SHIPPING_METHOD_NOT_FOUND', `There is no shipping method ${code}.`);
  }
}

export class ShippingMethodExistsError extends ConflictError {
  constructor(code: string) {
    super('SHIPPING_METHOD_EXISTS', `A shipping method ${code} exists already: change it with PATCH.`);
  }
}

export class TooManyShippingMethodsError extends ConflictError {
  constructor(max: number) {
    super('TOO_MANY_SHIPPING_METHODS', `A shop has at most ${max} shipping methods: deactivate or change one.`);
  }
}

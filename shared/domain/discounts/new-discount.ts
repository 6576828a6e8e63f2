import type { FieldError } from '../../errors';

/** What an administrator gives to create a discount (timestamps in any ISO 8601 form). */
export interface NewDiscount {
  code: string;
  percentOff?: number;
  amountOff?: number;
  validFrom?: string;
  validUntil?: string;
  maxRedemptions?: number;
  maxRedemptionsPerCustomer?: number;
}

/**
 * The rules between fields of a new discount (each field's own format is the schema's job):
 * exactly one kind of reduction, and a validity window that is not empty. The request schema
 * and the service both apply them, so no caller can store a discount that breaks them.
 */
export function newDiscountProblems(input: NewDiscount): FieldError[] {
  const problems: FieldError[] = [];
  if ((input.percentOff === undefined) === (input.amountOff === undefined)) {
    const message = 'give exactly one of percentOff and amountOff';
    problems.push({ path: 'percentOff', message }, { path: 'amountOff', message });
  }
  const from = input.validFrom === undefined ? undefined : Date.parse(input.validFrom);
  const until = input.validUntil === undefined ? undefined : Date.parse(input.validUntil);
  if (Number.isNaN(from)) problems.push({ path: 'validFrom', message: 'not a valid date' });
  if (Number.isNaN(until)) problems.push({ path: 'validUntil', message: 'not a valid date' });
  // NaN compares false, so an unparseable date is reported once, above, not here too.
  if (from !== undefined && until !== undefined && from >= until) {
    problems.push({ path: 'validUntil', message: 'validUntil must be later than validFrom' });
  }
  return problems;
}

import type { FieldError } from '../errors';
import type * as z from '../lib/zod';

/** Flattens zod issues into the contract's `errors[]`: one entry per problem, unknown fields one each. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: [...base, key].join('/'), message: 'unknown field' });
    } else {
      errors.push({ path: base.join('/'), message: issue.message });
    }
  }
  return errors;
}

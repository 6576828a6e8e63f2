import type { z } from 'zod';
import { type FieldError, ValidationError } from '../errors';

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

/** Parses input with a schema or throws 400 `VALIDATION_FAILED` listing every problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, detail?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error.issues), detail);
  return result.data;
}

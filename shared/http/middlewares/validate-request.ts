import { type FieldError, ValidationError } from '../../errors';
import * as z from '../../lib/zod';
import { requestPathProblems } from '../path-segments';
import { type HttpMiddleware, type HttpRequest, stateOf } from '../request-state';
import type { RouteSpec } from '../route-spec';
import { fieldErrors } from '../validation';

/**
 * Refuses paths with dot segments or bad escapes, then validates path parameters, query and body
 * against the route's schemas, all problems at once.
 */
export function validateRequest(spec: RouteSpec): HttpMiddleware {
  return {
    before: (request: HttpRequest) => {
      const state = stateOf(request.event);
      // Before anything reads the parameters: a dot segment may have been resolved into another route.
      const unsafe = requestPathProblems(request.event, spec.path);
      if (unsafe.length > 0) throw new ValidationError(unsafe, 'The request path is not valid.');
      const errors: FieldError[] = [];
      const check = (schema: z.core.$ZodType | undefined, input: unknown, assign: (value: unknown) => void) => {
        if (!schema) return;
        const result = z.safeParse(schema, input);
        if (result.success) assign(result.data);
        else errors.push(...fieldErrors(result.error.issues));
      };
      check(spec.params, request.event.pathParameters ?? {}, (value) => {
        state.params = value;
      });
      check(spec.query, request.event.queryStringParameters ?? {}, (value) => {
        state.query = value;
      });
      check(spec.body, state.jsonBody?.value, (value) => {
        state.body = value;
      });
      if (errors.length > 0) throw new ValidationError(errors);
    },
  };
}

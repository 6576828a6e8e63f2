import type { FieldError } from '../errors';
import { type HttpEvent, header } from './request-state';

/**
 * The path as the client sent it, locally: hapi (serverless-offline) resolves dot segments before
 * it builds the event, so scripts/local/offline-fidelity.cjs passes the raw path along in this
 * header. It is checked in addition to `rawPath`, so sending it can only get a request refused.
 */
export const OFFLINE_RAW_PATH_HEADER = 'x-offline-raw-path';

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Problems with the path as the client sent it (docs/contract.md §2, issue 11 item 20): a segment that is
 * `.` or `..` (percent-encoded or not), or whose `%` escapes are not UTF-8. URL resolution removes
 * dot segments (`/v1/cart/items/..` is `/v1/cart`), so a path that holds one could be routed to
 * another endpoint than the one it names; such a path is refused, never resolved. A segment that
 * lines up with a `{param}` of the route template is reported under that parameter's name.
 * Path parameters are checked too, as API Gateway hands them over decoded (`%2e%2e` is `..`), and a
 * U+FFFD in one is what a lenient decoder makes of bytes that are not UTF-8.
 */
export function pathProblems(
  rawPath: string | undefined,
  template: string,
  pathParameters: Record<string, string | undefined> | undefined,
): FieldError[] {
  const problems: FieldError[] = [];
  const names = template.split('/');
  const segments = (rawPath ?? '').split('/');
  segments.forEach((segment, index) => {
    const name = /^\{([^}+]+)\+?\}$/.exec(names[index] ?? '')?.[1] ?? 'path';
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      problems.push({ path: name, message: 'the path holds a % escape that is not UTF-8' });
      return;
    }
    if (DOT_SEGMENT.test(segment) || decoded === '.' || decoded === '..') {
      problems.push({ path: name, message: 'a path segment may not be . or ..' });
    }
  });
  for (const [name, value] of Object.entries(pathParameters ?? {})) {
    if (value === undefined || problems.some((problem) => problem.path === name)) continue;
    if (value === '.' || value === '..') problems.push({ path: name, message: 'a path segment may not be . or ..' });
    else if (value.includes('\uFFFD'))
      problems.push({ path: name, message: 'the path holds bytes that are not UTF-8' });
  }
  return problems;
}

/** pathProblems of the event's raw path, and of the path the local server saw, if it says. */
export function requestPathProblems(event: HttpEvent, template: string): FieldError[] {
  const offline = header(event, OFFLINE_RAW_PATH_HEADER);
  const problems = pathProblems(event.rawPath, template, event.pathParameters);
  return problems.length > 0 || offline === undefined ? problems : pathProblems(offline, template, undefined);
}

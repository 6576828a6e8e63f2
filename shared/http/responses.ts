/** What a route handler returns; the HTTP stack serialises it. */
export interface HttpResult {
  statusCode: number;
  body?: unknown;
  /** A body that is already serialised (HTML, or JSON that must be byte-exact). */
  rawBody?: string;
  /** `rawBody` is the base64 of binary bytes (a gzipped file), which API Gateway decodes. */
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
}

export const ok = (body: unknown, headers?: Record<string, string>): HttpResult => ({ statusCode: 200, body, headers });

export const created = (body: unknown, location: string, headers?: Record<string, string>): HttpResult => ({
  statusCode: 201,
  body,
  headers: { Location: location, ...headers },
});

export const accepted = (body?: unknown): HttpResult => ({ statusCode: 202, body });

export const noContent = (): HttpResult => ({ statusCode: 204 });

export const notModified = (headers: Record<string, string>): HttpResult => ({ statusCode: 304, headers });

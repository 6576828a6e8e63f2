import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export interface EventInput {
  method: string;
  path: string;
  /** Path template as declared in serverless.yml, e.g. `/v1/products/{sku}` (defaults to `path`). */
  route?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** An object is sent as JSON with `Content-Type: application/json` unless headers say otherwise. */
  body?: unknown;
  token?: string;
  /**
   * The event's `body` exactly as given, instead of `body`: serverless-offline sends `null` when
   * the request had none, API Gateway leaves the field out.
   */
  rawEventBody?: string | null | boolean | number;
  /** The caller's address as API Gateway sees it (default 127.0.0.1). */
  sourceIp?: string;
}

/** An API Gateway HTTP API (payload v2) event, as API Gateway and serverless-offline send it. */
export function httpEvent(input: EventInput): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  let body: string | undefined;
  if (typeof input.body === 'string') body = input.body;
  else if (input.body !== undefined) {
    body = JSON.stringify(input.body);
    headers['content-type'] ??= 'application/json';
  }
  if (input.token) headers.authorization = `Bearer ${input.token}`;
  const query = input.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: `${input.method} ${input.route ?? input.path}`,
    rawPath: input.path,
    rawQueryString,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(body !== undefined ? { body } : {}),
    ...('rawEventBody' in input ? { body: input.rawEventBody as string } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: input.method,
        path: input.path,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '127.0.0.1',
        userAgent: 'jest',
      },
      requestId: randomUUID(),
      routeKey: `${input.method} ${input.route ?? input.path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
}

export function lambdaContext(functionName = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    // Generous: tests run hundreds of invocations concurrently in one process (in AWS each has its
    // own instance), and Middy answers 500 just before the remaining time runs out.
    getRemainingTimeInMillis: () => 120_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface InvokeResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON (undefined when there is none). */
  json: any;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/** Calls a Lambda HTTP handler like API Gateway does and returns a normalised response. */
export async function invoke(handler: Handler, input: EventInput): Promise<InvokeResult> {
  const result = (await handler(httpEvent(input), lambdaContext())) as APIGatewayProxyStructuredResultV2;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const body = result.body ?? '';
  let json: unknown;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: result.statusCode ?? 200, headers, body, json };
}

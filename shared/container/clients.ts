import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoClient } from '../adapters/dynamo/dynamo-client';
import { createSsmParameterReader, ssmSecret } from '../adapters/payments/ssm-secret';
import { createSqsClient } from '../adapters/sqs/sqs-client';
import { config, type SecretSetting } from '../config';
import { createCursorCodec } from '../lib/cursor-codec';
import { once } from '../lib/once';
import { secretValueProblem } from '../production-safety';

/*
 * The composition root, by context (shared/container/*.ts): each getter builds its part once per
 * cold start, on first use, from the validated configuration, so a function only pays for what it
 * uses. The `build…` functions beside them take their dependencies as arguments: the seed script,
 * the benches and the tests build the same parts over a table of their own.
 */

export const dynamoClient = /* @__PURE__ */ once(() => createDynamoClient(config().region));
export const documentClient = /* @__PURE__ */ once(() => createDocumentClient(dynamoClient()));
export const sqsClient = /* @__PURE__ */ once(() => createSqsClient(config().region));

/** The single table: what every DynamoDB adapter is built over. */
export interface Table {
  db: DynamoDBDocumentClient;
  name: string;
}

/** The table of the configuration, through the function's document client. */
export const table = /* @__PURE__ */ once((): Table => ({ db: documentClient(), name: config().tableName }));

/**
 * A secret of the configuration: its value locally; in AWS an SSM SecureString read on first use and
 * kept for the instance (a failed or refused read is not kept), which must be at least 32 bytes and
 * no development default (issue 11).
 */
export function secretSource(setting: SecretSetting, name: string): () => Promise<string> {
  if (setting.source === 'value') return () => Promise.resolve(setting.value);
  return ssmSecret(createSsmParameterReader(config().region), setting.parameterName, {
    check: (value) => secretValueProblem(name, value),
  });
}

/** Signs and checks the pagination cursors of every list endpoint. */
export const cursorCodec = /* @__PURE__ */ once(() =>
  createCursorCodec(secretSource(config().cursorSecret, 'CURSOR_SECRET')),
);

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ErasureQueue } from '../../domain/customers/erasure-ports';
import { sendJsonMessage } from './sqs-json-message';

/** Erasure requests on SQS: `{ type: 'ERASURE_REQUESTED', sub, requestedAt }`. */
export function createSqsErasureQueue(sqs: SQSClient, queueUrl: string): ErasureQueue {
  return {
    send: (request) =>
      sendJsonMessage(sqs, queueUrl, {
        type: 'ERASURE_REQUESTED',
        sub: request.sub,
        requestedAt: request.requestedAt,
      }),
  };
}

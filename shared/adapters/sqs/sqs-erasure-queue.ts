import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ErasureQueue } from '../../domain/customers/erasure-ports';

/** Erasure requests on SQS: `{ type: 'ERASURE_REQUESTED', sub, requestedAt }`. */
export function createSqsErasureQueue(sqs: SQSClient, queueUrl: string): ErasureQueue {
  return {
    async send(request) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({
            type: 'ERASURE_REQUESTED',
            sub: request.sub,
            requestedAt: request.requestedAt,
          }),
        }),
      );
    },
  };
}

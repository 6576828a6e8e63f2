import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { HealthProbe } from '../../domain/health/health-service';

/** The health check's probe of the queues: each of them answers. */
export function sqsQueuesProbe(client: () => SQSClient, queueUrls: string[]): HealthProbe {
  return {
    name: 'queues',
    check: async () => {
      await Promise.all(
        queueUrls.map((QueueUrl) =>
          client().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] })),
        ),
      );
    },
  };
}

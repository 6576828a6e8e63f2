import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type QueueAttributeName,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from './local-aws';
import type { CloudFormationResource, ServerlessDefinition } from './serverless-definition';

export interface LocalQueue {
  name: string;
  url: string;
  arn: string;
}

/** Creates every `AWS::SQS::Queue` of the definition, dead-letter queues first. */
export async function provisionQueues(options: {
  definition: ServerlessDefinition;
  sqsEndpoint: string;
  region: string;
}): Promise<Record<string, LocalQueue>> {
  const client = new SQSClient({
    region: options.region,
    endpoint: options.sqsEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return await createQueues(client, options.definition);
  } finally {
    client.destroy();
  }
}

/** Queue properties that are also SQS attributes (encryption and access policies have no local meaning). */
const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

async function createQueues(client: SQSClient, definition: ServerlessDefinition): Promise<Record<string, LocalQueue>> {
  const resources = definition.resources?.Resources ?? {};
  const pending = new Map(Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::SQS::Queue'));
  const queues: Record<string, LocalQueue> = {};
  // A queue can name its dead-letter queue only once that exists: create in dependency order.
  while (pending.size > 0) {
    const ready = [...pending].filter(([, resource]) => {
      const target = deadLetterTarget(resource);
      return target === undefined || queues[target] !== undefined;
    });
    if (ready.length === 0) {
      throw new Error(`queues with a missing or circular dead-letter target: ${[...pending.keys()].join(', ')}`);
    }
    for (const [logicalId, resource] of ready) {
      queues[logicalId] = await createQueue(client, logicalId, resource, queues, definition);
      pending.delete(logicalId);
    }
  }
  return queues;
}

/** The logical id a queue's `RedrivePolicy.deadLetterTargetArn: { 'Fn::GetAtt': [X, 'Arn'] }` names. */
export function deadLetterTarget(resource: CloudFormationResource): string | undefined {
  const policy = resource.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
  if (!policy) return undefined;
  const target = getAttArnTarget(policy.deadLetterTargetArn);
  if (!target) throw new Error('RedrivePolicy.deadLetterTargetArn must be { Fn::GetAtt: [<queue>, Arn] }');
  return target;
}

/** X of `{ 'Fn::GetAtt': [X, 'Arn'] }` (also the `X.Arn` string form), else undefined. */
export function getAttArnTarget(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  const parts = typeof getAtt === 'string' ? getAtt.split('.') : getAtt;
  if (Array.isArray(parts) && parts.length === 2 && parts[1] === 'Arn' && typeof parts[0] === 'string') {
    return parts[0];
  }
  return undefined;
}

/** SQS attributes of a queue resource, with its dead-letter target resolved to a local ARN. */
export function queueAttributes(
  resource: CloudFormationResource,
  queues: Record<string, LocalQueue>,
): Partial<Record<QueueAttributeName, string>> {
  const properties = resource.Properties ?? {};
  const attributes: Partial<Record<QueueAttributeName, string>> = {};
  for (const name of QUEUE_ATTRIBUTES) {
    if (properties[name] !== undefined) attributes[name] = String(properties[name]);
  }
  const target = deadLetterTarget(resource);
  if (target) {
    const policy = properties.RedrivePolicy as { maxReceiveCount?: unknown };
    const arn = queues[target]?.arn;
    if (!arn) throw new Error(`dead-letter queue ${target} is not provisioned yet`);
    // The template may carry the count as a string (it comes from ${env:...}); SQS wants a number.
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: arn,
      maxReceiveCount: Number(policy.maxReceiveCount ?? 10),
    });
  }
  return attributes;
}

async function createQueue(
  client: SQSClient,
  logicalId: string,
  resource: CloudFormationResource,
  queues: Record<string, LocalQueue>,
  definition: ServerlessDefinition,
): Promise<LocalQueue> {
  const properties = resource.Properties ?? {};
  const fifo = properties.FifoQueue === true || properties.FifoQueue === 'true';
  // CloudFormation invents a name when none is given; locally a readable one will do.
  const name =
    (properties.QueueName as string | undefined) ??
    `${definition.service}-${definition.provider.stage}-${logicalId}${fifo ? '.fifo' : ''}`;
  const attributes = queueAttributes(resource, queues);
  let url: string | undefined;
  try {
    ({ QueueUrl: url } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })));
  } catch (error) {
    // The queue exists with other attributes (serverless.yml changed): bring it up to date.
    if (!/QueueNameExists|QueueAlreadyExists/.test((error as Error).name)) throw error;
    ({ QueueUrl: url } = await client.send(new GetQueueUrlCommand({ QueueName: name })));
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  if (!url) throw new Error(`SQS returned no URL for queue ${name}`);
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no ARN for queue ${name}`);
  return { name, url, arn };
}

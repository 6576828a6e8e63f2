import { referencedEnv } from '../../scripts/local/provision';
import { deadLetterTarget, queueAttributes } from '../../scripts/local/provision-queues';
import { createTableInput } from '../../scripts/local/provision-table';
import type { ServerlessDefinition } from '../../scripts/local/serverless-definition';

describe('local resources from serverless.yml', () => {
  test('a table keeps its keys, indexes and billing mode, and leaves out what the local engine lacks', () => {
    const input = createTableInput(
      {
        TableName: 'from-template',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'GSI1',
            KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      'cartwheel-test',
    );

    expect(input).toEqual({
      TableName: 'cartwheel-test',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'GSI1',
          KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  test('a redrive policy names its dead-letter queue by local ARN, with a numeric receive count', () => {
    const resource = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: 'work',
        VisibilityTimeout: 60,
        MessageRetentionPeriod: 1209600,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDlq', 'Arn'] }, maxReceiveCount: '5' },
      },
    };
    const dlq = { name: 'work-dlq', url: 'http://127.0.0.1:1/0/work-dlq', arn: 'arn:aws:sqs:eu-west-1:0:work-dlq' };

    expect(deadLetterTarget(resource)).toBe('WorkDlq');
    expect(queueAttributes(resource, { WorkDlq: dlq })).toEqual({
      VisibilityTimeout: '60',
      MessageRetentionPeriod: '1209600',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
    });
  });

  test('environment references to queues and the table become local URLs and names', () => {
    const definition: ServerlessDefinition = {
      service: 'cartwheel',
      provider: {
        stage: 'local',
        region: 'eu-west-1',
        environment: {
          PAYMENT_QUEUE_URL: { Ref: 'PaymentQueue' },
          TABLE: { Ref: 'Table' },
          COGNITO_USER_POOL_ID: { Ref: 'UserPool' },
          STORE_CURRENCY: 'EUR',
        },
      },
    };
    const queues = { PaymentQueue: { name: 'payment', url: 'http://127.0.0.1:1/0/payment', arn: 'arn:payment' } };

    expect(referencedEnv(definition, { Table: 'cartwheel-local' }, queues)).toEqual({
      PAYMENT_QUEUE_URL: 'http://127.0.0.1:1/0/payment',
      TABLE: 'cartwheel-local',
    });
  });
});

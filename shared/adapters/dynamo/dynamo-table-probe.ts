import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HealthProbe } from '../../domain/health/health-service';

/** The health check's probe of the table: it answers, and is ACTIVE. */
export function dynamoTableProbe(client: () => DynamoDBClient, tableName: string): HealthProbe {
  return {
    name: 'dynamodb',
    check: async () => {
      const result = await client().send(new DescribeTableCommand({ TableName: tableName }));
      if (result.Table?.TableStatus !== 'ACTIVE') throw new Error(`table status ${result.Table?.TableStatus}`);
    },
  };
}

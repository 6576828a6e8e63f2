import { dynamoTableProbe } from '../adapters/dynamo/dynamo-table-probe';
import { sqsQueuesProbe } from '../adapters/sqs/sqs-queues-probe';
import { config } from '../config';
import { createHealthService } from '../domain/health/health-service';
import { once } from '../lib/once';
import { dynamoClient, sqsClient } from './clients';
import { healthProbeFailed } from './telemetry';

/** `GET /v1/health`: the table and every queue probed. */
export const healthService = /* @__PURE__ */ once(() => {
  const { tableName, queues } = config();
  return createHealthService(
    [dynamoTableProbe(dynamoClient, tableName), sqsQueuesProbe(sqsClient, Object.values(queues))],
    healthProbeFailed,
  );
});

import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { CircuitSnapshot, CircuitStore } from '../../domain/payments/circuit-breaker';
import { applied, conditionFailureItem, isConditionFailure } from './dynamo-client';
import { keys } from './keys';

/** Starting a new failure window can lose to another instance's only this often in a row. */
const MAX_COUNT_ATTEMPTS = 3;

const numberOf = (item: Record<string, AttributeValue> | undefined, name: string): number | null => {
  const value = item?.[name]?.N;
  return value === undefined ? null : Number(value);
};

/**
 * The circuits' shared state, one item per circuit (`CIRCUIT#<name>` / `#CIRCUIT`, see
 * docs/data-model.md): `openUntil` (epoch ms, absent while closed) and the failure count
 * `failures` of the window ending at `windowEndsAt` (epoch ms). Every change is one conditional
 * `UpdateItem`, so instances racing to count, open or close agree on the outcome.
 *
 * The low-level client, like the rate limiter: the item is three numbers, no marshalling needed.
 */
export function createDynamoCircuitStore(db: DynamoDBClient, tableName: string): CircuitStore {
  const key = (name: string) => {
    const { PK, SK } = keys.circuit(name);
    return { PK: { S: PK }, SK: { S: SK } };
  };

  const update = (name: string, input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>) =>
    db.send(new UpdateItemCommand({ TableName: tableName, Key: key(name), ...input }));

  const read = async (name: string): Promise<CircuitSnapshot> => {
    const { Item } = await db.send(
      new GetItemCommand({
        TableName: tableName,
        Key: key(name),
        ConsistentRead: true,
        ProjectionExpression: 'openUntil',
      }),
    );
    return { openUntil: numberOf(Item, 'openUntil') };
  };

  return {
    read,

    async addFailure(name, nowMs, windowMs) {
      const now = { N: String(nowMs) };
      for (let attempt = 1; ; attempt++) {
        try {
          // The usual case: a window is running; count into it.
          const { Attributes } = await update(name, {
            UpdateExpression: 'ADD failures :one',
            ConditionExpression: 'windowEndsAt > :now',
            ExpressionAttributeValues: { ':one': { N: '1' }, ':now': now },
            ReturnValues: 'UPDATED_NEW',
          });
          return numberOf(Attributes, 'failures') ?? 1;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
        try {
          // No window running: start one with this failure, unless another instance just did.
          await update(name, {
            UpdateExpression: 'SET failures = :one, windowEndsAt = :end, #type = :type',
            ConditionExpression: 'attribute_not_exists(windowEndsAt) OR windowEndsAt <= :now',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':one': { N: '1' },
              ':now': now,
              ':end': { N: String(nowMs + windowMs) },
              ':type': { S: 'Circuit' },
            },
          });
          return 1;
        } catch (error) {
          if (!isConditionFailure(error) || attempt >= MAX_COUNT_ATTEMPTS) throw error;
        }
      }
    },

    async open(name, nowMs, untilMs) {
      try {
        await update(name, {
          UpdateExpression: 'SET openUntil = :until, openedAt = :now, #type = :type',
          ConditionExpression: 'attribute_not_exists(openUntil) OR openUntil <= :now',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':until': { N: String(untilMs) },
            ':now': { N: String(nowMs) },
            ':type': { S: 'Circuit' },
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        });
        return { opened: true, state: { openUntil: untilMs } };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Already open: another instance won. Its openUntil is what everyone now sees.
        const item = conditionFailureItem(error);
        const state: CircuitSnapshot = item ? { openUntil: numberOf(item, 'openUntil') } : await read(name);
        return { opened: false, state };
      }
    },

    async close(name, seenOpenUntil, nowMs) {
      return applied(
        update(name, {
          // The old window's failures led to the opening; they must not count against the recovered gateway.
          UpdateExpression: 'REMOVE openUntil, failures, windowEndsAt SET closedAt = :now',
          ConditionExpression: 'openUntil = :seen',
          ExpressionAttributeValues: { ':seen': { N: String(seenOpenUntil) }, ':now': { N: String(nowMs) } },
        }),
      );
    },
  };
}

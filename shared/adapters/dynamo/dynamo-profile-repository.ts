import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Address } from '../../domain/address';
import type { Profile, ProfileChanges } from '../../domain/customers/profile';
import type { ProfileRepository } from '../../domain/customers/profile-ports';
import { applied } from './dynamo-client';
import { keys } from './keys';

type Item = Record<string, unknown>;

function toProfile(item: Item): Profile {
  return {
    sub: item.sub as string,
    email: (item.email as string | null | undefined) ?? null,
    // Profiles written before the verified address was cached have none: it is looked up on next use.
    verifiedEmail: (item.verifiedEmail as string | null | undefined) ?? null,
    name: (item.name as string | null | undefined) ?? null,
    defaultAddress: (item.defaultAddress as Address | null | undefined) ?? null,
  };
}

/** Profile fields as attribute names; every one is always stored (null when unset). */
const FIELDS = {
  email: '#email',
  verifiedEmail: '#verifiedEmail',
  name: '#name',
  defaultAddress: '#defaultAddress',
} as const;

export function createDynamoProfileRepository(db: DynamoDBDocumentClient, tableName: string): ProfileRepository {
  return {
    async get(sub, options) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: keys.profile(sub), ConsistentRead: options?.eventual !== true }),
      );
      return result.Item ? toProfile(result.Item) : null;
    },

    async createIfAbsent(profile, now) {
      return applied(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.profile(profile.sub), type: 'Profile', ...profile, createdAt: now, updatedAt: now },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      );
    },

    async update(initial, changes, now) {
      // One UpdateItem that creates or changes: fields given are set, the others keep their stored
      // value (or take the initial one when the item is new), so no read-modify-write can lose a
      // concurrent change to another field, and no create races another.
      const assignments: string[] = [];
      const values: Item = {};
      for (const field of Object.keys(FIELDS) as Array<keyof ProfileChanges>) {
        const name = FIELDS[field];
        if (changes[field] !== undefined) {
          assignments.push(`${name} = :set_${field}`);
          values[`:set_${field}`] = changes[field];
        } else {
          assignments.push(`${name} = if_not_exists(${name}, :initial_${field})`);
          values[`:initial_${field}`] = initial[field];
        }
      }
      const result = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.profile(initial.sub),
          UpdateExpression: [
            'SET #type = :type, #sub = :sub',
            ...assignments,
            '#createdAt = if_not_exists(#createdAt, :now), #updatedAt = :now',
          ].join(', '),
          ExpressionAttributeNames: {
            '#type': 'type',
            '#sub': 'sub',
            '#createdAt': 'createdAt',
            '#updatedAt': 'updatedAt',
            ...Object.fromEntries(Object.entries(FIELDS).map(([field, name]) => [name, field])),
          },
          ExpressionAttributeValues: { ':type': 'Profile', ':sub': initial.sub, ':now': now, ...values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toProfile(result.Attributes as Item);
    },

    async delete(sub) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keys.profile(sub) }));
    },
  };
}

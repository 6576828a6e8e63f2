import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mintToken } from '../../scripts/local/issuer';

/** A sku no other test uses (tests share one table per run). */
export const uniqueSku = (prefix = 'T') => `${prefix}-${randomBytes(5).toString('hex').toUpperCase()}`;

/** A category no other test uses, so list assertions see only their own products. */
export const uniqueCategory = () => `Cat ${randomBytes(4).toString('hex')}`;

export const tableName = () => process.env.TABLE_NAME as string;

export const adminToken = (sub = 'admin-1') =>
  mintToken({ dir: process.env.LOCAL_ISSUER_DIR as string, sub, role: 'admin' });
export const customerToken = (sub = 'customer-1') =>
  mintToken({ dir: process.env.LOCAL_ISSUER_DIR as string, sub, role: 'customer' });

/** Direct access to the test table, for arranging state and checking what was (not) written. */
export function testDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ region: process.env.AWS_REGION }));
}

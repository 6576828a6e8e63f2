/**
 * The yardstick of `npm run bench`: the least a Lambda can do to serve GET /v1/products/{sku}.
 * One DynamoDBClient, one Query (the one DynamoCatalogRepository.get sends: the product and its
 * stock share PK = PRODUCT#<sku>, and their sort keys start with '#'), and a JSON response.
 * No Middy, no zod, no Powertools, no validation, no unmarshalling: whatever the real handler
 * costs beyond this is the price of its HTTP stack.
 */
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// Region, endpoint and credentials come from the environment, as in the real functions.
const client = new DynamoDBClient({});

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const sku = event.pathParameters?.sku ?? '';
  const result = await client.send(
    new QueryCommand({
      TableName: process.env.TABLE_NAME,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :hash)',
      ExpressionAttributeValues: { ':pk': { S: `PRODUCT#${sku}` }, ':hash': { S: '#' } },
    }),
  );
  const items = result.Items ?? [];
  if (!items.some((item) => item.SK?.S === '#PRODUCT')) return { statusCode: 404 };
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) };
}

import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's published capacity rules, applied to items as they are stored (wire format).
 * Sources: Developer Guide, "DynamoDB item sizes and formats" (item size), "Read/write capacity
 * mode" and "Managing capacity for transactions" (units), "Global secondary indexes: provisioned
 * throughput considerations" (index writes).
 */
export type WireItem = Record<string, AttributeValue>;

export const WRITE_UNIT_BYTES = 1024;
export const READ_UNIT_BYTES = 4096;
/** A transactional write or read costs twice the standard one, per item (prepare + commit). */
export const TRANSACTION_FACTOR = 2;
/**
 * Index entries written because of a transactional write. The published rules double the items of
 * the transaction; an index entry is written by DynamoDB after the commit, outside the two-phase
 * protocol, and we count it as a standard write (DynamoDB Local doubles it; the doc says so).
 */
export const INDEX_WRITE_FACTOR_IN_TRANSACTION = 1;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** Bytes of a number: 1 per two significant digits, plus 1 (leading and trailing zeros trimmed). */
function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '');
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '').length;
  return Math.ceil(Math.max(1, significant) / 2) + 1;
}

/** Size of a value, without its attribute name. */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, item) => sum + utf8(item), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, item) => sum + numberSize(item), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, item) => sum + item.byteLength, 0);
  // A list or map: 3 bytes, plus 1 byte per element.
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + valueSize(item), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [name, item]) => sum + 1 + utf8(name) + valueSize(item), 0);
  }
  throw new Error(`unknown attribute value ${JSON.stringify(value)}`);
}

/** Size of an item: the names and values of all its attributes. */
export function itemSize(item: WireItem | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

const units = (bytes: number, unitBytes: number) => Math.max(1, Math.ceil(bytes / unitBytes));
export const writeUnitsOf = (bytes: number) => units(bytes, WRITE_UNIT_BYTES);
export const readUnitsOf = (bytes: number) => units(bytes, READ_UNIT_BYTES);

export interface IndexDefinition {
  name: string;
  keys: string[];
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  nonKeyAttributes: string[];
}

export interface TableDefinition {
  keys: string[];
  indexes: IndexDefinition[];
}

/** The key schema and global secondary indexes of the one table of serverless.yml. */
export function tableDefinition(resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>) {
  const table = Object.values(resources).find((resource) => resource.Type === 'AWS::DynamoDB::Table');
  if (!table?.Properties) throw new Error('serverless.yml declares no DynamoDB table');
  type KeySchema = Array<{ AttributeName: string }>;
  const properties = table.Properties as {
    KeySchema: KeySchema;
    GlobalSecondaryIndexes?: Array<{
      IndexName: string;
      KeySchema: KeySchema;
      Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
    }>;
    LocalSecondaryIndexes?: unknown[];
  };
  if (properties.LocalSecondaryIndexes?.length) throw new Error('local secondary indexes are not accounted for');
  const definition: TableDefinition = {
    keys: properties.KeySchema.map((key) => key.AttributeName),
    indexes: (properties.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName,
      keys: index.KeySchema.map((key) => key.AttributeName),
      projection: (index.Projection?.ProjectionType ?? 'KEYS_ONLY') as IndexDefinition['projection'],
      nonKeyAttributes: index.Projection?.NonKeyAttributes ?? [],
    })),
  };
  return definition;
}

function projected(item: WireItem, index: IndexDefinition, table: TableDefinition): WireItem {
  if (index.projection === 'ALL') return item;
  const names = new Set([...table.keys, ...index.keys, ...index.nonKeyAttributes]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

const inIndex = (item: WireItem | undefined, index: IndexDefinition): item is WireItem =>
  item !== undefined && index.keys.every((key) => item[key] !== undefined);

/** Write units an index is charged for one item going from `before` to `after` (either may be absent). */
export function indexWriteUnits(
  before: WireItem | undefined,
  after: WireItem | undefined,
  index: IndexDefinition,
  table: TableDefinition,
): number {
  const wasIn = inIndex(before, index);
  const isIn = inIndex(after, index);
  if (!wasIn && !isIn) return 0;
  // A new entry, or a removed one: one write of the entry.
  if (!wasIn) return writeUnitsOf(itemSize(projected(after as WireItem, index, table)));
  if (!isIn) return writeUnitsOf(itemSize(projected(before, index, table)));
  const old = projected(before, index, table);
  const next = projected(after as WireItem, index, table);
  // The index key changed: the old entry is deleted and a new one put.
  if (index.keys.some((key) => JSON.stringify(before[key]) !== JSON.stringify((after as WireItem)[key]))) {
    return writeUnitsOf(itemSize(old)) + writeUnitsOf(itemSize(next));
  }
  if (JSON.stringify(old) === JSON.stringify(next)) return 0;
  return writeUnitsOf(Math.max(itemSize(old), itemSize(next)));
}

export interface WriteCost {
  table: number;
  indexes: Record<string, number>;
}

/** Units of one item write (Put, Update or Delete): the larger of the item before and after. */
export function writeCost(
  before: WireItem | undefined,
  after: WireItem | undefined,
  table: TableDefinition,
  transactional: boolean,
): WriteCost {
  const factor = transactional ? TRANSACTION_FACTOR : 1;
  const indexFactor = transactional ? INDEX_WRITE_FACTOR_IN_TRANSACTION : 1;
  const indexes: Record<string, number> = {};
  for (const index of table.indexes) {
    const indexUnits = indexWriteUnits(before, after, index, table) * indexFactor;
    if (indexUnits > 0) indexes[index.name] = indexUnits;
  }
  return { table: writeUnitsOf(Math.max(itemSize(before), itemSize(after))) * factor, indexes };
}

export const totalOf = (cost: WriteCost) => cost.table + Object.values(cost.indexes).reduce((a, b) => a + b, 0);

/** Read units: eventually consistent half, strongly consistent one, transactional two per 4 KB. */
export function readCost(bytes: number, mode: 'eventual' | 'strong' | 'transactional'): number {
  const factor = mode === 'eventual' ? 0.5 : mode === 'strong' ? 1 : TRANSACTION_FACTOR;
  return readUnitsOf(bytes) * factor;
}

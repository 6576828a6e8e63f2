import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  itemSize,
  readCost,
  type TableDefinition,
  totalOf,
  type WireItem,
  type WriteCost,
  writeCost,
} from './capacity';

type Plain = Record<string, unknown>;

/** One item a call wrote, with the item as stored just before and just after the call. */
export interface ItemWrite {
  action: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  transactional: boolean;
  key: WireItem;
  before?: WireItem;
  after?: WireItem;
  /** By the published rules (see capacity.ts). */
  cost: WriteCost;
}

/** Items a call read, as returned. */
export interface ItemRead {
  mode: 'eventual' | 'strong' | 'transactional';
  items: WireItem[];
  /** Keys asked for and not found (they still cost the minimum). */
  missing: number;
  /** By the published rules. */
  units: number;
}

/** What DynamoDB (Local) reported in `ConsumedCapacity`, summed over the tables of the call. */
export interface ReportedCapacity {
  total: number;
  table: number;
  indexes: Record<string, number>;
}

export interface RecordedCall {
  /** `UpdateItem`, `TransactWriteItems`, ... */
  operation: string;
  /** The error's name when the call failed. */
  error?: string;
  /** Whatever kept the recorder from accounting for the call (the call itself went ahead). */
  problems: string[];
  reported: ReportedCapacity | null;
  writes: ItemWrite[];
  reads: ItemRead[];
}

export interface CapacityRecorder {
  readonly calls: RecordedCall[];
  /** Forgets the calls recorded so far. */
  reset(): void;
}

const MARSHALL = { removeUndefinedValues: true } as const;
const WRITE_ACTIONS = ['Put', 'Update', 'Delete', 'ConditionCheck'] as const;

interface WriteTarget {
  action: ItemWrite['action'];
  transactional: boolean;
  tableName: string;
  key: WireItem;
}

/**
 * Whether an item (or key) is in wire format: the document client hands the middleware plain values,
 * the low-level client `{ S: ... }` ones. The table's key attributes tell: plain keys are strings or
 * numbers, wire keys objects.
 */
function isWire(item: Plain, table: TableDefinition): boolean {
  const value = item[table.keys[0] as string];
  return typeof value === 'object' && value !== null;
}

const toWire = (item: Plain, table: TableDefinition): WireItem =>
  isWire(item, table) ? (item as WireItem) : marshall(item, MARSHALL);

function keyOf(item: Plain, table: TableDefinition): WireItem {
  return toWire(Object.fromEntries(table.keys.map((name) => [name, item[name]])), table);
}

/** The items a write call touches (none for reads). */
function writeTargets(operation: string, input: Plain, table: TableDefinition): WriteTarget[] {
  const single = (action: ItemWrite['action'], source: Plain): WriteTarget => ({
    action,
    transactional: false,
    tableName: source.TableName as string,
    key: keyOf((action === 'Put' ? source.Item : source.Key) as Plain, table),
  });
  switch (operation) {
    case 'PutItem':
      return [single('Put', input)];
    case 'UpdateItem':
      return [single('Update', input)];
    case 'DeleteItem':
      return [single('Delete', input)];
    case 'TransactWriteItems':
      return ((input.TransactItems as Plain[] | undefined) ?? []).map((entry) => {
        const action = WRITE_ACTIONS.find((name) => entry[name] !== undefined);
        if (!action) throw new Error(`unknown transaction action ${Object.keys(entry).join(', ')}`);
        return { ...single(action, entry[action] as Plain), transactional: true };
      });
    case 'BatchWriteItem':
    case 'ExecuteStatement':
    case 'BatchExecuteStatement':
    case 'ExecuteTransaction':
      throw new Error(`the capacity recorder does not account for ${operation}`);
    default:
      return [];
  }
}

function readsOf(operation: string, input: Plain, output: Plain | undefined, table: TableDefinition): ItemRead[] {
  const wire = (items: unknown) => ((items as Plain[] | undefined) ?? []).map((item) => toWire(item, table));
  const read = (mode: ItemRead['mode'], items: WireItem[], missing: number, perItem: boolean): ItemRead => ({
    mode,
    items,
    missing,
    units: perItem
      ? items.reduce((sum, item) => sum + readCost(itemSize(item), mode), 0) + missing * readCost(0, mode)
      : readCost(
          items.reduce((sum, item) => sum + itemSize(item), 0),
          mode,
        ),
  });
  if (!output) return [];
  switch (operation) {
    case 'GetItem': {
      const items = output.Item ? wire([output.Item]) : [];
      return [read(input.ConsistentRead ? 'strong' : 'eventual', items, 1 - items.length, true)];
    }
    case 'BatchGetItem': {
      const requested = (input.RequestItems as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>) ?? {};
      const responses = (output.Responses as Record<string, unknown[]> | undefined) ?? {};
      const unprocessed = (output.UnprocessedKeys as Record<string, { Keys?: unknown[] }> | undefined) ?? {};
      return Object.entries(requested).map(([tableName, request]) => {
        const items = wire(responses[tableName]);
        const asked = (request.Keys?.length ?? 0) - (unprocessed[tableName]?.Keys?.length ?? 0);
        return read(request.ConsistentRead ? 'strong' : 'eventual', items, Math.max(0, asked - items.length), true);
      });
    }
    case 'Query':
    case 'Scan': {
      const consistent = input.ConsistentRead === true && input.IndexName === undefined;
      return [read(consistent ? 'strong' : 'eventual', wire(output.Items), 0, false)];
    }
    case 'TransactGetItems': {
      const found = ((output.Responses as Array<{ Item?: Plain }> | undefined) ?? []).flatMap((entry) =>
        entry.Item ? [entry.Item] : [],
      );
      return [read('transactional', wire(found), 0, true)];
    }
    default:
      return [];
  }
}

function reported(consumed: unknown): ReportedCapacity | null {
  if (consumed === undefined) return null;
  const list = (Array.isArray(consumed) ? consumed : [consumed]) as Array<{
    CapacityUnits?: number;
    Table?: { CapacityUnits?: number };
    GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
    LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  }>;
  const result: ReportedCapacity = { total: 0, table: 0, indexes: {} };
  for (const entry of list) {
    result.total += entry.CapacityUnits ?? 0;
    result.table += entry.Table?.CapacityUnits ?? 0;
    for (const [name, index] of Object.entries({ ...entry.GlobalSecondaryIndexes, ...entry.LocalSecondaryIndexes })) {
      result.indexes[name] = (result.indexes[name] ?? 0) + (index.CapacityUnits ?? 0);
    }
  }
  return result;
}

/**
 * Instruments a DynamoDBClient (and every DynamoDBDocumentClient made from it: they share its
 * middleware stack; inputs come in plain from the one and in wire format from the other): each call asks for `ReturnConsumedCapacity: INDEXES`, and is recorded with what
 * DynamoDB reported, the items it read, and, for writes, each item as stored just before and just
 * after the call (strongly consistent reads through `snapshot`, a client that is not instrumented).
 * Only for sequential calls: a concurrent writer would blur the before/after images.
 */
export function recordCapacity(
  client: DynamoDBClient,
  options: { snapshot: DynamoDBClient; table: TableDefinition },
): CapacityRecorder {
  const calls: RecordedCall[] = [];
  const read = async (target: WriteTarget): Promise<WireItem | undefined> => {
    const { Item } = await options.snapshot.send(
      new GetItemCommand({ TableName: target.tableName, Key: target.key, ConsistentRead: true }),
    );
    return Item;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = { ...(args.input as Plain), ReturnConsumedCapacity: 'INDEXES' };
      const call: RecordedCall = { operation, problems: [], reported: null, writes: [], reads: [] };
      calls.push(call);
      const problem = (stage: string, error: unknown) =>
        call.problems.push(`${stage}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      // The recorder must never change what the call does: its own failures are noted, not thrown.
      let targets: WriteTarget[] = [];
      let before: Array<WireItem | undefined> = [];
      try {
        targets = writeTargets(operation, input, options.table);
        before = await Promise.all(targets.map(read));
      } catch (error) {
        problem('before the call', error);
        targets = [];
      }
      try {
        const result = await next({ ...args, input });
        try {
          const output = result.output as unknown as Plain;
          call.reported = reported(output.ConsumedCapacity);
          call.reads = readsOf(operation, input, output, options.table);
        } catch (error) {
          problem('reading the output', error);
        }
        return result;
      } catch (error) {
        call.error = error instanceof Error ? error.name : String(error);
        throw error;
      } finally {
        try {
          const after = await Promise.all(targets.map(read));
          call.writes = targets.map((target, index) => {
            const was = before[index];
            const is = target.action === 'ConditionCheck' ? was : after[index];
            return {
              action: target.action,
              transactional: target.transactional,
              key: target.key,
              ...(was && { before: was }),
              ...(is && { after: is }),
              cost: writeCost(was, is, options.table, target.transactional),
            };
          });
        } catch (error) {
          problem('after the call', error);
        }
      }
    },
    { step: 'initialize', name: 'benchCapacityRecorder', override: true },
  );
  return {
    calls,
    reset: () => {
      calls.length = 0;
    },
  };
}

/** Write units of a call by the published rules (table and indexes). */
export const computedWriteUnits = (call: RecordedCall) =>
  call.writes.reduce((sum, write) => sum + totalOf(write.cost), 0);

export const computedReadUnits = (call: RecordedCall) => call.reads.reduce((sum, entry) => sum + entry.units, 0);

/** Whether a call writes (its reported units are write units) or reads. */
export const isWriteCall = (call: RecordedCall) => call.writes.length > 0;

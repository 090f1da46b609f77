/**
 * Takes a snapshot of one schema: one catalog query per kind of object (./queries.ts), normalised
 * into plain, sorted data (./types.ts). Reads only.
 */
import { maskUrl, newClient } from '../connection';
import { ConnectError } from '../errors';
import { quoteIdent } from '../quote';
import * as q from './queries';
import { BOOKKEEPING_TABLES, type Comment, type Constraint, type ConstraintType, type Routine, type RoutineKind, type Snapshot, type Table } from './types';

/** Anything that runs a bound query: a pg Client or PoolClient. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

type Row = Record<string, unknown>;

const CONSTRAINT_TYPES: Record<string, ConstraintType> = { p: 'primary key', f: 'foreign key', u: 'unique', c: 'check', x: 'exclusion', t: 'trigger' };
const FK_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
const ROUTINE_KINDS: Record<string, RoutineKind> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window function' };

/** A record with its keys in sorted order, so that JSON and iteration are deterministic. */
export function sorted<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const text = (value: unknown): string => String(value);
const optional = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));

function tablesOf(tableRows: Row[], columnRows: Row[], constraintRows: Row[], schema: string): Record<string, Table> {
  const tables = new Map<string, Table>();
  for (const row of tableRows) {
    const partitionKey = optional(row.partition_key);
    tables.set(text(row.name), { ...(partitionKey ? { partitionKey } : {}), columns: {}, columnOrder: [], constraints: {} });
  }
  for (const row of columnRows) {
    const table = tables.get(text(row.table));
    if (!table) continue;
    const name = text(row.name);
    const identity = row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by default' : undefined;
    table.columnOrder.push(name);
    table.columns[name] = {
      type: text(row.type),
      nullable: !row.not_null,
      ...(optional(row.default) !== undefined ? { default: text(row.default) } : {}),
      ...(identity ? { identity } : {}),
      ...(optional(row.generated) !== undefined ? { generated: text(row.generated) } : {}),
      ...(row.virtual === true ? { virtual: true as const } : {}),
      ...(optional(row.collation) !== undefined ? { collation: text(row.collation) } : {}),
    };
  }
  for (const row of constraintRows) {
    const table = tables.get(text(row.table));
    if (!table) continue;
    const constraint: Constraint = {
      type: CONSTRAINT_TYPES[text(row.type)] ?? (text(row.type) as ConstraintType),
      definition: text(row.definition),
      columns: (row.columns as string[]) ?? [],
    };
    if (row.type === 'f') {
      const refTable = row.ref_schema === schema ? text(row.ref_table) : `${text(row.ref_schema)}.${text(row.ref_table)}`;
      constraint.references = {
        table: refTable,
        columns: (row.ref_columns as string[]) ?? [],
        onDelete: FK_ACTIONS[text(row.on_delete)] ?? text(row.on_delete),
        onUpdate: FK_ACTIONS[text(row.on_update)] ?? text(row.on_update),
      };
    }
    table.constraints[text(row.name)] = constraint;
  }
  for (const table of tables.values()) {
    table.columns = sorted(Object.entries(table.columns));
    table.constraints = sorted(Object.entries(table.constraints));
  }
  return sorted([...tables].filter(([name]) => !BOOKKEEPING_TABLES.includes(name)));
}

/**
 * Runs every catalog query and assembles the snapshot. With `scope`, tables, their columns,
 * constraints, indexes and comments are read for those relations only (refresh.ts merges them).
 */
export async function snapshotWith(db: Queryable, schema: string, scope?: string[]): Promise<Snapshot> {
  const run = async (sql: string): Promise<Row[]> => (await db.query<Row>(sql, [schema])).rows;
  const runScoped = async (whole: string, scoped: string): Promise<Row[]> =>
    scope ? (await db.query<Row>(scoped, [schema, scope])).rows : run(whole);
  // One connection answers one query at a time: sequential on purpose.
  const tableRows = await runScoped(q.TABLES, q.SCOPED.TABLES);
  const columnRows = await runScoped(q.COLUMNS, q.SCOPED.COLUMNS);
  const constraintRows = await runScoped(q.CONSTRAINTS, q.SCOPED.CONSTRAINTS);
  const indexRows = await runScoped(q.INDEXES, q.SCOPED.INDEXES);
  const sequenceRows = await run(q.SEQUENCES);
  const enumRows = await run(q.ENUMS);
  const viewRows = await run(q.VIEWS);
  const routineRows = await run(q.ROUTINES);
  const triggerRows = await run(q.TRIGGERS);
  const extensionRows = await run(q.EXTENSIONS);
  const commentRows = await runScoped(q.COMMENTS, q.SCOPED.COMMENTS);

  const ours = (table: unknown) => BOOKKEEPING_TABLES.includes(text(table));
  const ownerTable = (owner: string | undefined) => owner?.split('.')[0];
  return {
    schema,
    tables: tablesOf(tableRows, columnRows, constraintRows, schema),
    indexes: sorted(
      indexRows.filter((row) => !ours(row.table)).map((row) => [text(row.name), { table: text(row.table), definition: text(row.definition), valid: row.valid !== false }]),
    ),
    sequences: sorted(
      sequenceRows
        .filter((row) => !ours(ownerTable(optional(row.owned_by))))
        .map((row) => [
          text(row.name),
          {
            type: text(row.type),
            start: text(row.start),
            increment: text(row.increment),
            min: text(row.min),
            max: text(row.max),
            cache: text(row.cache),
            cycle: Boolean(row.cycle),
            ...(row.owned_by ? { ownedBy: text(row.owned_by) } : {}),
          },
        ]),
    ),
    enums: sorted(enumRows.map((row) => [text(row.name), (row.labels as string[]) ?? []])),
    views: sorted(viewRows.map((row) => [text(row.name), { materialized: Boolean(row.materialized), definition: text(row.definition) }])),
    routines: sorted(
      routineRows.map((row): [string, Routine] => {
        const signature = `${text(row.name)}(${text(row.args)})`;
        const kind = ROUTINE_KINDS[text(row.kind)] ?? 'function';
        return [signature, { kind, definition: optional(row.definition) ?? `${kind} ${signature}` }];
      }),
    ),
    triggers: sorted(
      triggerRows
        .filter((row) => !ours(row.table))
        .map((row) => [`${text(row.table)}.${text(row.name)}`, { table: text(row.table), definition: text(row.definition), enabled: text(row.enabled) }]),
    ),
    extensions: sorted(
      extensionRows.map((row) => {
        const defaultVersion = optional(row.default_version);
        return [text(row.name), { version: text(row.version), schema: text(row.schema), ...(defaultVersion !== undefined ? { defaultVersion } : {}) }];
      }),
    ),
    comments: sorted(
      commentRows
        .filter((row) => !BOOKKEEPING_TABLES.some((table) => row.owner === `table ${table}`))
        .map((row): [string, Comment] => [text(row.target), { owner: text(row.owner), text: text(row.text) }]),
    ),
  };
}

/**
 * A snapshot of `schema` in the URL's database, on a connection of its own. The session's
 * search_path is the schema alone, so that names in it print unqualified, the same way every time.
 */
export async function takeSnapshot(url: string, schema: string): Promise<Snapshot> {
  const client = newClient({ connectionString: url, application_name: 'updown snapshot' });
  try {
    await client.connect();
  } catch (error) {
    throw new ConnectError(maskUrl(url), (error as Error).message, 1, error);
  }
  try {
    await client.query('SELECT set_config($1, $2, false)', ['search_path', quoteIdent(schema)]);
    return await snapshotWith(client, schema);
  } finally {
    await client.end().catch(() => undefined);
  }
}

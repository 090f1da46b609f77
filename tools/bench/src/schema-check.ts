/**
 * After every step, one catalog query says what the tool really left behind: the bench tables, every
 * column with its type, NOT NULL and whether it has a default, the indexes, and the rows in the
 * tool's own tracking table. It is compared with what the workload says (all of it after `up`,
 * nothing after `down --all`), so a tool that did less fails instead of counting as fast. For the
 * tenant fan-out, one query counts the same across every tenant schema (src/tenants.ts).
 */
import type { Client } from 'pg';
import type { Workload } from './generate';
import { quoteIdent } from '../../updown/src/quote';

export interface SchemaState {
  tables: number;
  indexes: number;
  /** The email indexes, by their names. */
  namedIndexes: number;
  tracked: number;
  /** `table.column type[ not null][ default]`, sorted (bytewise), one per column of every bench table. */
  columns: string[];
}

const QUERY = (schema: string, tracking: string) => `
WITH bench AS (
  SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname LIKE 'bench\\_%'
)
SELECT
  (SELECT count(*) FROM bench)::int AS tables,
  (SELECT count(*) FROM pg_index i JOIN bench b ON b.oid = i.indrelid)::int AS indexes,
  (SELECT count(*) FROM pg_index i JOIN bench b ON b.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE ic.relname = b.relname || '_email_idx')::int AS "namedIndexes",
  (SELECT count(*) FROM ${quoteIdent(schema)}.${quoteIdent(tracking)})::int AS tracked,
  (SELECT coalesce(array_agg(b.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
      || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || CASE WHEN a.atthasdef THEN ' default' ELSE '' END
      ORDER BY b.relname COLLATE "C", a.attname COLLATE "C"), '{}')
   FROM bench b JOIN pg_attribute a ON a.attrelid = b.oid WHERE a.attnum > 0 AND NOT a.attisdropped) AS columns`;

export async function readSchema(client: Client, trackingTable: string, schema = 'public'): Promise<SchemaState> {
  const { rows } = await client.query<SchemaState>(QUERY(schema, trackingTable), [schema]);
  return rows[0];
}

/** What the workload leaves once every migration is applied. */
export function expectedAfterUp(work: Workload): SchemaState {
  const columns: string[] = [];
  for (const m of work.migrations) {
    columns.push(
      `${m.table}.id uuid not null default`,
      `${m.table}.name character varying(120) not null`,
      `${m.table}.email character varying(255)`,
      `${m.table}.amount_cents integer not null default`,
      `${m.table}.is_active boolean not null default`,
      `${m.table}.settings jsonb`,
      `${m.table}.created_at timestamp with time zone not null default`,
      `${m.table}.updated_at timestamp with time zone not null default`,
    );
    if (m.extraColumn) columns.push(`${m.extraColumn.table}.${m.extraColumn.column} text`);
  }
  const indexed = work.migrations.filter((m) => m.index).length;
  return { tables: work.n, indexes: work.n + indexed, namedIndexes: indexed, tracked: work.n, columns: columns.sort() };
}

export const EMPTY: SchemaState = { tables: 0, indexes: 0, namedIndexes: 0, tracked: 0, columns: [] };

/** What differs, as short sentences (empty: the schema is as expected). */
export function differences(actual: SchemaState, expected: SchemaState): string[] {
  const out: string[] = [];
  for (const key of ['tables', 'indexes', 'namedIndexes', 'tracked'] as const) {
    if (actual[key] !== expected[key]) out.push(`${key} ${actual[key]}, expected ${expected[key]}`);
  }
  const want = new Set(expected.columns);
  const have = new Set(actual.columns);
  const missing = expected.columns.filter((c) => !have.has(c));
  const extra = actual.columns.filter((c) => !want.has(c));
  if (missing.length) out.push(`${missing.length} column(s) missing or different, e.g. "${missing[0]}"`);
  if (extra.length) out.push(`${extra.length} column(s) not expected, e.g. "${extra[0]}"`);
  return out;
}

/** One tenant schema, counted: its bench tables and their indexes, its tracking rows (all, and the workload's names). */
export interface TenantCount {
  schema: string;
  tables: number;
  indexes: number;
  rows: number;
  named: number;
}

/**
 * Every schema matching `pattern` (SQL LIKE), counted in one query. The tracking rows are read with
 * query_to_xml, which runs a query built per schema (`format('%I')` quotes it) inside this one.
 */
export async function countTenants(client: Client, pattern: string, trackingTable: string, names: string[]): Promise<TenantCount[]> {
  const { rows } = await client.query<TenantCount>(
    `SELECT n.nspname AS schema,
       (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind = 'r' AND c.relname LIKE 'bench\\_%')::int AS tables,
       (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         WHERE c.relnamespace = n.oid AND c.relname LIKE 'bench\\_%')::int AS indexes,
       coalesce((xpath('/row/c/text()', t.x))[1]::text::int, 0) AS rows,
       coalesce((xpath('/row/k/text()', t.x))[1]::text::int, 0) AS named
     FROM pg_namespace n
     LEFT JOIN LATERAL (
       SELECT query_to_xml(format('SELECT count(*) AS c, count(*) FILTER (WHERE name = ANY(%L::text[])) AS k FROM %I.%I', $3::text[], n.nspname, $2::text), false, true, '') AS x
       WHERE to_regclass(format('%I.%I', n.nspname, $2::text)) IS NOT NULL
     ) t ON true
     WHERE n.nspname LIKE $1
     ORDER BY n.nspname COLLATE "C"`,
    [pattern, trackingTable, names],
  );
  return rows;
}

/** What differs between the `expected` schemas (each with the workload) and what was found: short sentences. */
export function tenantDifferences(counted: TenantCount[], expected: string[], work: Workload): string[] {
  const wanted = new Set(expected);
  const found = counted.filter((t) => wanted.has(t.schema));
  const want: Omit<TenantCount, 'schema'> = { tables: work.n, indexes: work.n + work.migrations.filter((m) => m.index).length, rows: work.n, named: work.n };
  const out: string[] = [];
  const have = new Set(found.map((t) => t.schema));
  const missing = expected.filter((schema) => !have.has(schema));
  if (missing.length) out.push(`${missing.length} schema(s) missing, e.g. ${missing[0]}`);
  const wrong = found.filter((t) => (Object.keys(want) as (keyof typeof want)[]).some((key) => t[key] !== want[key]));
  if (wrong.length) {
    const first = wrong[0];
    const what = (Object.keys(want) as (keyof typeof want)[]).filter((key) => first[key] !== want[key]).map((key) => `${key} ${first[key]}, expected ${want[key]}`);
    out.push(`${wrong.length} of ${found.length} tenant schema(s) are not the workload's, e.g. ${first.schema}: ${what.join(', ')}`);
  }
  return out;
}

/**
 * After every step, one catalog query says what the tool really left behind: the bench tables, every
 * column with its type, NOT NULL and whether it has a default, the indexes, and the rows in the
 * tool's own tracking table. It is compared with what the workload says (all of it after `up`,
 * nothing after `down --all`), so a tool that did less fails instead of counting as fast.
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

const QUERY = (tracking: string) => `
WITH bench AS (
  SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'bench\\_%'
)
SELECT
  (SELECT count(*) FROM bench)::int AS tables,
  (SELECT count(*) FROM pg_index i JOIN bench b ON b.oid = i.indrelid)::int AS indexes,
  (SELECT count(*) FROM pg_index i JOIN bench b ON b.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE ic.relname = b.relname || '_email_idx')::int AS "namedIndexes",
  (SELECT count(*) FROM public.${quoteIdent(tracking)})::int AS tracked,
  (SELECT coalesce(array_agg(b.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
      || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || CASE WHEN a.atthasdef THEN ' default' ELSE '' END
      ORDER BY b.relname COLLATE "C", a.attname COLLATE "C"), '{}')
   FROM bench b JOIN pg_attribute a ON a.attrelid = b.oid WHERE a.attnum > 0 AND NOT a.attisdropped) AS columns`;

export async function readSchema(client: Client, trackingTable: string): Promise<SchemaState> {
  const { rows } = await client.query<SchemaState>(QUERY(trackingTable));
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

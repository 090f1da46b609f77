/**
 * What seeds are checked against: the rows of every table in the schema (count, primary keys,
 * and a digest of the contents), and a pure comparison of two such observations.
 */
import { maskUrl, newClient } from '../connection';
import { ConnectError } from '../errors';
import { qualify, quoteIdent } from '../quote';
import type { Queryable } from '../schema/snapshot';
import { BOOKKEEPING_TABLES } from '../schema/types';
import type { Observed } from './check';

/** Above this many rows a table is compared by count and digest only. */
const MAX_KEYS = 100_000;
/** How many keys a message lists. */
const SHOWN_KEYS = 5;

export interface TableRows {
  count: number;
  /** Primary key values, one JSON array per row, sorted; absent without a primary key or when too many. */
  keys?: string[];
  /** md5 of every row's text, in order: catches an update that was not undone. */
  digest: string;
}

export type RowSnapshot = Record<string, TableRows>;

export async function takeRowSnapshot(url: string, schema: string): Promise<RowSnapshot> {
  const client = newClient({ connectionString: url, application_name: 'updown seed verify' });
  try {
    await client.connect();
  } catch (error) {
    throw new ConnectError(maskUrl(url), (error as Error).message, 1, error);
  }
  try {
    return await rowSnapshotWith(client, schema);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The rows of every table in `schema`, read on `client` (which may be inside a transaction). */
export async function rowSnapshotWith(client: Queryable, schema: string): Promise<RowSnapshot> {
  {
    const { rows: tables } = await client.query<{ name: string; key: string[] | null }>(
      `SELECT c.relname AS name,
              (SELECT ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(num, i)
                              JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num ORDER BY u.i)
                 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') AS key
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1
        WHERE c.relkind IN ('r', 'p') ORDER BY 1`,
      [schema],
    );
    const out: RowSnapshot = {};
    for (const table of tables.filter((t) => !BOOKKEEPING_TABLES.includes(t.name))) {
      const from = qualify(schema, table.name);
      const { rows } = await client.query<{ count: number; digest: string }>(
        `SELECT count(*)::int AS count, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM ${from} t`,
      );
      const { count, digest } = rows[0];
      const entry: TableRows = { count, digest };
      if (table.key && table.key.length > 0 && count <= MAX_KEYS) {
        const columns = table.key.map(quoteIdent).join(', ');
        const keyRows = await client.query<{ key: string }>(`SELECT json_build_array(${columns})::text AS key FROM ${from} ORDER BY 1`);
        entry.keys = keyRows.rows.map((row) => row.key);
      }
      out[table.name] = entry;
    }
    return out;
  }
}

const listed = (keys: string[]) => `${keys.slice(0, SHOWN_KEYS).join(', ')}${keys.length > SHOWN_KEYS ? `, and ${keys.length - SHOWN_KEYS} more` : ''}`;
const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`;

/**
 * Pure: what differs between the rows before `up` and after `down`. `contents: false` compares
 * keys and counts only (two runs of the same `up` stamp rows with different times).
 */
export function diffRows(expected: RowSnapshot, actual: RowSnapshot, { contents = true } = {}): { differences: Observed[]; notes: Observed[] } {
  const differences: Observed[] = [];
  const add = (name: string, change: string, message: string) => differences.push({ kind: 'rows', name, change, message });
  for (const name of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
    const [e, a] = [expected[name], actual[name]];
    if (!e) add(name, 'extra', `table ${name} still exists`);
    else if (!a) add(name, 'missing', `table ${name} missing`);
    else if (e.keys && a.keys) {
      const [before, after] = [new Set(e.keys), new Set(a.keys)];
      const left = a.keys.filter((key) => !before.has(key));
      const gone = e.keys.filter((key) => !after.has(key));
      if (left.length) add(name, 'extra', `table ${name}: ${rows(left.length)} left behind (keys ${listed(left)})`);
      if (gone.length) add(name, 'missing', `table ${name}: missing ${rows(gone.length)} that existed before up (keys ${listed(gone)})`);
      if (contents && !left.length && !gone.length && e.digest !== a.digest) add(name, 'changed', `table ${name}: rows changed and not restored (same keys, other contents)`);
    } else if (e.count !== a.count) {
      add(name, a.count > e.count ? 'extra' : 'missing', `table ${name}: ${a.count > e.count ? `${rows(a.count - e.count)} left behind` : `${rows(e.count - a.count)} gone`} (${a.count} now, ${e.count} before)`);
    } else if (contents && e.digest !== a.digest) add(name, 'changed', `table ${name}: rows changed and not restored (same count, other contents)`);
  }
  return { differences, notes: [] };
}

import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, urlForDatabase } from '../../src/database';

/** The server the test run uses (set by test/global-setup.ts). */
export function serverUrl(): string {
  const url = process.env.UPDOWN_TEST_SERVER_URL;
  if (!url) throw new Error('UPDOWN_TEST_SERVER_URL is not set: run the tests through jest (globalSetup provides it)');
  return url;
}

/** A new, empty database for one test; drop it with `dropScratchDatabase`. */
export async function createScratchDatabase(prefix = 'updown_t'): Promise<string> {
  const url = urlForDatabase(serverUrl(), `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(url);
  return url;
}

export async function dropScratchDatabase(url: string): Promise<void> {
  await dropDatabase(url);
}

/** Runs one query on a short-lived connection and returns its rows. */
export async function query<R extends Record<string, unknown> = Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops a schema with everything in it and recreates it empty, so a file can reuse its database. */
export async function resetSchema(url: string, schema = 'public'): Promise<void> {
  const quoted = `"${schema.replace(/"/g, '""')}"`;
  await query(url, `DROP SCHEMA IF EXISTS ${quoted} CASCADE; CREATE SCHEMA ${quoted};`);
}

/** Ordinary tables in `schema`, by name. */
export async function tablesIn(url: string, schema = 'public'): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
    [schema],
  );
  return rows.map((row) => row.name);
}

/** Every user table outside the system schemas, as `schema.table`. */
export async function allUserTables(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

/** Every enum type in the database, as `schema.type`. */
export async function enumTypes(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    `SELECT n.nspname || '.' || t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typtype = 'e' ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

export async function tableExists(url: string, table: string, schema = 'public'): Promise<boolean> {
  return (await tablesIn(url, schema)).includes(table);
}

export async function indexExists(url: string, index: string, schema = 'public'): Promise<boolean> {
  const rows = await query(url, 'SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2', [schema, index]);
  return rows.length === 1;
}

/** The names recorded in a tracking table, in name order; [] when the table does not exist. */
export async function appliedNames(url: string, schema = 'public', table = 'SequelizeMeta'): Promise<string[]> {
  const [found] = await query<{ found: string | null }>(url, 'SELECT to_regclass($1) AS found', [
    `"${schema.replace(/"/g, '""')}"."${table}"`,
  ]);
  if (!found?.found) return [];
  const rows = await query<{ name: string }>(url, `SELECT name FROM "${schema.replace(/"/g, '""')}"."${table}" ORDER BY name`);
  return rows.map((row) => row.name);
}

/**
 * A schema's shape from the catalogs (columns, defaults, indexes, constraints, sequences, enum
 * types and their labels): equal snapshots mean an equal schema. Portable across server versions,
 * unlike a pg_dump of a newer server.
 */
export async function schemaSnapshot(url: string, schema = 'public'): Promise<Record<string, unknown[]>> {
  const [columns, indexes, constraints, sequences, enums] = await Promise.all([
    query(
      url,
      `SELECT table_name, column_name, ordinal_position, data_type, udt_schema, udt_name, is_nullable, column_default, character_maximum_length
         FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [schema],
    ),
    query(url, 'SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY tablename, indexname', [schema]),
    query(
      url,
      `SELECT c.conrelid::regclass::text AS "table", c.conname, c.contype, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 ORDER BY 1, 2`,
      [schema],
    ),
    query(url, 'SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences WHERE sequence_schema = $1 ORDER BY 1', [schema]),
    query(
      url,
      `SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
        GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
  ]);
  return { columns, indexes, constraints, sequences, enums };
}

/**
 * `pg_dump --schema-only` of the database, or undefined when no pg_dump of the server's major
 * version is on the PATH (an older pg_dump refuses a newer server).
 */
export async function pgDumpSchema(url: string): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  const run = (args: string[]) =>
    new Promise<string | undefined>((resolve) => execFile('pg_dump', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => resolve(error ? undefined : stdout)));
  const [server] = await query<{ major: string }>(url, "SELECT current_setting('server_version_num')::int / 10000 AS major");
  const version = await run(['--version']);
  if (!version || Number(/(\d+)\.\d+/.exec(version)?.[1]) !== Number(server?.major)) return undefined;
  const dump = await run(['--schema-only', '--no-owner', '--no-privileges', `--dbname=${url}`]);
  // Recent pg_dump releases fence the script with a random \restrict key: not part of the schema.
  return dump?.replace(/^\\(un)?restrict .*$/gm, '');
}

/** Drops every user schema and recreates `public` empty: a clean database for the next test. */
export async function resetDatabase(url: string): Promise<void> {
  const schemas = await query<{ name: string }>(
    url,
    `SELECT nspname AS name FROM pg_namespace
      WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'`,
  );
  const drops = schemas.map(({ name }) => `DROP SCHEMA "${name.replace(/"/g, '""')}" CASCADE;`).join(' ');
  await query(url, `${drops} CREATE SCHEMA public;`);
}

export async function columnExists(url: string, table: string, column: string, schema = 'public'): Promise<boolean> {
  const rows = await query(url, 'SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3', [
    schema,
    table,
    column,
  ]);
  return rows.length === 1;
}

export interface TrackingRow extends Record<string, unknown> {
  name: string;
  state: string;
  checksum: string | null;
  checksum_version: number | null;
  source_file: string | null;
}

/** A tracking table's rows with updown's columns (name order); [] when the table does not exist. */
export async function trackingRows(url: string, table = 'SequelizeMeta', schema = 'public'): Promise<TrackingRow[]> {
  const qualified = `"${schema.replace(/"/g, '""')}"."${table}"`;
  const [found] = await query<{ found: string | null }>(url, 'SELECT to_regclass($1) AS found', [qualified]);
  if (!found?.found) return [];
  return query<TrackingRow>(url, `SELECT name, state, checksum, checksum_version, source_file FROM ${qualified} ORDER BY name`);
}

/** Advisory locks held or awaited in the URL's database (updown's runner lock is one). */
export async function advisoryLocks(url: string): Promise<{ pid: number; granted: boolean }[]> {
  return query<{ pid: number; granted: boolean }>(
    url,
    `SELECT pid, granted FROM pg_locks
      WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
}

/** Other sessions on the URL's database whose current query contains `text` (and that are not idle). */
export async function backendsRunning(url: string, text: string): Promise<{ pid: number; state: string; application_name: string }[]> {
  return query<{ pid: number; state: string; application_name: string }>(
    url,
    `SELECT pid, state, application_name FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' AND position($1 in query) > 0`,
    [text],
  );
}

/** Sessions on the URL's database opened by updown (its application_name starts with "updown "). */
export async function updownSessions(url: string): Promise<{ pid: number; application_name: string; state: string }[]> {
  return query<{ pid: number; application_name: string; state: string }>(
    url,
    `SELECT pid, application_name, state FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'updown %'`,
  );
}

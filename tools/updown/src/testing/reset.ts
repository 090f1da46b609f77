/**
 * Between tests: empty every table of the schema (TRUNCATE … RESTART IDENTITY CASCADE), except
 * updown's tracking tables (and tables that belong to an extension); `reseed()` also empties
 * SequelizeData and applies the seeds again. The harness's tenant schemas are covered too: a test
 * that wrote into tenant_2 would otherwise leave rows for the next one.
 */
import { Client } from 'pg';
import { QueryTypes, type Sequelize } from 'sequelize';
import { qualify } from '../quote';
import { METADATA_TABLE, TRACKING_TABLES } from '../storage';
import { harnessEnv } from './env';

export interface ResetOptions {
  /** Runs on this connection (fastest: no new session). Default: a short-lived one to `url`. */
  sequelize?: Sequelize;
  /** Default: DATABASE_URL (the worker's database, set by the harness's setupFiles module). */
  url?: string;
  /** Default: the harness's schema, else DATABASE_SCHEMA, else public. */
  schema?: string;
  /**
   * Tenant schemas covered besides `schema`. Default: the harness's tenants (setupTestDatabase's
   * `tenants`) when `schema` is not given, none when it is (`{ schema: 'tenant_2' }` covers that
   * one alone). `[]`: the schema alone.
   */
  tenants?: string[];
}

type Run = <R>(sql: string, values?: unknown[]) => Promise<R[]>;

async function withRunner<T>(options: ResetOptions, fn: (run: Run) => Promise<T>): Promise<T> {
  const { sequelize } = options;
  if (sequelize) {
    return fn(<R>(sql: string, values: unknown[] = []) =>
      sequelize.query(sql, { bind: values, type: QueryTypes.SELECT, transaction: null }) as Promise<R[]>,
    );
  }
  const url = options.url ?? process.env.DATABASE_URL;
  if (!url) throw new Error('resetDatabase: no database: pass { sequelize } or { url }, or set DATABASE_URL');
  const client = new Client({ connectionString: url, application_name: 'updown resetDatabase' });
  await client.connect();
  try {
    return await fn(async <R>(sql: string, values: unknown[] = []) => (await client.query(sql, values)).rows as R[]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function schemaOf(options: ResetOptions): string {
  return options.schema ?? harnessEnv()?.schema ?? (process.env.DATABASE_SCHEMA || 'public');
}

/** The schema first, then each tenant (once, and not the schema again). */
function schemasOf(options: ResetOptions): string[] {
  const schema = schemaOf(options);
  const tenants = options.tenants ?? (options.schema === undefined ? (harnessEnv()?.tenants ?? []) : []);
  return [schema, ...new Set(tenants.filter((tenant) => tenant !== schema))];
}

interface Table {
  schema: string;
  name: string;
}

/**
 * Empties the schemas' tables but `keep` (in each schema), sequences restarted; returns the tables
 * it covers. TRUNCATE costs about 1 ms per table even when a table is empty (378 ms for 300
 * tables), so it is given only the tables that hold rows: one round trip asks which, another
 * restarts the sequences of the rest (a table can be empty with its sequence moved on). The round
 * trips do not grow with the number of tenant schemas.
 */
async function truncateAllBut(run: Run, schemas: string[], keep: string[]): Promise<Table[]> {
  const tables = await run<Table>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ALL($2::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY array_position($1::text[], n.nspname::text), 2`,
    [schemas, keep],
  );
  if (tables.length === 0) return tables;
  const probe = tables.map((table, i) => `SELECT $${i + 1}::int AS i WHERE EXISTS (SELECT 1 FROM ${qualify(table.schema, table.name)})`);
  const filled = (await run<{ i: number }>(probe.join(' UNION ALL '), tables.map((_, i) => i))).map((row) => tables[row.i]);
  if (filled.length > 0) {
    // SELECT type on Sequelize only shapes the (empty) result; the statement runs as written.
    await run(`TRUNCATE TABLE ${filled.map((table) => qualify(table.schema, table.name)).join(', ')} RESTART IDENTITY CASCADE`);
  }
  await run(
    `SELECT setval(s.seqrelid, s.seqstart, false)
       FROM pg_sequence s
       JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i')
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE (n.nspname::text, t.relname::text) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [tables.map((table) => table.schema), tables.map((table) => table.name)],
  );
  return tables;
}

/** The first schema's tables by name, as before tenants; a tenant's as `tenant.table`. */
function names(tables: Table[], schema: string): string[] {
  return tables.map((table) => (table.schema === schema ? table.name : `${table.schema}.${table.name}`));
}

/**
 * Empties every table of the schema, and of each tenant schema (see ResetOptions.tenants), but
 * SequelizeMeta, SequelizeData and updown_metadata, sequences restarted. Returns the tables it
 * covers: the schema's by name, a tenant's as `tenant.table`.
 */
export async function resetDatabase(options: ResetOptions = {}): Promise<string[]> {
  const schemas = schemasOf(options);
  const tables = await withRunner(options, (run) => truncateAllBut(run, schemas, [TRACKING_TABLES.migrations, TRACKING_TABLES.seeds, METADATA_TABLE]));
  return names(tables, schemas[0]);
}

export interface ReseedOptions extends ResetOptions {
  /** The project's updown.config.ts; default: the one the harness's globalSetup used. */
  configPath?: string;
}

/**
 * resetDatabase(), SequelizeData emptied too, then every seed applied again (environment `test`),
 * under updown's lock like `seed up`, in the schema and then in each tenant schema. Costs what the
 * seeds cost, once per schema; cheaper than a new clone.
 */
export async function reseed(options: ReseedOptions = {}): Promise<void> {
  const schemas = schemasOf(options);
  const configPath = options.configPath ?? harnessEnv()?.configPath;
  if (!configPath) throw new Error('reseed: no updown.config.ts: pass { configPath } or set the harness up with setupTestDatabase()');
  const url = options.url ?? process.env.DATABASE_URL;
  if (!url) throw new Error('reseed: no database: pass { url } or set DATABASE_URL');
  await withRunner(options, (run) => truncateAllBut(run, schemas, [TRACKING_TABLES.migrations, METADATA_TABLE]));
  // Loaded here, not at the top: resetDatabase() alone must not pull the engine into every test file.
  const [{ up }, { resolveOptions }] = await Promise.all([import('../api'), import('../config')]);
  const quiet = { info: () => undefined, warn: (message: string) => process.stderr.write(`updown: ${message}\n`) };
  for (const schema of schemas) {
    const resolved = resolveOptions('seeds', { config: configPath, url, schema, env: 'test' }, quiet);
    if (!resolved.seedsDir) throw new Error(`reseed: ${configPath} names no seeds folder`);
    const result = await up({ ...resolved.options, url, kind: 'seeds', dir: resolved.seedsDir });
    const where = schema === schemas[0] ? '' : ` (tenant ${schema})`;
    if (!result.success) throw new Error(`reseed${where}: ${result.errors[0]?.message ?? 'a seed failed'}`, { cause: result.errors[0] });
  }
}

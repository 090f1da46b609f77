/**
 * Between tests: empty every table of the schema (TRUNCATE … RESTART IDENTITY CASCADE), except
 * updown's tracking tables (and tables that belong to an extension); `reseed()` also empties
 * SequelizeData and applies the seeds again.
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

/**
 * Empties the schema's tables but `keep`, sequences restarted; returns the tables it covers.
 * TRUNCATE costs about 1 ms per table even when a table is empty (378 ms for 300 tables), so it is
 * given only the tables that hold rows: one round trip asks which, another restarts the sequences
 * of the rest (a table can be empty with its sequence moved on).
 */
async function truncateAllBut(run: Run, schema: string, keep: string[]): Promise<string[]> {
  const rows = await run<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ALL($2::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1`,
    [schema, keep],
  );
  const tables = rows.map((row) => row.name);
  if (tables.length === 0) return tables;
  const probe = tables.map((table, i) => `SELECT $${i + 1}::text AS name WHERE EXISTS (SELECT 1 FROM ${qualify(schema, table)})`);
  const filled = (await run<{ name: string }>(probe.join(' UNION ALL '), tables)).map((row) => row.name);
  if (filled.length > 0) {
    // SELECT type on Sequelize only shapes the (empty) result; the statement runs as written.
    await run(`TRUNCATE TABLE ${filled.map((table) => qualify(schema, table)).join(', ')} RESTART IDENTITY CASCADE`);
  }
  await run(
    `SELECT setval(s.seqrelid, s.seqstart, false)
       FROM pg_sequence s
       JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i')
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname = ANY($2::text[])`,
    [schema, tables],
  );
  return tables;
}

/** Empties every table of the schema but SequelizeMeta, SequelizeData and updown_metadata, sequences restarted. */
export async function resetDatabase(options: ResetOptions = {}): Promise<string[]> {
  const schema = schemaOf(options);
  return withRunner(options, (run) => truncateAllBut(run, schema, [TRACKING_TABLES.migrations, TRACKING_TABLES.seeds, METADATA_TABLE]));
}

export interface ReseedOptions extends ResetOptions {
  /** The project's updown.config.ts; default: the one the harness's globalSetup used. */
  configPath?: string;
}

/**
 * resetDatabase(), SequelizeData emptied too, then every seed applied again (environment `test`),
 * under updown's lock like `seed up`. Costs what the seeds cost; cheaper than a new clone.
 */
export async function reseed(options: ReseedOptions = {}): Promise<void> {
  const schema = schemaOf(options);
  const configPath = options.configPath ?? harnessEnv()?.configPath;
  if (!configPath) throw new Error('reseed: no updown.config.ts: pass { configPath } or set the harness up with setupTestDatabase()');
  const url = options.url ?? process.env.DATABASE_URL;
  if (!url) throw new Error('reseed: no database: pass { url } or set DATABASE_URL');
  await withRunner(options, (run) => truncateAllBut(run, schema, [TRACKING_TABLES.migrations, METADATA_TABLE]));
  // Loaded here, not at the top: resetDatabase() alone must not pull the engine into every test file.
  const [{ up }, { resolveOptions }] = await Promise.all([import('../api'), import('../config')]);
  const quiet = { info: () => undefined, warn: (message: string) => process.stderr.write(`updown: ${message}\n`) };
  const resolved = resolveOptions('seeds', { config: configPath, url, schema, env: 'test' }, quiet);
  if (!resolved.seedsDir) throw new Error(`reseed: ${configPath} names no seeds folder`);
  const result = await up({ ...resolved.options, url, kind: 'seeds', dir: resolved.seedsDir });
  if (!result.success) throw new Error(`reseed: ${result.errors[0]?.message ?? 'a seed failed'}`, { cause: result.errors[0] });
}

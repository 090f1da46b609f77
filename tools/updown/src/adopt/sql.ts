/**
 * `updown adopt` in a project whose history is a folder of `.sql` files: a drizzle-kit project
 * (`drizzle.config.ts`, its `out` and `migrations.table/schema`), a numbered folder run by a
 * home-made runner (`migrations(filename)`), up/down pairs, or dbmate-style sections. Says what it
 * found, what updown will do, and the updown.config.ts that runs it with the history kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applicationName, maskUrl, newClient } from '../connection';
import { qualify } from '../quote';
import { DRIZZLE_SCHEMA, DRIZZLE_TABLE, findDrizzleConfig, hasJournal, readDrizzleConfig, readJournal } from '../sql/drizzle';
import { listSqlFiles, pairFiles } from '../sql/folder';
import { NUMBERED_COLUMN, NUMBERED_TABLES } from '../storage/numbered';
import type { StreamKind, StreamLayout } from '../types';
import { configText } from './config-text';

export type SqlLayoutKind = 'drizzle-kit' | 'numbered-sql' | 'sql-pairs' | 'sql-sections';

/** Where teams keep such folders, tried in this order from the project folder. */
const MIGRATION_FOLDERS = ['migrations', 'db/migrations', 'sql/migrations', 'database/migrations', 'src/migrations', 'src/db/migrations', 'drizzle'];
const SEED_FOLDERS = ['seeds', 'db/seeds', 'sql/seeds', 'database/seeds', 'src/seeds'];

const sqlFilesIn = (dir: string) => (fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? fs.readdirSync(dir).filter((entry) => entry.endsWith('.sql')).sort() : []);

export interface SqlFound {
  kind: SqlLayoutKind;
  root: string;
  dir: string;
  read: string[];
  layout: StreamLayout;
  seeds?: { dir: string; layout: StreamLayout };
}

function classify(dir: string): Exclude<SqlLayoutKind, 'drizzle-kit'> | 'drizzle' {
  if (hasJournal(dir)) return 'drizzle';
  const entries = sqlFilesIn(dir);
  if (entries.some((entry) => /^--\s*migrate:up\b/m.test(fs.readFileSync(path.join(dir, entry), 'utf8')))) return 'sql-sections';
  return pairFiles(entries, dir).length < entries.length ? 'sql-pairs' : 'numbered-sql';
}

function seedsBeside(root: string, dir: string): SqlFound['seeds'] {
  const candidates = [path.join(path.dirname(dir), 'seeds'), ...SEED_FOLDERS.map((folder) => path.join(root, folder))];
  const seeds = candidates.find((candidate) => sqlFilesIn(candidate).length > 0);
  // The runners these folders come with re-run every (idempotent) seed each time: not tracked.
  return seeds ? { dir: seeds, layout: { format: 'sql', tracked: false } } : undefined;
}

/** A SQL layout in `cwd` (or the `--dir` folder); undefined when there is none. */
export function findSqlLayout(cwd: string, dir?: string): SqlFound | undefined {
  const config = dir ? undefined : findDrizzleConfig(cwd);
  if (config) {
    const drizzle = readDrizzleConfig(config);
    const layout: StreamLayout = { format: 'sql', tracking: 'drizzle', table: drizzle.table, tableSchema: drizzle.schema };
    return { kind: 'drizzle-kit', root: cwd, dir: drizzle.out, read: [config], layout };
  }
  const folder = dir ? path.resolve(cwd, dir) : MIGRATION_FOLDERS.map((name) => path.join(cwd, name)).find((candidate) => sqlFilesIn(candidate).length > 0 || hasJournal(candidate));
  if (!folder || (sqlFilesIn(folder).length === 0 && !hasJournal(folder))) return undefined;
  const kind = classify(folder);
  if (kind === 'drizzle') {
    return { kind: 'drizzle-kit', root: cwd, dir: folder, read: [], layout: { format: 'sql', tracking: 'drizzle', table: DRIZZLE_TABLE, tableSchema: DRIZZLE_SCHEMA } };
  }
  // A numbered folder's runner kept `migrations(filename)`; pairs and sections get updown's own table unless that table is there (see probe).
  const layout: StreamLayout = kind === 'numbered-sql' ? { format: 'sql', tracking: 'numbered' } : { format: 'sql' };
  return { kind, root: cwd, dir: folder, read: [], layout, seeds: seedsBeside(cwd, folder) };
}

interface TableState {
  exists: boolean;
  names: string[];
}

/** Best effort, read only: what the stream's tracking table holds. */
async function probe(url: string, schema: string, layout: StreamLayout, kind: StreamKind, journalWhen: Map<string, string>): Promise<TableState | string> {
  const client = newClient({ connectionString: url, connectionTimeoutMillis: 5_000, application_name: applicationName('adopt') });
  try {
    await client.connect();
    const drizzle = layout.tracking === 'drizzle';
    const table = qualify(layout.tableSchema ?? (drizzle ? DRIZZLE_SCHEMA : schema), layout.table ?? (drizzle ? DRIZZLE_TABLE : NUMBERED_TABLES[kind]));
    const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [table]);
    if (!rows[0]?.found) return { exists: false, names: [] };
    const column = drizzle ? 'created_at::text' : `"${(layout.column ?? NUMBERED_COLUMN).replace(/"/g, '""')}"`;
    const names = (await client.query<{ name: string }>(`SELECT ${column} AS name FROM ${table}`)).rows.map((row) => row.name);
    return { exists: true, names: drizzle ? names.map((when) => journalWhen.get(when) ?? `created_at:${when}`) : names };
  } catch (error) {
    return String((error as Error).message ?? error).split(url).join(maskUrl(url));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether a pairs/sections folder already has a numbered runner's `migrations(filename)` table. */
async function hasNumberedTable(url: string, schema: string): Promise<boolean> {
  const state = await probe(url, schema, { format: 'sql', tracking: 'numbered' }, 'migrations', new Map());
  return typeof state !== 'string' && state.exists;
}

export interface SqlStreamState {
  files: string[];
  tracking?: { schema: string; table: string; exists?: boolean; rows?: number; pending?: number };
  note?: string;
}

/** The stream's files and, when the database answers, its tracking table's state. */
export async function sqlStreamState(found: { dir: string; layout: StreamLayout }, kind: StreamKind, schema: string, url: string | undefined): Promise<SqlStreamState> {
  const { layout } = found;
  if (url && layout.tracking === undefined && kind === 'migrations' && (await hasNumberedTable(url, schema))) layout.tracking = 'numbered';
  const files = listSqlFiles(found.dir, layout).map((file) => file.name);
  if (layout.tracked === false) return { files };
  const drizzle = layout.tracking === 'drizzle';
  const numbered = layout.tracking === 'numbered';
  const table = layout.table ?? (drizzle ? DRIZZLE_TABLE : numbered ? NUMBERED_TABLES[kind] : 'SequelizeMeta');
  const tracking = { schema: layout.tableSchema ?? (drizzle ? DRIZZLE_SCHEMA : schema), table };
  if (!url) return { files, tracking };
  const journal = drizzle ? new Map(readJournal(found.dir).map((entry) => [String(entry.when), entry.tag])) : new Map<string, string>();
  const state = await probe(url, schema, layout, kind, journal);
  if (typeof state === 'string') return { files, tracking, note: `could not reach the database (${state}): the tracking tables were not checked` };
  const recorded = new Set(state.names);
  return { files, tracking: { ...tracking, exists: state.exists, rows: state.names.length, pending: files.filter((name) => !recorded.has(name)).length } };
}

const WHO: Record<SqlLayoutKind, string> = {
  'drizzle-kit': "drizzle-kit's folder: journal order, drizzle-orm's __drizzle_migrations (id, hash, created_at = the journal's when), no downs",
  'numbered-sql': "a numbered SQL folder: name order, each file in its own transaction, tracked by file name as the folder's runner did",
  'sql-pairs': 'up/down pairs: each file with its `_down.sql` or `.down.sql`',
  'sql-sections': 'files with `-- migrate:up` / `-- migrate:down` sections (dbmate)',
};

export function sqlPlanLine(kind: SqlLayoutKind): string {
  return WHO[kind];
}

export function sqlConfigText(found: SqlFound): string {
  const streams = [{ kind: 'migrations' as const, dir: found.dir, layout: found.layout }, ...(found.seeds ? [{ kind: 'seeds' as const, ...found.seeds }] : [])];
  return configText(found.root, streams, [
    `What updown reads here: ${WHO[found.kind]}.`,
    'Save this as updown.config.ts; it names no database: updown takes it from --url or DATABASE_URL.',
    ...(found.seeds ? ["Seeds are not tracked and run every time; a production subset: `environments: { production: ['001_x.sql'] }` or `-- updown:environments` in the file."] : []),
  ]);
}

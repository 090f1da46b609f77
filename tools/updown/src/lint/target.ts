/**
 * What lint reads from the target, read-only and without the runner lock: the stream's files and
 * applied rows, the server's version, and each table's size (the scratch copy may be empty, so
 * how much a lock hurts is read here).
 */
import { openForReading } from '../history';
import type { AppliedEntry, MigrationFile } from '../plan';
import { withSession } from '../session';
import type { RunOptions } from '../types';
import type { TableSize } from './types';

export interface TargetFacts {
  files: MigrationFile[];
  applied: AppliedEntry[];
  pgVersion: number;
  sizes: Map<string, TableSize>;
}

const SIZES = `SELECT c.relname AS name, c.reltuples::float8 AS rows, pg_total_relation_size(c.oid)::int8 AS bytes
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')`;

export async function readTarget(options: RunOptions): Promise<TargetFacts> {
  return withSession(options, 'migrate lint', 'read-only', async (session) => {
    const { files, applied } = await openForReading(session, 'migrations', options.dir);
    const [version] = await session.sequelize.query<{ version: number }>("SELECT current_setting('server_version_num')::int AS version", { type: 'SELECT' as never, transaction: null });
    const rows = await session.sequelize.query<{ name: string; rows: number; bytes: string }>(SIZES, { type: 'SELECT' as never, bind: [options.schema], transaction: null });
    const sizes = new Map(rows.map((row) => [row.name, { name: row.name, rows: Number(row.rows), bytes: Number(row.bytes), onTarget: true }]));
    return { files, applied, pgVersion: Number(version.version), sizes };
  });
}

/** The size of the finding's table on the target, or that it is not there yet. */
export function sizeOf(sizes: Map<string, TableSize>, table: string): TableSize {
  return sizes.get(table) ?? { name: table, onTarget: false };
}

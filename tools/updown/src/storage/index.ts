/**
 * Which tracking store a stream uses, from its layout: updown's own columns in `SequelizeMeta`,
 * a legacy tool's table kept exactly as that tool writes it (plus updown's side table: sequelize-cli,
 * Umzug, a numbered SQL runner's `migrations(filename)`, drizzle's `__drizzle_migrations`), or none.
 */
import type { Sequelize } from 'sequelize';
import type { StreamKind, StreamLayout } from '../types';
import { DRIZZLE_SCHEMA, DRIZZLE_TABLE } from '../sql/drizzle';
import { DrizzleTracking } from './drizzle';
import { LegacyTracking } from './legacy';
import { NUMBERED_COLUMN, NUMBERED_TABLES, NumberedTracking } from './numbered';
import { OwnTracking } from './own';
import type { Tracking } from './tracking';
import { Untracked } from './untracked';

export { HISTORY_TABLE } from './legacy';
export { METADATA_TABLE, Tracking, isUndefinedTable, type RowState, type RowWrite } from './tracking';

/** sequelize-cli's table names, so an existing history is adopted as it is. */
export const TRACKING_TABLES: Record<StreamKind, string> = {
  migrations: 'SequelizeMeta',
  seeds: 'SequelizeData',
};

export function createTracking(sequelize: Sequelize, schema: string, kind: StreamKind, layout: StreamLayout = {}): Tracking {
  if (layout.format === 'sql' && layout.tracked !== false) {
    if (layout.tracking === 'numbered') {
      const table = layout.table ?? NUMBERED_TABLES[kind];
      return new NumberedTracking(sequelize, schema, table, layout.tableSchema ?? schema, layout.column ?? NUMBERED_COLUMN);
    }
    if (layout.tracking === 'drizzle') return new DrizzleTracking(sequelize, schema, layout.table ?? DRIZZLE_TABLE, layout.tableSchema ?? DRIZZLE_SCHEMA);
  }
  const table = layout.table ?? TRACKING_TABLES[kind];
  if (layout.tracked === false) return new Untracked(sequelize, schema, table);
  const tableSchema = layout.tableSchema ?? schema;
  const format = layout.format ?? 'updown';
  return format === 'updown' || format === 'sql' ? new OwnTracking(sequelize, schema, table, tableSchema) : new LegacyTracking(sequelize, schema, table, tableSchema);
}

/**
 * Which tracking store a stream uses, from its layout: updown's own columns in `SequelizeMeta`,
 * a legacy tool's table kept exactly as that tool writes it (plus updown's side table), or none.
 */
import type { Sequelize } from 'sequelize';
import type { StreamKind, StreamLayout } from '../types';
import { LegacyTracking } from './legacy';
import { OwnTracking } from './own';
import type { Tracking } from './tracking';
import { Untracked } from './untracked';

export { HISTORY_TABLE } from './legacy';
export { METADATA_TABLE, Tracking, isUndefinedTable, type RowState } from './tracking';

/** sequelize-cli's table names, so an existing history is adopted as it is. */
export const TRACKING_TABLES: Record<StreamKind, string> = {
  migrations: 'SequelizeMeta',
  seeds: 'SequelizeData',
};

export function createTracking(sequelize: Sequelize, schema: string, kind: StreamKind, layout: StreamLayout = {}): Tracking {
  const table = layout.table ?? TRACKING_TABLES[kind];
  if (layout.tracked === false) return new Untracked(sequelize, schema, table);
  const tableSchema = layout.tableSchema ?? schema;
  const format = layout.format ?? 'updown';
  return format === 'updown' ? new OwnTracking(sequelize, schema, table, tableSchema) : new LegacyTracking(sequelize, schema, table, tableSchema);
}

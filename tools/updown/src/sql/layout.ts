/**
 * The layout fields only `.sql` streams have (`tracking`, `column`, `environments`): checked when
 * updown.config.ts is read, and completed from the folder once it is known (a drizzle-kit folder
 * is tracked as drizzle-orm tracks it unless the config says otherwise).
 */
import { UsageError } from '../errors';
import type { ModuleFormat, StreamLayout } from '../types';
import { sqlTracking } from './folder';
import { SQL_TRACKINGS } from './types';

export function checkSqlLayout(fields: Record<string, unknown>, format: ModuleFormat, where: string): void {
  const sqlOnly = ['tracking', 'column', 'environments'].find((key) => fields[key] !== undefined);
  if (sqlOnly && format !== 'sql') throw new UsageError(`${where}.${sqlOnly} only applies to format 'sql' (this stream's is '${format}'): remove it or set format: 'sql'`);
  if (fields.tracking !== undefined && !SQL_TRACKINGS.includes(fields.tracking as never)) {
    throw new UsageError(`${where}.tracking ${JSON.stringify(fields.tracking)} is not one updown knows: use one of ${SQL_TRACKINGS.join(', ')}`);
  }
  if (fields.column !== undefined && fields.tracking !== 'numbered') {
    throw new UsageError(`${where}.column names the file-name column of a numbered runner's table: it needs tracking: 'numbered'`);
  }
  const environments = fields.environments;
  if (environments === undefined) return;
  const valid =
    typeof environments === 'object' &&
    environments !== null &&
    !Array.isArray(environments) &&
    Object.values(environments).every((names) => Array.isArray(names) && names.every((name) => typeof name === 'string'));
  if (!valid) throw new UsageError(`${where}.environments must map an environment to file names, e.g. { production: ['001_roles.sql'] }`);
}

/** The layout with its tracking settled from the folder (`sql` format only; others are returned as they are). */
export function resolveSqlLayout(layout: StreamLayout, dir: string): StreamLayout {
  if (layout.format !== 'sql') return layout;
  return { ...layout, tracking: sqlTracking(layout, dir) };
}

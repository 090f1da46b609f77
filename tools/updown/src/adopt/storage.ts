import { UsageError } from '../errors';
import type { StreamLayout } from '../types';
import type { Section } from './environment';

/** sequelize-cli's defaults (umzug-helper): migrations tracked in SequelizeMeta, seeders not tracked. */
export const SEQUELIZE_DEFAULTS = {
  migrations: { storage: 'sequelize', table: 'SequelizeMeta' },
  seeds: { storage: 'none', table: 'SequelizeData' },
} as const;

/** The section's keys for each stream (sequelize-cli calls seeds "seeders"). */
const PREFIX = { migrations: 'migration', seeds: 'seeder' } as const;

export interface SequelizeLayouts {
  migrations: StreamLayout;
  seeds: StreamLayout;
}

/** sequelize-cli reads each storage option with `||`: an empty value means the default. */
function setting(section: Section, key: string, origin: string): string | undefined {
  const value = section[key];
  if (!value) return undefined;
  if (typeof value !== 'string') throw new UsageError(`${origin}: "${key}" must be a string, not ${JSON.stringify(value)}`);
  if (value.length > 63) throw new UsageError(`${origin}: "${key}" "${value}" is longer than PostgreSQL's 63 characters`);
  return value;
}

function refuseStorage(kind: keyof SequelizeLayouts, key: string, storage: string, origin: string): never {
  const table = SEQUELIZE_DEFAULTS[kind].table;
  const why =
    storage === 'json' || storage === 'none'
      ? `updown records each ${kind === 'migrations' ? 'migration' : 'seed'} in a table, in the same transaction as the file`
      : 'umzug would load it as a custom storage module, which updown does not';
  throw new UsageError(
    `${origin}: ${key} "${storage}" is not supported: ${why}. ` +
      `Set ${key} to "sequelize" (tracked in "${table}"; copy the names already run into it), or run with --dir and updown's own tables`,
  );
}

function streamLayout(kind: keyof SequelizeLayouts, section: Section, origin: string): StreamLayout {
  const prefix = PREFIX[kind];
  const storageKey = `${prefix}Storage`;
  const storage = setting(section, storageKey, origin) ?? SEQUELIZE_DEFAULTS[kind].storage;
  const table = setting(section, `${prefix}StorageTableName`, origin) ?? SEQUELIZE_DEFAULTS[kind].table;
  const tableSchema = setting(section, `${prefix}StorageTableSchema`, origin);
  const layout: StreamLayout = { format: 'sequelize-cli', table, ...(tableSchema ? { tableSchema } : {}) };
  if (storage === 'sequelize') return layout;
  // sequelize-cli's seeders default: nothing is recorded, so every seed runs on each `db:seed:all`.
  if (kind === 'seeds' && storage === 'none') return { format: 'sequelize-cli', tracked: false };
  return refuseStorage(kind, storageKey, storage, origin);
}

/** Both streams' layouts from one environment's section of a sequelize-cli config. */
export function storageLayouts(section: Section, origin: string): SequelizeLayouts {
  return { migrations: streamLayout('migrations', section, origin), seeds: streamLayout('seeds', section, origin) };
}

/** The layouts sequelize-cli uses when it reads no config file (a `url` in .sequelizerc). */
export function defaultLayouts(): SequelizeLayouts {
  return storageLayouts({}, 'defaults');
}

/**
 * A file's own `timeouts` (`export const timeouts = { lock: '5s' }`) as session settings: set
 * locally in its transaction, or on the dedicated connection of a file run outside one. The run's
 * defaults are on every connection already (session.ts).
 */
import type { Sequelize, Transaction } from 'sequelize';
import { parseDuration } from './duration';
import type { MigrationModule } from './types';

export type FileSettings = Record<string, string>;

/** The settings a file asks for beyond the run's; empty when it asks for none. */
export function settingsOf(module: MigrationModule): FileSettings {
  const settings: FileSettings = {};
  if (module.timeouts?.lock) settings.lock_timeout = `${parseDuration(module.timeouts.lock)}ms`;
  if (module.timeouts?.statement) settings.statement_timeout = `${parseDuration(module.timeouts.statement)}ms`;
  return settings;
}

/** Sets them for the rest of `transaction` (values bound). */
export async function applySettings(sequelize: Sequelize, transaction: Transaction, settings: FileSettings): Promise<void> {
  const names = Object.keys(settings);
  if (names.length === 0) return;
  const sql = `SELECT ${names.map((name, i) => `set_config('${name}', $${i + 1}, true)`).join(', ')}`;
  await sequelize.query(sql, { bind: Object.values(settings), transaction });
}

/** A local setting outlives a savepoint: puts the run's defaults back for the files after it. */
export async function restoreSettings(sequelize: Sequelize, transaction: Transaction, settings: FileSettings): Promise<void> {
  // The names come from settingsOf (lock_timeout, statement_timeout), never from a file.
  const sql = Object.keys(settings).map((name) => `SET LOCAL ${name} TO DEFAULT`).join('; ');
  await sequelize.query(sql, { transaction });
}

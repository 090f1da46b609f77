/** How a recorded call is shown in messages: `removeColumn('users', 'nickname')`. */
import type { Call } from './inversions';
import { isObject } from './sequelize';

/** A table name as Sequelize writes it in SQL, for messages. */
export function tableText(table: unknown): string {
  if (isObject(table) && typeof table.tableName === 'string') return table.schema ? `${String(table.schema)}.${table.tableName}` : table.tableName;
  return String(table);
}

/** One argument, short: strings quoted and cut at 60 characters, objects elided, row lists counted. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}…` : value}'`;
  if (value === null || ['number', 'boolean', 'bigint'].includes(typeof value)) return String(value);
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string' || typeof item === 'number')) return `[${value.map(show).join(', ')}]`;
    return `[${value.length} ${value.length === 1 ? 'item' : 'items'}]`;
  }
  if (isObject(value) && typeof value.tableName === 'string') return show(tableText(value));
  return '{…}';
}

/** `removeColumn('users', 'nickname')`: a call as its author wrote it, trailing options left out. */
export function describeCall({ method, args }: Call): string {
  const shown = [...args];
  const isOptions = (value: unknown) => value === undefined || (isObject(value) && typeof value.tableName !== 'string');
  while (shown.length > 1 && isOptions(shown[shown.length - 1])) shown.pop();
  return `${method}(${shown.map(show).join(', ')})`;
}

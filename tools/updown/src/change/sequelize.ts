/**
 * What Sequelize does without being asked, which an inverse must mirror exactly: the names it gives
 * unnamed indexes and constraints, and the enum types it creates for ENUM columns. (A wrong name
 * would not fail: removeIndex drops `IF EXISTS`. test/integration/change-migrations.test.ts
 * checks these against a real server.)
 */
import type { TableName } from 'sequelize';

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The DataType of an attribute given as a DataType or as `{ type, … }` (a DataType has a string `key`). */
export function typeOf(attribute: unknown): unknown {
  if (typeof (attribute as { key?: unknown } | null)?.key === 'string') return attribute;
  return (attribute as { type?: unknown } | null)?.type;
}

export const isEnum = (type: unknown) => (type as { key?: unknown } | null | undefined)?.key === 'ENUM';
export const isEnumArray = (type: unknown) => (type as { key?: unknown } | null | undefined)?.key === 'ARRAY' && isEnum((type as { type?: unknown }).type);

/** The schema a table is qualified with, if any. */
export function schemaOf(table: unknown): string | undefined {
  if (typeof table === 'string') return table.includes('.') ? table.slice(0, table.indexOf('.')) : undefined;
  return isObject(table) && typeof table.schema === 'string' ? table.schema : undefined;
}

/** Loaded when a `change` file needs it: Sequelize itself stays unloaded for commands that run nothing. */
const underscore = (text: string): string =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('sequelize').Utils as { underscore(text: string): string }).underscore(text);

/** The name of one index field, as Sequelize's Utils.nameIndex reads it; undefined for an expression. */
function fieldName(field: unknown): string | undefined {
  if (typeof field === 'string') return field;
  const named = field as { name?: unknown; attribute?: unknown } | null;
  const name = named?.name ?? named?.attribute;
  return typeof name === 'string' ? name : undefined;
}

/**
 * The name Sequelize gives an unnamed index (QueryGenerator#addIndexQuery, then Utils.nameIndex):
 * underscore(`${prefix}_${fields}`), where the prefix is the table with dots and quotes dropped.
 */
export function defaultIndexName(table: TableName, fields: unknown[], prefix?: unknown): string | undefined {
  const source = prefix ?? table;
  const base = typeof source === 'string' ? source.replace(/\./g, '_').replace(/("|')/g, '') : (source as { tableName?: unknown } | undefined)?.tableName;
  const names = fields.map(fieldName);
  if (typeof base !== 'string' || names.some((name) => name === undefined)) return undefined;
  return underscore(`${base}_${names.join('_')}`);
}

const CONSTRAINT_SUFFIX: Readonly<Record<string, string>> = { UNIQUE: 'uk', CHECK: 'ck', 'PRIMARY KEY': 'pk' };

/**
 * The name Sequelize gives an unnamed constraint (QueryGenerator#getConstraintSnippet):
 * `${table}_${fields}_uk|ck|pk`, or `${table}_${fields}_${referencedTable}_fk`, quotes removed.
 * Only for a plain table name and plain field names; anything else must be named by the author.
 */
export function defaultConstraintName(table: TableName, options: Record<string, unknown>): string | undefined {
  if (typeof table !== 'string' || table.includes('.') || !Array.isArray(options.fields)) return undefined;
  const fields = options.fields.map((field) => (typeof field === 'string' ? field : fieldName(field)));
  if (fields.length === 0 || fields.some((field) => field === undefined)) return undefined;
  const type = String(options.type ?? '').toUpperCase();
  let suffix = CONSTRAINT_SUFFIX[type];
  if (type === 'FOREIGN KEY') {
    const referenced = (options.references as { table?: unknown } | undefined)?.table;
    if (typeof referenced !== 'string') return undefined;
    suffix = `${referenced}_fk`;
  }
  if (!suffix) return undefined;
  return `${table}_${fields.join('_')}_${suffix}`.replace(/"/g, '');
}

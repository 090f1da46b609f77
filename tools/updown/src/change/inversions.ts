/**
 * The inversion table: for each queryInterface method a `change` may call, the calls that undo it
 * (run in the order listed), or why it cannot be undone and how to make it undoable. Plain data
 * with no I/O, tested as data (test/unit/change-inversions.test.ts). As in Rails' command recorder
 * and node-pg-migrate's `.reverse`, the inverse may depend on the arguments, and updown refuses to
 * guess when the call does not carry what its inverse needs.
 */
import type { TableName } from 'sequelize';

/** Sequelize 6's `Op.or` is `Symbol.for('or')`: the same in every copy, and no need to load Sequelize here. */
const OR = Symbol.for('or');
import { show, tableText } from './describe';
import { defaultConstraintName, defaultIndexName, isEnum, isEnumArray, isObject, schemaOf, typeOf } from './sequelize';

export { describeCall } from './describe';
export { defaultConstraintName, defaultIndexName } from './sequelize';

/** One queryInterface call: `queryInterface[method](...args)`. */
export interface Call {
  method: string;
  args: unknown[];
}

/**
 * updown's own operation, used only in inverses: drops the enum type Sequelize created for
 * `table.column` (createTable and addColumn create it; dropTable and removeColumn leave it).
 */
export const DROP_ENUM_FOR = 'dropEnumFor';

/** The calls that undo one call, in the order they run; or the reason it cannot be undone. */
export type Inversion = (args: unknown[]) => Call[] | string;

/** Where each hinted method takes the options that may carry `from` / `key` (stripped before Sequelize sees them). */
export const HINT_ARGUMENT: Readonly<Record<string, number>> = {
  removeColumn: 2,
  changeColumn: 3,
  dropTable: 1,
  removeIndex: 2,
  removeConstraint: 2,
  dropFunction: 2,
  dropTrigger: 2,
  bulkInsert: 2,
};

/** The keys updown reads from hinted options. */
export const HINT_KEYS = ['from', 'key'] as const;

// ---------------------------------------------------------------------------------------------
// Reasons. Each says what is missing and how to supply it; the error adds the file and the call.

const UP_DOWN = 'write up() and down() instead of change()';
/** The call can be made reversible by adding something to it. */
const fix = (how: string) => `${how}, or ${UP_DOWN}`;
/** Nothing can be added to the call: only hand-written up/down will do. */
const only = (why: string) => `${why}: ${UP_DOWN}`;

const ROWS = only('updown cannot know which rows were there before it');
const RAW = only('updown cannot know what raw SQL does, so it cannot undo it');
const READS = only('it reads the database, and a change() that decides what to do from what it reads cannot be replayed backwards');
const TRANSACTIONS = only('updown already runs each file in its own transaction (export `transaction = false` to opt out)');
const DESTROYS = only('it destroys what down cannot rebuild');

// ---------------------------------------------------------------------------------------------
// Argument helpers.

type Options = Record<string, unknown> | undefined;
type Attribute = Record<string, unknown> & { type?: unknown; field?: string };

const optionsAt = (args: unknown[], index: number): Options => (isObject(args[index]) ? args[index] : undefined);

/** A call with its trailing undefined arguments dropped, so inverses compare as plain data. */
export function call(method: string, ...args: unknown[]): Call {
  while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
  return { method, args };
}

/** Sequelize's `{ concurrently: true }` carries over to the inverse index operation; nothing else does. */
const concurrently = (options: Options) => (options?.concurrently ? { concurrently: true } : undefined);

// ---------------------------------------------------------------------------------------------
// The table.

/** The enum types Sequelize creates for a createTable's ENUM and ENUM[] columns. */
function enumDropsForTable(table: unknown, attributes: unknown): Call[] {
  if (!isObject(attributes)) return [];
  return Object.entries(attributes)
    .filter(([, attribute]) => isEnum(typeOf(attribute)) || isEnumArray(typeOf(attribute)))
    .map(([key, attribute]) => call(DROP_ENUM_FOR, table, (attribute as Attribute).field ?? key));
}

function invertCreateTable(args: unknown[]): Call[] {
  const [table, attributes] = args;
  const options = optionsAt(args, 2);
  // createTable(name, attributes, { schema }) creates the table (and its enum types) in that schema.
  const target = typeof table === 'string' && typeof options?.schema === 'string' ? { tableName: table, schema: options.schema } : table;
  return [call('dropTable', target), ...enumDropsForTable(target, attributes)];
}

function invertDropTable(args: unknown[]): Call[] | string {
  const [table] = args;
  const options = optionsAt(args, 1);
  if (options?.cascade || options?.force) {
    return only(`with cascade it also drops what depends on ${tableText(table)} (foreign keys, views), which down cannot rebuild; drop those first with their own calls`);
  }
  if (!isObject(options?.from)) {
    return fix(
      `pass the table's columns so down can create it again: dropTable(${show(table)}, { from: { id: { type: DataTypes.INTEGER, primaryKey: true }, … } }) ` +
        '(its indexes and constraints are not part of it: remove them first with their own reversible calls)',
    );
  }
  return [call('createTable', table, options.from)];
}

function invertAddColumn(args: unknown[]): Call[] {
  const [table, column, attribute] = args;
  // Sequelize creates an ENUM column's type along with it (ENUM[] it does not); removeColumn leaves it.
  const enumDrop = isEnum(typeOf(attribute)) ? [call(DROP_ENUM_FOR, table, column)] : [];
  return [call('removeColumn', table, column), ...enumDrop];
}

function invertRemoveColumn(args: unknown[]): Call[] | string {
  const [table, column] = args;
  const from = optionsAt(args, 2)?.from;
  if (from === undefined) {
    return fix(`pass the column's definition so down can add it back: removeColumn(${show(table)}, ${show(column)}, { from: { type: DataTypes.STRING } })`);
  }
  return [call('addColumn', table, column, from)];
}

function invertChangeColumn(args: unknown[]): Call[] | string {
  const [table, column, to] = args;
  const from = optionsAt(args, 3)?.from;
  if (from === undefined) {
    return fix(
      `pass the column's current definition so down can change it back: changeColumn(${show(table)}, ${show(column)}, { … }, { from: { type: DataTypes.STRING, allowNull: true } })`,
    );
  }
  if (isEnum(typeOf(to)) || isEnum(typeOf(from))) {
    return only('changing a column to or from an ENUM creates or orphans an enum type that changeColumn cannot undo');
  }
  return [call('changeColumn', table, column, from)];
}

const invertRenameColumn = ([table, before, after]: unknown[]): Call[] => [call('renameColumn', table, after, before)];

/** addIndex(table, ['a'], options?, rawTablename?) or addIndex(table, { fields, … }, rawTablename?). */
function invertAddIndex(args: unknown[]): Call[] | string {
  const [table, second] = args;
  const byOptions = isObject(second);
  const options = (byOptions ? second : optionsAt(args, 2)) ?? {};
  const listed = byOptions ? second.fields : second;
  const fields = Array.isArray(listed) ? listed : [];
  const rawTablename = byOptions ? args[2] : args[3];
  const name = typeof options.name === 'string' ? options.name : defaultIndexName(table as TableName, fields, options.prefix ?? rawTablename);
  if (!name) {
    return fix(`name the index so down can remove it: addIndex(${show(table)}, { fields: […], name: '…' }) (updown cannot derive the name Sequelize gives an expression)`);
  }
  // DROP INDEX takes no table: an index of a table in another schema is found by its qualified name.
  const schema = schemaOf(table);
  return [call('removeIndex', table, schema ? `${schema}.${name}` : name, concurrently(options))];
}

/** removeIndex(table, 'name', { from: { fields, … } }) or removeIndex(table, ['a'], { from: { … } }). */
function invertRemoveIndex(args: unknown[]): Call[] | string {
  const [table, nameOrFields] = args;
  const options = optionsAt(args, 2);
  const from = options?.from;
  if (Array.isArray(nameOrFields)) {
    if (!isObject(from)) {
      return fix(
        `say what the index was so down can create it again: removeIndex(${show(table)}, ${show(nameOrFields)}, { from: {} }) for a plain index, ` +
          '{ from: { unique: true } } for a unique one',
      );
    }
    return [call('addIndex', table, { ...from, fields: nameOrFields, ...concurrently(options) })];
  }
  if (!isObject(from) || !Array.isArray(from.fields)) {
    return fix(`pass the index's definition so down can create it again: removeIndex(${show(table)}, ${show(nameOrFields)}, { from: { fields: ['…'], unique: true } })`);
  }
  const name = typeof nameOrFields === 'string' && nameOrFields.includes('.') ? nameOrFields.slice(nameOrFields.lastIndexOf('.') + 1) : nameOrFields;
  return [call('addIndex', table, { ...from, name, ...concurrently(options) })];
}

function invertAddConstraint(args: unknown[]): Call[] | string {
  const [table] = args;
  const options = optionsAt(args, 1) ?? {};
  const name = typeof options.name === 'string' ? options.name : defaultConstraintName(table as TableName, options);
  if (!name) return fix(`name the constraint so down can remove it: addConstraint(${show(table)}, { name: '…', … })`);
  return [call('removeConstraint', table, name)];
}

function invertRemoveConstraint(args: unknown[]): Call[] | string {
  const [table, name] = args;
  const from = optionsAt(args, 2)?.from;
  if (!isObject(from)) {
    return fix(`pass the constraint's definition so down can add it back: removeConstraint(${show(table)}, ${show(name)}, { from: { type: 'unique', fields: ['…'] } })`);
  }
  return [call('addConstraint', table, { ...from, name })];
}

const invertRenameTable = ([before, after]: unknown[]): Call[] => [call('renameTable', after, before)];

const invertCreateSchema = ([schema]: unknown[]): Call[] => [call('dropSchema', schema)];

const invertCreateFunction = ([name, params]: unknown[]): Call[] => [call('dropFunction', name, params)];

function invertDropFunction(args: unknown[]): Call[] | string {
  const [name, params] = args;
  const from = optionsAt(args, 2)?.from;
  if (!isObject(from) || typeof from.body !== 'string') {
    return fix(`pass the function's definition so down can create it again: dropFunction(${show(name)}, [...], { from: { returnType: '…', language: 'plpgsql', body: '…' } })`);
  }
  return [call('createFunction', name, params, from.returnType, from.language, from.body, from.optionsArray)];
}

const invertRenameFunction = ([before, params, after]: unknown[]): Call[] => [call('renameFunction', after, params, before)];

const invertCreateTrigger = ([table, name]: unknown[]): Call[] => [call('dropTrigger', table, name)];

function invertDropTrigger(args: unknown[]): Call[] | string {
  const [table, name] = args;
  const from = optionsAt(args, 2)?.from;
  if (!isObject(from) || typeof from.functionName !== 'string') {
    return fix(
      `pass the trigger's definition so down can create it again: dropTrigger(${show(table)}, ${show(name)}, ` +
        "{ from: { timingType: 'after', fireOnArray: [{ insert: [] }], functionName: '…', functionParams: [] } })",
    );
  }
  return [call('createTrigger', table, name, from.timingType, from.fireOnArray, from.functionName, from.functionParams, from.optionsArray ?? [])];
}

const invertRenameTrigger = ([table, before, after]: unknown[]): Call[] => [call('renameTrigger', table, after, before)];

/**
 * bulkInsert is reversible when the author names the key columns (`{ key: 'id' }`) and every row
 * carries them: down deletes exactly those rows. updown does not guess the key from the rows: an
 * `id` is not always the key, and deleting by every inserted column would also delete equal rows
 * that were there before.
 */
function invertBulkInsert(args: unknown[]): Call[] | string {
  const [table, rows] = args;
  const key = optionsAt(args, 2)?.key;
  const columns = typeof key === 'string' ? [key] : Array.isArray(key) && key.every((column) => typeof column === 'string') ? (key as string[]) : undefined;
  if (!columns || columns.length === 0) {
    return fix(`name the columns that identify the inserted rows, so down can delete exactly those: bulkInsert(${show(table)}, rows, { key: 'id' })`);
  }
  const records = Array.isArray(rows) ? rows : [];
  const missing = records.findIndex((row) => !isObject(row) || columns.some((column) => row[column] === undefined || row[column] === null));
  if (missing !== -1) {
    return fix(`row ${missing + 1} has no value for ${columns.map((column) => `'${column}'`).join(', ')}: every row must carry its key so down can delete it`);
  }
  const where =
    columns.length === 1
      ? { [columns[0]]: records.map((row) => (row as Record<string, unknown>)[columns[0]]) }
      : { [OR]: records.map((row) => Object.fromEntries(columns.map((column) => [column, (row as Record<string, unknown>)[column]]))) };
  return [call('bulkDelete', table, where)];
}

const refuse =
  (reason: string): Inversion =>
  () =>
    reason;

/** Every method updown knows, with its inverse. A method not listed is refused (see `invert`). */
export const INVERSIONS: Readonly<Record<string, Inversion>> = {
  // Tables and columns.
  createTable: invertCreateTable,
  dropTable: invertDropTable,
  renameTable: invertRenameTable,
  addColumn: invertAddColumn,
  removeColumn: invertRemoveColumn,
  changeColumn: invertChangeColumn,
  renameColumn: invertRenameColumn,
  // Indexes and constraints.
  addIndex: invertAddIndex,
  removeIndex: invertRemoveIndex,
  addConstraint: invertAddConstraint,
  removeConstraint: invertRemoveConstraint,
  // Schemas, functions, triggers.
  createSchema: invertCreateSchema,
  dropSchema: refuse(only('Sequelize drops the schema with everything in it (CASCADE), which down cannot rebuild')),
  createFunction: invertCreateFunction,
  dropFunction: invertDropFunction,
  renameFunction: invertRenameFunction,
  createTrigger: invertCreateTrigger,
  dropTrigger: invertDropTrigger,
  renameTrigger: invertRenameTrigger,
  // Rows.
  bulkInsert: invertBulkInsert,
  insert: refuse(fix("use bulkInsert(table, rows, { key: 'id' }) so down can delete the rows")),
  bulkDelete: refuse(ROWS),
  bulkUpdate: refuse(ROWS),
  update: refuse(ROWS),
  delete: refuse(ROWS),
  upsert: refuse(ROWS),
  increment: refuse(ROWS),
  decrement: refuse(ROWS),
  // Raw SQL, from queryInterface.sequelize or context.sequelize.
  'sequelize.query': refuse(RAW),
  'sequelize.transaction': refuse(TRANSACTIONS),
  'sequelize.sync': refuse(only('sync() changes the schema from models, which updown cannot record')),
  // Everything-at-once drops.
  dropAllTables: refuse(DESTROYS),
  dropAllSchemas: refuse(DESTROYS),
  dropAllEnums: refuse(DESTROYS),
  dropEnum: refuse(DESTROYS),
  'sequelize.drop': refuse(DESTROYS),
  'sequelize.truncate': refuse(ROWS),
  // Reads.
  describeTable: refuse(READS),
  tableExists: refuse(READS),
  showAllTables: refuse(READS),
  showAllSchemas: refuse(READS),
  showIndex: refuse(READS),
  showConstraint: refuse(READS),
  getForeignKeysForTables: refuse(READS),
  getForeignKeyReferencesForTable: refuse(READS),
  select: refuse(READS),
  rawSelect: refuse(READS),
  databaseVersion: refuse(READS),
  pgListEnums: refuse(READS),
  // Transaction control.
  startTransaction: refuse(TRANSACTIONS),
  commitTransaction: refuse(TRANSACTIONS),
  rollbackTransaction: refuse(TRANSACTIONS),
  setAutocommit: refuse(TRANSACTIONS),
  setIsolationLevel: refuse(TRANSACTIONS),
  deferConstraints: refuse(TRANSACTIONS),
};

/** The calls that undo `recorded`, or why it cannot be undone. */
export function invert(recorded: Call): Call[] | string {
  const inversion = Object.hasOwn(INVERSIONS, recorded.method) ? INVERSIONS[recorded.method] : undefined;
  if (!inversion) return only(`updown does not know how to reverse ${recorded.method}()`);
  return inversion(recorded.args);
}

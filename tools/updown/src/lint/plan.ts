/**
 * Which statements are worth observing, and how: most of what Sequelize sends (catalog SELECTs,
 * INSERTs, a CREATE TABLE of a new table) can neither lock nor rewrite an existing relation, and
 * reading the catalogs around them would only slow the run. Pure.
 */
import type { ProbeScope } from './evidence';
import { alterCommands, findAll, names, rangeVarName, typeName, type ParsedStatement } from './parse';

/** Statements that touch no existing relation's lock or storage. */
const QUIET = new Set([
  'TransactionStmt',
  'VariableSetStmt',
  'VariableShowStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'CreateFunctionStmt',
  'CreateEnumStmt',
  'CreateSchemaStmt',
  'CreateSeqStmt',
  'CreateExtensionStmt',
  'CommentStmt',
  'GrantStmt',
  'CreateDomainStmt',
  'CompositeTypeStmt',
  'ViewStmt',
  'ExplainStmt',
]);

/** The relations a statement names (the ones it can lock or rewrite), as PostgreSQL would resolve them. */
export function namedRelations(statement: ParsedStatement): string[] {
  const { kind, node } = statement;
  const found = new Set<string>();
  const add = (rangeVar: unknown) => {
    const name = rangeVarName(rangeVar);
    if (name) found.add(name);
  };
  if (node?.relation) add(node.relation);
  for (const rangeVar of findAll(node, 'pktable')) add(rangeVar);
  if (kind === 'DropStmt') for (const object of node.objects ?? []) found.add(names(object.List?.items).join('.'));
  if (kind === 'TruncateStmt' || kind === 'VacuumStmt') for (const rangeVar of findAll(node, 'RangeVar')) add(rangeVar);
  return [...found].filter(Boolean);
}

const SERIALS = new Set(['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8']);

/** ALTER TABLE … ADD COLUMN of nullable columns with no default, constraint or serial: ACCESS EXCLUSIVE, briefly, and no rewrite. */
export function plainAddColumns(statement: ParsedStatement): boolean {
  const cmds = alterCommands(statement);
  return (
    cmds.length > 0 &&
    cmds.every((cmd) => {
      const column = cmd.def?.ColumnDef;
      if (cmd.subtype !== 'AT_AddColumn' || !column) return false;
      const constraints = (column.constraints ?? []).map((item: { Constraint?: { contype?: string } }) => item.Constraint?.contype);
      return constraints.every((type: string | undefined) => type === 'CONSTR_NULL') && !SERIALS.has(typeName(column.typeName));
    })
  );
}

/** A SELECT with no FROM calls functions only (`SELECT backfill_users()`): they may run DDL. */
function callsOnly(statement: ParsedStatement): boolean {
  return statement.kind === 'SelectStmt' && !(statement.node.fromClause?.length > 0);
}

/** Undefined: nothing to observe. Otherwise the scope of the two snapshots taken around it. */
export function probeScope(statements: ParsedStatement[]): ProbeScope | undefined {
  const scopes = statements.map((statement): ProbeScope | undefined => {
    const { kind } = statement;
    if (QUIET.has(kind)) return undefined;
    if (kind === 'AlterEnumStmt') return { names: [] }; // only whether it runs in a transaction
    if (kind === 'SelectStmt') return callsOnly(statement) ? { names: 'all' } : undefined;
    // A new table locks only the tables its foreign keys reference.
    if (kind === 'CreateStmt') return findAll(statement.node, 'pktable').length ? { names: namedRelations(statement) } : undefined;
    if (['DoStmt', 'CallStmt', 'ExecuteStmt', 'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt'].includes(kind)) return { names: 'all' };
    if (kind === 'IndexStmt') return { names: namedRelations(statement), afterOnly: true };
    if (plainAddColumns(statement)) return { names: [], settingsOnly: true };
    const setNotNull = alterCommands(statement).some((cmd) => cmd.subtype === 'AT_SetNotNull');
    const named = namedRelations(statement);
    return { names: named.length ? named : 'all', ...(setNotNull ? { checksOf: named } : {}) };
  });
  const taken = scopes.filter((scope): scope is ProbeScope => scope !== undefined);
  if (taken.length === 0) return undefined;
  if (taken.every((scope) => scope.settingsOnly)) return { names: [], settingsOnly: true };
  const afterOnly = taken.every((scope) => scope.afterOnly || scope.settingsOnly);
  const checksOf = taken.flatMap((scope) => scope.checksOf ?? []);
  if (taken.some((scope) => scope.names === 'all')) return { names: 'all', checksOf };
  return { names: [...new Set(taken.flatMap((scope) => scope.names as string[]))], checksOf, ...(afterOnly ? { afterOnly } : {}) };
}

/** First words of statements no rule looks at (Sequelize's bookkeeping, the tracking row): not even parsed. */
const UNPARSED = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START|SET|SHOW|INSERT|SELECT\s+set_config\s*\()/i;

/** A new table with no foreign key and no json column: nothing to check but its name. */
const PLAIN_CREATE = /^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"[^"]+"\.|\w+\.)?(?:"([^"]+)"|(\w+))\s*\(/i;

/** Skip: nothing to parse. Created: the name of a plain new table (no parse needed). Else undefined: parse it. */
export function prefilter(sql: string): { skip: true } | { created: string } | undefined {
  if (UNPARSED.test(sql)) return { skip: true };
  const plain = PLAIN_CREATE.exec(sql);
  if (plain && !/\bjson\b|\breferences\b|;\s*\S/i.test(sql)) return { created: plain[1] ?? plain[2].toLowerCase() };
  return undefined;
}

const NAME = String.raw`(?:"(?:[^"]|"")+"|\w+)`;
/** `ALTER TABLE t ADD COLUMN …` and `CREATE [UNIQUE] INDEX i ON t (…)`, the shapes Sequelize's addColumn and addIndex send. */
const ON_ONE_TABLE = [
  new RegExp(String.raw`^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:${NAME}\.)?(${NAME})\s+ADD\s+COLUMN\s`, 'i'),
  new RegExp(String.raw`^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}\s+ON\s+(?:ONLY\s+)?(?:${NAME}\.)?(${NAME})\s*(?:USING\s+\w+\s*)?\(`, 'i'),
];

/**
 * The one table such a statement names, read without parsing it (as PostgreSQL folds the name), or
 * undefined when it may name another: a foreign key, a subquery, a second statement.
 */
export function onlyTableOf(sql: string): string | undefined {
  if (/\breferences\b|\bselect\b|;\s*\S/i.test(sql)) return undefined;
  for (const shape of ON_ONE_TABLE) {
    const name = shape.exec(sql)?.[1];
    if (name) return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
  }
  return undefined;
}

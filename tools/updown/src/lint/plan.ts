/**
 * Which statements are worth observing, and how: most of what Sequelize sends (catalog SELECTs,
 * INSERTs, a CREATE TABLE of a new table) can neither lock nor rewrite an existing relation, and
 * reading the catalogs around them would only slow the run. Pure.
 */
import type { ProbeScope } from './evidence';
import { alterCommands, findAll, names, rangeVarName, type ParsedStatement } from './parse';

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
    const setNotNull = alterCommands(statement).some((cmd) => cmd.subtype === 'AT_SetNotNull');
    const named = namedRelations(statement);
    return { names: named.length ? named : 'all', ...(setNotNull ? { checksOf: named } : {}) };
  });
  const taken = scopes.filter((scope): scope is ProbeScope => scope !== undefined);
  if (taken.length === 0) return undefined;
  if (taken.some((scope) => scope.names === 'all')) return { names: 'all', checksOf: taken.flatMap((scope) => scope.checksOf ?? []) };
  return { names: [...new Set(taken.flatMap((scope) => scope.names as string[]))], checksOf: taken.flatMap((scope) => scope.checksOf ?? []) };
}

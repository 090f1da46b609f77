/**
 * PostgreSQL's table lock modes, weakest first, with what each blocks, and the lock a statement
 * takes according to the documentation: used when the lock cannot be observed (a file that runs
 * outside a transaction releases it before anything can read pg_locks).
 */
import { alterCommands, rangeVarName, type ParsedStatement } from './parse';

/** pg_locks.mode values, weakest first. */
export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

/** "ACCESS EXCLUSIVE" for AccessExclusiveLock, as the documentation and `LOCK TABLE` spell it. */
export function lockName(mode: string): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

const BLOCKS: Record<LockMode, string> = {
  AccessShareLock: 'blocks only ACCESS EXCLUSIVE',
  RowShareLock: 'blocks EXCLUSIVE and ACCESS EXCLUSIVE',
  RowExclusiveLock: 'blocks SHARE and stronger (index builds, most DDL)',
  ShareUpdateExclusiveLock: 'blocks other DDL and VACUUM, not reads or writes',
  ShareLock: 'blocks writes (INSERT, UPDATE, DELETE), not reads',
  ShareRowExclusiveLock: 'blocks writes, not reads',
  ExclusiveLock: 'blocks writes and SELECT … FOR UPDATE, not plain reads',
  AccessExclusiveLock: 'blocks every read and write',
};

export function whatItBlocks(mode: string): string {
  return BLOCKS[mode as LockMode] ?? '';
}

export function strength(mode: string): number {
  return LOCK_MODES.indexOf(mode as LockMode);
}

export function strongest(modes: string[]): string | undefined {
  return [...modes].sort((a, b) => strength(b) - strength(a))[0];
}

export interface ExpectedLock {
  mode: LockMode;
  table: string;
}

const WEAKER_ALTERS: Record<string, LockMode> = {
  AT_ValidateConstraint: 'ShareUpdateExclusiveLock',
  AT_SetStatistics: 'ShareUpdateExclusiveLock',
  AT_ClusterOn: 'ShareUpdateExclusiveLock',
  AT_SetRelOptions: 'ShareUpdateExclusiveLock',
  AT_DetachPartitionFinalize: 'ShareUpdateExclusiveLock',
};

function alterLock(statement: ParsedStatement): LockMode {
  const modes = alterCommands(statement).map((cmd) => {
    if (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN') return 'ShareRowExclusiveLock';
    if (cmd.subtype === 'AT_DetachPartition' && cmd.concurrent) return 'ShareUpdateExclusiveLock';
    return WEAKER_ALTERS[cmd.subtype] ?? 'AccessExclusiveLock';
  });
  return (strongest(modes) ?? 'AccessExclusiveLock') as LockMode;
}

/** The lock the documentation says the statement takes on the table it names, if any. */
export function expectedLock(statement: ParsedStatement): ExpectedLock | undefined {
  const { kind, node } = statement;
  switch (kind) {
    case 'AlterTableStmt':
      return { mode: alterLock(statement), table: rangeVarName(node.relation) };
    case 'IndexStmt':
      return { mode: node.concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock', table: rangeVarName(node.relation) };
    case 'RenameStmt':
      return node.relation ? { mode: 'AccessExclusiveLock', table: rangeVarName(node.relation) } : undefined;
    case 'UpdateStmt':
    case 'DeleteStmt':
      return { mode: 'RowExclusiveLock', table: rangeVarName(node.relation) };
    case 'TruncateStmt':
      return { mode: 'AccessExclusiveLock', table: rangeVarName(node.relations?.[0]?.RangeVar) };
    default:
      return undefined;
  }
}

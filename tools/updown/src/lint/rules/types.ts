/**
 * The shape of a rule: one file each under rules/, with its id (what a file's `lint.allow` names),
 * the lock it is about, its safe recipe, and a check that reads one parsed statement together
 * with what was observed while it ran.
 */
import type { StatementEvidence } from '../evidence';
import { strongest } from '../locks';
import type { Ast, ParsedStatement } from '../parse';

export interface RuleContext {
  /** server_version_num of the server the file ran on, e.g. 150020. */
  pgVersion: number;
  /** The statement ran in a transaction block (observed when it could be, else from the file's `transaction`). */
  inTransaction: boolean;
  /** Existed before this file: not created by it (and, when observed, found in the catalogs). */
  existing(name: string): boolean;
  /** What the statement was seen to do; absent when it was not observed. */
  evidence?: StatementEvidence;
  /** The file's earlier statements that succeeded, oldest first. */
  earlier: ParsedStatement[];
  /** The lock_timeout updown runs every file with (--ddl-lock-timeout, config `timeouts.lock`). */
  runLockTimeoutMs: number;
  /** Rules that already found something in this statement (table-rewrite only reports the unexplained). */
  alreadyFound: ReadonlySet<string>;
}

/** One finding in one statement, before the runner adds the file, the lock seen and the table's size. */
export interface Hit {
  message: string;
  /** The table the finding is about. */
  table?: string;
  /** pg_locks mode the statement takes on `table` (AccessExclusiveLock, …). */
  lock?: string;
  /** AST location (bytes into the SQL sent), for the caret. */
  location?: number;
}

export interface Rule {
  id: string;
  /** One line for the README and the report. */
  title: string;
  /** The lock, in words, for the README. */
  lock: string;
  /** The safe way, in a few lines (may depend on the server's version). */
  recipe(pgVersion: number): string[];
  /** Findings in a statement that ran (check) or failed with `error` (onError). */
  check?(statement: ParsedStatement, context: RuleContext): Hit[];
  onError?(statement: ParsedStatement, error: { code?: string; message: string }, context: RuleContext): Hit[];
}

export const PG11 = 110000;
export const PG12 = 120000;
export const PG18 = 180000;

/** The strongest lock seen on `table`, else the documented one. */
export function seenLock(context: RuleContext, table: string, documented: string): string {
  const base = table.split('.').pop();
  const seen = context.evidence?.locks.filter((lock) => lock.relation.name === base).map((lock) => lock.mode) ?? [];
  return strongest(seen) ?? documented;
}

/** Whether the observed evidence shows `table` rewritten. */
export function rewrote(context: RuleContext, table: string): boolean {
  const base = table.split('.').pop();
  return context.evidence?.rewritten.some((relation) => relation.name === base && relation.kind !== 'i') ?? false;
}

export type { Ast, ParsedStatement };

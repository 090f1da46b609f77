/** What `updown migrate lint` reports: findings per file, with the evidence behind each. */
import type { ScratchInfo } from '../verify/scratch';

export interface FindingLock {
  /** pg_locks mode: AccessExclusiveLock, ShareLock, … */
  mode: string;
  table?: string;
  /** Read from pg_locks while the statement ran (else: the documented lock of such a statement). */
  observed: boolean;
}

/** How big the table is on the target (read-only; the scratch copy may be empty). */
export interface TableSize {
  name: string;
  /** pg_class.reltuples: the planner's estimate (-1: never analysed). */
  rows?: number;
  bytes?: number;
  /** False: the table is not on the target yet (an earlier pending file creates it). */
  onTarget: boolean;
}

export interface LintFinding {
  /** The migration's name (no extension). */
  file: string;
  path: string;
  rule: string;
  message: string;
  /** The statement as sent (trimmed); absent for a file that failed before sending one. */
  statement?: string;
  /** 1-based position in `statement` for a caret. */
  position?: number;
  lock?: FindingLock;
  /** Tables and indexes whose relfilenode changed while the statement ran. */
  rewritten?: string[];
  table?: TableSize;
  recipe: string[];
  /** The reason given by the file's `lint.allow` (or the config's) for this rule. */
  acknowledged?: string;
}

export interface LintedFile {
  name: string;
  /** Statements sent, and how many of them were observed (catalogs read around them). */
  statements: number;
  observed: number;
  /** Ran outside a transaction (for real on the scratch database). */
  outsideTransaction: boolean;
  /** The statements as sent, when asked for (`keepSql`). */
  sql?: string[];
}

export interface LintResult {
  /** No finding that is not acknowledged, and nothing went wrong around the run. */
  success: boolean;
  scratch?: ScratchInfo;
  /** server_version_num of the server. */
  pgVersion?: number;
  /** The lock_timeout every file ran with, in ms (updown's default unless configured). */
  lockTimeoutMs?: number;
  files: LintedFile[];
  findings: LintFinding[];
  /** Files not run because an earlier one failed. */
  notLinted: string[];
  errors: Error[];
  durationMs: number;
}

import pc from 'picocolors';
import { MigrationFailedError, pgDetails, UpdownError } from '../errors';
import type { RepairResult } from '../repair';
import type { ExecutedItem, LockHolder, Logger, PreviewItem, RunResult, StartedItem, StatusResult } from '../types';
import type { Activity } from './progress';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stdout is a terminal: long-running files show a status line (cli/progress.ts). */
  isTTY?: boolean;
}

export const VERBS = { up: 'migrated', down: 'reverted' } as const;

/** "8 migrations and 3 seeds applied": what a run did, by stream and direction. */
export function summarise(executed: ExecutedItem[]): string {
  const parts: string[] = [];
  for (const direction of ['down', 'up'] as const) {
    const done = executed.filter((item) => item.direction === direction);
    if (done.length === 0) continue;
    const seeds = done.filter((item) => item.stream === 'seeds').length;
    const migrations = done.length - seeds;
    const nouns = [migrations && `${migrations} migration${migrations > 1 ? 's' : ''}`, seeds && `${seeds} seed${seeds > 1 ? 's' : ''}`];
    parts.push(`${nouns.filter(Boolean).join(' and ')} ${direction === 'up' ? 'applied' : 'reverted'}`);
  }
  return parts.join(', then ');
}

export function ms(durationMs: number): string {
  return durationMs < 10_000 ? `${durationMs} ms` : `${(durationMs / 1000).toFixed(1)} s`;
}

/** The failing statement with a caret under PostgreSQL's reported position. */
function caret(sql: string, position: number): string[] {
  let offset = 0;
  for (const line of sql.split('\n')) {
    if (position - 1 <= offset + line.length) {
      return [`    ${line}`, `    ${' '.repeat(Math.max(0, position - 1 - offset))}^`];
    }
    offset += line.length + 1;
  }
  return [`    ${sql}`];
}

/**
 * The CLI's one prefix style, `error: …` and `warning: …` (as commander's own usage errors and
 * most command-line tools write them), so a reader and a grep find every one the same way.
 */
export const ERROR_PREFIX = 'error:';
export const WARNING_PREFIX = 'warning:';

export function errorLines(error: Error): string[] {
  const lines = [`${pc.red(ERROR_PREFIX)} ${error.message}`];
  const pg = error instanceof MigrationFailedError ? error.pg : pgDetails((error as { cause?: unknown }).cause);
  if (pg.detail) lines.push(`  detail: ${pg.detail}`);
  if (pg.hint) lines.push(`  hint: ${pg.hint}`);
  if (pg.sql && pg.position) lines.push(`  at character ${pg.position}${pg.line ? ` (line ${pg.line} of the file)` : ''}:`, ...caret(pg.sql, pg.position));
  else if (pg.sql) lines.push(`  statement: ${pg.sql}`);
  if (!(error instanceof UpdownError) && error.stack) lines.push(pc.dim(error.stack));
  return lines;
}

/** An error as the contract's JSON `error` object (message, migration, code, …). */
export function errorJson(error: Error): Record<string, unknown> {
  const pg = error instanceof MigrationFailedError ? error.pg : {};
  // Every error about one file (failed, irreversible, invalid, interrupted) names it.
  const { migration, file, direction } = error as { migration?: string; file?: string; direction?: string };
  return {
    message: error.message,
    type: error.name,
    ...(migration ? { migration } : {}),
    ...(file ? { file } : {}),
    ...(direction ? { direction } : {}),
    ...(pg.code ? { code: pg.code } : {}),
    ...(pg.position ? { position: pg.position } : {}),
    ...(pg.line ? { line: pg.line } : {}),
  };
}

/**
 * What a command prints. Two printers behind this one interface: for people, Rails-like lines
 * (cli/printer-human.ts); for `--json`, one document on stdout and nothing else there
 * (cli/printer-json.ts). `json` says which, for the few commands that print a document of their own.
 */
export interface Printer {
  readonly json: boolean;
  /** Progress and notes: stdout for people, stderr when stdout carries JSON. */
  readonly logger: Logger;
  /** Something long is running (a file, a verify round trip); `undefined` ends it. */
  activity(activity: Activity | undefined): void;
  started(item: StartedItem): void;
  executed(item: ExecutedItem): void;
  lockWait(holder: LockHolder | undefined): void;
  result(result: RunResult, what: string): void;
  /** A dry run's statements, file by file, as SQL a reader can paste. */
  preview(items: PreviewItem[]): void;
  status(result: StatusResult, kind: string): void;
  error(error: Error): void;
  repaired(result: RepairResult): void;
  created(file: string): void;
}

/** Said on stderr, by both printers, when the runner starts to wait for another's lock. */
export function lockWaitLine(holder: LockHolder | undefined): string {
  const who = holder ? `pid ${holder.pid}, ${holder.applicationName || 'no application name'}` : 'another session';
  return `waiting for the migration lock held by ${who}…`;
}

export const REPAIRED: Record<NonNullable<RepairResult['action']>, (result: RepairResult) => string> = {
  'accepted-edit': (r) => `accepted the edit of ${r.name}: checksum ${r.previousChecksum} -> ${r.checksum}`,
  'cleared-failure': (r) => `cleared the failed mark of ${r.name}: it is pending and runs again on the next up`,
  'forgot-missing': (r) => `forgot ${r.name}: its row is gone; what it did stays in the database`,
  'nothing-to-repair': (r) => `${r.name} is applied and unchanged: nothing to repair`,
};

import pc from 'picocolors';
import { MigrationFailedError, pgDetails, UpdownError } from '../errors';
import type { RepairResult } from '../repair';
import type { ExecutedItem, LockHolder, Logger, PreviewItem, RunResult, StartedItem, StatusResult } from '../types';
import { Progress, type Activity, type Clock } from './progress';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stdout is a terminal: long-running files show a status line (cli/progress.ts). */
  isTTY?: boolean;
}

const VERBS = { up: 'migrated', down: 'reverted' } as const;

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

/** Human output is Rails-like lines; `--json` is one document on stdout and nothing else there. */
export class Printer {
  /** The status line of a long-running file, on a terminal only. */
  private readonly progress: Progress | undefined;

  constructor(
    private readonly io: Io,
    readonly json: boolean,
    clock?: Clock,
  ) {
    this.progress = !json && io.isTTY ? new Progress((text) => io.stdout(text), clock) : undefined;
  }

  /** Progress and notes: stdout for people, stderr when stdout carries JSON. */
  readonly logger: Logger = {
    info: (message) => {
      this.progress?.clear();
      if (this.json) this.io.stderr(`${message}\n`);
      else this.io.stdout(`${message}\n`);
    },
    warn: (message) => {
      this.progress?.clear();
      this.io.stderr(`${pc.yellow(WARNING_PREFIX)} ${message}\n`);
    },
  };

  /** Something long is running (a file, a verify round trip); `undefined` ends it. */
  activity(activity: Activity | undefined): void {
    if (activity) this.progress?.start(activity);
    else this.progress?.stop();
  }

  started = (item: StartedItem): void => {
    const verb = item.direction === 'down' ? 'reverting' : item.stream === 'seeds' ? 'seeding' : 'migrating';
    this.activity({ verb, name: item.name, index: item.index, total: item.total });
  };

  executed = (item: ExecutedItem): void => {
    this.progress?.stop();
    if (this.json) return;
    const verb = item.stream === 'seeds' && item.direction === 'up' ? 'seeded' : VERBS[item.direction];
    this.io.stdout(`${pc.green(verb.padEnd(9))} ${item.name} ${pc.dim(`(${ms(item.durationMs)})`)}\n`);
  };

  lockWait = (holder: LockHolder | undefined): void => {
    const who = holder ? `pid ${holder.pid}, ${holder.applicationName || 'no application name'}` : 'another session';
    this.io.stderr(`waiting for the migration lock held by ${who}…\n`);
  };

  result(result: RunResult, what: string): void {
    this.progress?.stop();
    if (this.json) {
      const [error] = result.errors;
      const doc = {
        ok: result.success,
        executed: result.executed.map(({ name, direction, durationMs, stream }) => ({ name, direction, durationMs, stream })),
        durationMs: result.durationMs,
        ...(result.preview ? { dryRun: true, preview: result.preview } : {}),
        ...(error ? { error: errorJson(error) } : {}),
      };
      this.io.stdout(`${JSON.stringify(doc)}\n`);
      return;
    }
    for (const error of result.errors) this.io.stderr(`${errorLines(error).join('\n')}\n`);
    const count = result.executed.length;
    const took = pc.dim(`in ${ms(result.durationMs)}`);
    if (result.preview && result.success) {
      const runnable = result.preview.filter((item) => item.previewable).length;
      this.io.stdout(`dry run: ${runnable} file(s) previewed and rolled back, nothing recorded ${took}\n`);
      return;
    }
    if (!result.success) {
      if (count > 0) this.io.stdout(`${pc.red(`${summarise(result.executed)} before the failure`)} ${took}\n`);
      return;
    }
    this.io.stdout(`${count === 0 ? `nothing to do: ${what}` : summarise(result.executed)} ${took}\n`);
  }

  /** A dry run's statements, file by file, as SQL a reader can paste. */
  preview(items: PreviewItem[]): void {
    if (this.json) return;
    for (const item of items) {
      this.io.stdout(`${pc.cyan(`-- ${item.name} (${item.direction})`)}\n`);
      if (!item.previewable) this.io.stdout(`${pc.yellow('-- runs outside a transaction: not previewable, not run')}\n`);
      for (const statement of item.statements) this.io.stdout(`${statement.trim().replace(/;?$/, ';')}\n`);
    }
  }

  status(result: StatusResult, kind: string): void {
    if (this.json) {
      const items = result.items.map(({ name, state, appliedAt, outOfOrder, skipped, reason }) => ({
        name,
        state,
        ...(appliedAt ? { appliedAt: appliedAt.toISOString() } : {}),
        ...(outOfOrder ? { outOfOrder } : {}),
        ...(skipped ? { skipped } : {}),
        ...(reason ? { reason } : {}),
      }));
      this.io.stdout(`${JSON.stringify({ ok: result.success, items })}\n`);
      return;
    }
    const paint = { applied: pc.green, pending: pc.yellow, edited: pc.red, missing: pc.red, failed: pc.red, invalid: pc.red } as const;
    for (const item of result.items) {
      const when = item.appliedAt ? pc.dim(` ${item.appliedAt.toISOString()}`) : '';
      const notes = [item.outOfOrder && 'older than the newest applied file', item.skipped && `skipped here: ${item.skipped}`, item.reason].filter(Boolean);
      const note = notes.length ? pc.yellow(` (${notes.join('; ')})`) : '';
      this.io.stdout(`${paint[item.state](item.state.padEnd(8))} ${item.name}${when}${note}\n`);
    }
    const counts = result.items.reduce<Record<string, number>>((acc, item) => ({ ...acc, [item.state]: (acc[item.state] ?? 0) + 1 }), {});
    const parts = Object.entries(counts).map(([state, n]) => `${n} ${state}`);
    this.io.stdout(`${result.items.length === 0 ? `no ${kind} yet` : parts.join(', ')}\n`);
  }

  error(error: Error): void {
    this.progress?.stop();
    if (this.json) this.io.stdout(`${JSON.stringify({ ok: false, executed: [], error: errorJson(error) })}\n`);
    else this.io.stderr(`${errorLines(error).join('\n')}\n`);
  }

  repaired(result: RepairResult): void {
    if (this.json) {
      const { success, action, name, previousChecksum, checksum } = result;
      const [error] = result.errors;
      this.io.stdout(`${JSON.stringify({ ok: success, action, name, previousChecksum, checksum, ...(error ? { error: errorJson(error) } : {}) })}\n`);
      return;
    }
    if (!result.success) {
      for (const error of result.errors) this.io.stderr(`${errorLines(error).join('\n')}\n`);
      return;
    }
    const lines: Record<string, string> = {
      'accepted-edit': `accepted the edit of ${result.name}: checksum ${result.previousChecksum} -> ${result.checksum}`,
      'cleared-failure': `cleared the failed mark of ${result.name}: it is pending and runs again on the next up`,
      'forgot-missing': `forgot ${result.name}: its row is gone; what it did stays in the database`,
      'nothing-to-repair': `${result.name} is applied and unchanged: nothing to repair`,
    };
    this.io.stdout(`${lines[result.action!]}\n`);
  }

  created(file: string): void {
    if (this.json) this.io.stdout(`${JSON.stringify({ ok: true, file })}\n`);
    else this.io.stdout(`${pc.green('created')} ${file}\n`);
  }
}

/**
 * Output for people: Rails-like lines (one per file with its duration, then a summary), errors with
 * PostgreSQL's detail and a caret under the failing spot, and on a terminal a status line while a
 * file runs long (cli/progress.ts).
 */
import pc from 'picocolors';
import type { RepairResult } from '../repair';
import type { ExecutedItem, LockHolder, Logger, PreviewItem, RunResult, StartedItem, StatusResult } from '../types';
import { errorLines, ms, REPAIRED, summarise, VERBS, WARNING_PREFIX, lockWaitLine, type Io, type Printer } from './output';
import { Progress, type Activity, type Clock } from './progress';

const PAINT = { applied: pc.green, pending: pc.yellow, edited: pc.red, missing: pc.red, failed: pc.red, invalid: pc.red } as const;

export class HumanPrinter implements Printer {
  readonly json = false;
  /** The status line of a long-running file, on a terminal only. */
  private readonly progress: Progress | undefined;

  constructor(
    private readonly io: Io,
    clock?: Clock,
  ) {
    this.progress = io.isTTY ? new Progress((text) => io.stdout(text), clock) : undefined;
  }

  readonly logger: Logger = {
    info: (message) => {
      this.progress?.clear();
      this.io.stdout(`${message}\n`);
    },
    warn: (message) => {
      this.progress?.clear();
      this.io.stderr(`${pc.yellow(WARNING_PREFIX)} ${message}\n`);
    },
  };

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
    const verb = item.stream === 'seeds' && item.direction === 'up' ? 'seeded' : VERBS[item.direction];
    this.io.stdout(`${pc.green(verb.padEnd(9))} ${item.name} ${pc.dim(`(${ms(item.durationMs)})`)}\n`);
  };

  lockWait = (holder: LockHolder | undefined): void => this.io.stderr(`${lockWaitLine(holder)}\n`);

  result(result: RunResult, what: string): void {
    this.progress?.stop();
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

  preview(items: PreviewItem[]): void {
    for (const item of items) {
      this.io.stdout(`${pc.cyan(`-- ${item.name} (${item.direction})`)}\n`);
      if (!item.previewable) this.io.stdout(`${pc.yellow('-- runs outside a transaction: not previewable, not run')}\n`);
      for (const statement of item.statements) this.io.stdout(`${statement.trim().replace(/;?$/, ';')}\n`);
    }
  }

  status(result: StatusResult, kind: string): void {
    for (const item of result.items) {
      const when = item.appliedAt ? pc.dim(` ${item.appliedAt.toISOString()}`) : '';
      const notes = [item.outOfOrder && 'older than the newest applied file', item.skipped && `skipped here: ${item.skipped}`, item.reason].filter(Boolean);
      const note = notes.length ? pc.yellow(` (${notes.join('; ')})`) : '';
      this.io.stdout(`${PAINT[item.state](item.state.padEnd(8))} ${item.name}${when}${note}\n`);
    }
    const counts = result.items.reduce<Record<string, number>>((acc, item) => ({ ...acc, [item.state]: (acc[item.state] ?? 0) + 1 }), {});
    const parts = Object.entries(counts).map(([state, n]) => `${n} ${state}`);
    this.io.stdout(`${result.items.length === 0 ? `no ${kind} yet` : parts.join(', ')}\n`);
  }

  error(error: Error): void {
    this.progress?.stop();
    this.io.stderr(`${errorLines(error).join('\n')}\n`);
  }

  repaired(result: RepairResult): void {
    if (!result.success) {
      for (const error of result.errors) this.io.stderr(`${errorLines(error).join('\n')}\n`);
      return;
    }
    this.io.stdout(`${REPAIRED[result.action!](result)}\n`);
  }

  created(file: string): void {
    this.io.stdout(`${pc.green('created')} ${file}\n`);
  }
}

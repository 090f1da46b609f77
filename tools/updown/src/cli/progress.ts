/**
 * On a terminal, a file that runs for more than a second says that it is running and for how
 * long, and a long `verify` or `db fresh` says how far it is (`3 of 40`): a silent minute looks
 * like a hang. One status line on stdout, redrawn in place and erased before the next real line;
 * only when stdout is a TTY (never in a log, a pipe or `--json`). Clock and timer are injected, so
 * the logic is tested without waiting.
 */
import pc from 'picocolors';

export interface Clock {
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    timer.unref(); // never what keeps the process alive
    return () => clearInterval(timer);
  },
};

/** What is running: `migrating 20250303045013-addUsers`, and where it stands in its run. */
export interface Activity {
  verb: string;
  name: string;
  /** 1-based position and total, shown as `n of N` when the run has more than one file. */
  index?: number;
  total?: number;
}

const ERASE = '\r\u001b[K';

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The status line for `activity`, `elapsed` ms after it started. */
export function statusLine(activity: Activity, elapsed: number): string {
  const where = activity.total && activity.total > 1 && activity.index ? `${activity.index} of ${activity.total}, ` : '';
  return `${pc.cyan(activity.verb.padEnd(9))} ${activity.name} ${pc.dim(`(${where}${seconds(elapsed)})`)}`;
}

export class Progress {
  private current: { activity: Activity; since: number } | undefined;
  private drawn = false;
  private stopTicking: (() => void) | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly clock: Clock = realClock,
    /** Nothing is shown for a file that ends sooner: most do, and a flicker says nothing. */
    private readonly afterMs = 1_000,
    private readonly everyMs = 200,
  ) {}

  /** `activity` has started; the line appears once it has run for `afterMs`. */
  start(activity: Activity): void {
    this.stop();
    this.current = { activity, since: this.clock.now() };
    this.stopTicking = this.clock.every(this.everyMs, () => this.tick());
  }

  /** Redraws the line when the activity has run long enough (the timer calls it). */
  tick(): void {
    if (!this.current) return;
    const elapsed = this.clock.now() - this.current.since;
    if (elapsed < this.afterMs) return;
    this.write(`${ERASE}${statusLine(this.current.activity, elapsed)}`);
    this.drawn = true;
  }

  /** Erases the line for a line of output; the next tick draws it again below that line. */
  clear(): void {
    if (this.drawn) this.write(ERASE);
    this.drawn = false;
  }

  /** The activity ended (or output is about to be printed): erase the line, stop the timer. */
  stop(): void {
    this.stopTicking?.();
    this.stopTicking = undefined;
    this.current = undefined;
    if (this.drawn) this.write(ERASE);
    this.drawn = false;
  }
}

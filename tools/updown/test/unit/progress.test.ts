/**
 * The terminal status line (cli/progress.ts) with an injected clock and TTY flag: shown only
 * after a file has run for a second, with its time and `n of N`, erased before the next line,
 * never when stdout is not a terminal or carries JSON.
 */
import type { Io, Printer } from '../../src/cli/output';
import { HumanPrinter } from '../../src/cli/printer-human';
import { JsonPrinter } from '../../src/cli/printer-json';
import { Progress, statusLine, type Clock } from '../../src/cli/progress';

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
const ERASE = '\r\u001b[K';

/** A clock that moves only when told, and a timer the test fires by hand. */
function fakeClock() {
  let now = 0;
  const timers = new Set<() => void>();
  const clock: Clock = {
    now: () => now,
    every: (_ms, tick) => {
      timers.add(tick);
      return () => timers.delete(tick);
    },
  };
  return {
    clock,
    /** Moves the clock and fires every live timer once. */
    advance(ms: number) {
      now += ms;
      for (const tick of [...timers]) tick();
    },
    live: () => timers.size,
  };
}

function terminal(isTTY = true) {
  const out: string[] = [];
  const io: Io = { stdout: (text) => void out.push(plain(text)), stderr: (text) => void out.push(`[stderr]${plain(text)}`), isTTY };
  return { io, out, text: () => out.join('') };
}

describe('Progress', () => {
  it('draws nothing for the first second, then the name, n of N and the time, redrawn in place', () => {
    const time = fakeClock();
    const out: string[] = [];
    const progress = new Progress((text) => out.push(plain(text)), time.clock);
    progress.start({ verb: 'migrating', name: '20240102000000-sleepsLong', index: 2, total: 40 });
    time.advance(400);
    time.advance(500);
    expect(out).toEqual([]);
    time.advance(300);
    expect(out).toEqual([`${ERASE}migrating 20240102000000-sleepsLong (2 of 40, 1.2 s)`]);
    time.advance(1_000);
    expect(out[1]).toBe(`${ERASE}migrating 20240102000000-sleepsLong (2 of 40, 2.2 s)`);
    progress.stop();
    expect(out[2]).toBe(ERASE);
    expect(time.live()).toBe(0);
  });

  it('a file that ends within the second leaves no trace, and stops its timer', () => {
    const time = fakeClock();
    const out: string[] = [];
    const progress = new Progress((text) => out.push(text), time.clock);
    progress.start({ verb: 'migrating', name: 'quick' });
    time.advance(999);
    progress.stop();
    expect(out).toEqual([]);
    expect(time.live()).toBe(0);
  });

  it('shows no `n of N` for a run of one file', () => {
    expect(plain(statusLine({ verb: 'reverting', name: 'x', index: 1, total: 1 }, 61_000))).toBe('reverting x (61.0 s)');
  });
});

describe('Printer on a terminal', () => {
  it('a long file: a status line while it runs, erased before its `migrated` line', () => {
    const time = fakeClock();
    const term = terminal();
    const printer = new HumanPrinter(term.io, time.clock);
    printer.started({ name: '20240101000000-a', direction: 'up', stream: 'migrations', index: 1, total: 2 });
    time.advance(1_500);
    printer.logger.warn('a retry'); // a line in between: the status line is erased first, drawn again after
    time.advance(500);
    printer.executed({ name: '20240101000000-a', direction: 'up', durationMs: 2_000 });
    expect(term.out).toEqual([
      `${ERASE}migrating 20240101000000-a (1 of 2, 1.5 s)`,
      ERASE,
      '[stderr]warning: a retry\n',
      `${ERASE}migrating 20240101000000-a (1 of 2, 2.0 s)`,
      ERASE,
      'migrated  20240101000000-a (2000 ms)\n',
    ]);
    expect(time.live()).toBe(0);
  });

  it('seeds and downs say so', () => {
    const time = fakeClock();
    const term = terminal();
    const printer = new HumanPrinter(term.io, time.clock);
    printer.started({ name: 's', direction: 'up', stream: 'seeds', index: 3, total: 5 });
    time.advance(1_000);
    printer.started({ name: 'm', direction: 'down', stream: 'migrations', index: 1, total: 1 });
    time.advance(1_000);
    printer.activity(undefined);
    expect(term.out).toEqual([`${ERASE}seeding   s (3 of 5, 1.0 s)`, ERASE, `${ERASE}reverting m (1.0 s)`, ERASE]);
  });

  it.each([
    ['stdout is not a terminal', terminal(false).io, false],
    ['--json', terminal(true).io, true],
  ])('shows nothing when %s', (_why, io, json) => {
    const time = fakeClock();
    const out: string[] = [];
    const target: Io = { ...io, stdout: (text: string) => void out.push(text) };
    const printer: Printer = json ? new JsonPrinter(target) : new HumanPrinter(target, time.clock);
    printer.started({ name: 'x', direction: 'up', stream: 'migrations', index: 1, total: 9 });
    time.advance(5_000);
    expect(out).toEqual([]);
    expect(time.live()).toBe(0);
  });
});

/**
 * updown against the floor and its test-database figures (medians, run-by-run ratios, issue 5's
 * targets), and the plain-text tables every section prints with.
 */
import { median } from './measure';
import type { Step } from './peers';
import type { RunFigures } from './scenario';

export interface Line {
  figure: string;
  /** Median milliseconds (or MB, or a plain ratio) of updown's side. */
  value: number;
  unit: 'ms' | 'MB' | '×';
  /** Median of the floor / comparison side, when there is one. */
  floor?: number;
  /** Median of the per-run ratios (value / floor, or floor / value for a speed-up). */
  ratio?: number;
  target?: string;
  met?: boolean;
  note?: string;
}

type Pick = (run: RunFigures) => number | undefined;

export function ratios(runs: RunFigures[], top: Pick, bottom: Pick): number {
  return median(runs.map((run) => (top(run) ?? NaN) / (bottom(run) ?? NaN)));
}

const med = (runs: RunFigures[], pick: Pick) => median(runs.map((run) => pick(run) ?? NaN));
const updown = (step: Step, what: 'ms' | 'rssMb' = 'ms'): Pick => (run) => run.tools.updown?.[what][step];
const floor = (step: Step): Pick => (run) => run.tools.floor?.ms[step];
const migrateNew = (run: RunFigures) => run.createEmpty + (run.tools.updown?.ms.up ?? NaN);

/** The lines for one N; targets apply to N = 300 (peak memory to the largest N). */
export function linesFor(n: number, runs: RunFigures[], withTargets: boolean, verifyNote: string): Line[] {
  const t = (text: string, met: (ratio: number) => boolean, ratio: number) =>
    withTargets && Number.isFinite(ratio) ? { target: text, met: met(ratio) } : {};
  const upRatio = ratios(runs, updown('up'), floor('up'));
  const downRatio = ratios(runs, updown('down'), floor('down'));
  const statusRatio = ratios(runs, updown('status'), floor('status'));
  const cold = ratios(runs, migrateNew, (r) => r.clone);
  const warm = ratios(runs, migrateNew, (r) => r.reset);
  const premade = ratios(runs, migrateNew, (r) => r.premade);
  const lines: Line[] = [
    { figure: `migrate up (${n})`, value: med(runs, updown('up')), unit: 'ms', floor: med(runs, floor('up')), ratio: upRatio, ...t('≤ 1.3× floor', (x) => x <= 1.3, upRatio) },
    { figure: 'migrate status (all applied)', value: med(runs, updown('status')), unit: 'ms', floor: med(runs, floor('status')), ratio: statusRatio, ...t('≤ 4× floor', (x) => x <= 4, statusRatio) },
    { figure: 'migrate down --all', value: med(runs, updown('down')), unit: 'ms', floor: med(runs, floor('down')), ratio: downRatio, ...t('≤ 1.5× floor', (x) => x <= 1.5, downRatio) },
  ];
  const verified = runs.filter((run) => run.verify !== undefined);
  if (verified.length) {
    const floorOf = (r: RunFigures) => 2 * (floor('up')(r) ?? NaN) + (floor('down')(r) ?? NaN);
    lines.push({
      figure: 'migrate verify --all',
      value: median(verified.map((r) => r.verify!)),
      unit: 'ms',
      floor: median(verified.map(floorOf)),
      ratio: ratios(verified, (r) => r.verify, floorOf),
      ...(withTargets ? { target: '≤ 30 s', met: median(verified.map((r) => r.verify!)) <= 30_000 } : {}),
      note: `${verified.length} run(s); floor: psql up + down + up, no schema comparison`,
    });
  } else {
    lines.push({ figure: 'migrate verify --all', value: NaN, unit: 'ms', note: verifyNote });
  }
  lines.push(
    { figure: 'new test db: CREATE DATABASE + migrate up', value: median(runs.map(migrateNew)), unit: 'ms', note: 'the baseline of the next three lines' },
    { figure: 'cold: CREATE DATABASE … TEMPLATE', value: med(runs, (r) => r.clone), unit: 'ms', ratio: cold, ...t('≥ 3× faster', (x) => x >= 3, cold), note: 'ratio = speed-up over migrating' },
    { figure: 'warm: resetDatabase() (connect, empty every table)', value: med(runs, (r) => r.reset), unit: 'ms', ratio: warm, ...t('≥ 20× faster', (x) => x >= 20, warm), note: 'ratio = speed-up over migrating' },
    { figure: 'warm: connect to a pre-made clone', value: med(runs, (r) => r.premade), unit: 'ms', ratio: premade, ...t('≥ 20× faster', (x) => x >= 20, premade), note: 'reads the tracking rows (fingerprint)' },
    { figure: 'peak memory, migrate up', value: Math.max(...runs.map((r) => updown('up', 'rssMb')(r) ?? NaN)), unit: 'MB', note: `max RSS over runs (status ${fmt(med(runs, updown('status', 'rssMb')))} MB, down ${fmt(med(runs, updown('down', 'rssMb')))} MB)` },
  );
  return lines;
}

export function fmt(value: number | undefined, digits = 0): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

function cell(line: Line): string[] {
  const verdict = line.met === undefined ? '' : line.met ? 'target met' : 'target MISSED';
  return [
    line.figure,
    line.unit === '×' ? `${fmt(line.value, 2)}×` : `${fmt(line.value)} ${line.unit}`,
    line.floor === undefined ? '' : `${fmt(line.floor)} ms`,
    line.ratio === undefined ? '' : `${fmt(line.ratio, 2)}×`,
    line.target ? `${line.target}: ${verdict}` : '',
    line.note ?? '',
  ];
}

/** The lines as a table. */
export function table(lines: Line[]): string {
  return grid(['figure', 'updown (median)', 'floor (median)', 'ratio (median of runs)', 'target', 'note'], lines.map(cell));
}

/** A plain-text table (also valid Markdown). */
export function grid(header: string[], body: string[][]): string {
  const rows = [header, ...body];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  const render = (row: string[]) => `| ${row.map((text, col) => text.padEnd(widths[col])).join(' | ')} |`;
  return [render(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(render)].join('\n');
}

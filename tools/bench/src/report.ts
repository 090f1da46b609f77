/**
 * Medians, run-by-run ratios, the targets, and the printed table.
 */
import { median } from './measure';
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

type Key = keyof RunFigures;

function ratios(runs: RunFigures[], top: (run: RunFigures) => number | undefined, bottom: (run: RunFigures) => number | undefined): number {
  return median(runs.map((run) => (top(run) ?? NaN) / (bottom(run) ?? NaN)));
}

const med = (runs: RunFigures[], key: Key) => median(runs.map((run) => (run[key] as number | undefined) ?? NaN));
const migrateNew = (run: RunFigures) => run.createEmpty + run.up;

/** The lines for one N; targets apply to N = 300 (peak memory to the largest N). */
export function linesFor(n: number, runs: RunFigures[], withTargets: boolean, verifyNote: string): Line[] {
  const t = (text: string, met: (ratio: number) => boolean, ratio: number) =>
    withTargets && Number.isFinite(ratio) ? { target: text, met: met(ratio) } : {};
  const upRatio = ratios(runs, (r) => r.up, (r) => r.floorUp);
  const downRatio = ratios(runs, (r) => r.down, (r) => r.floorDown);
  const statusRatio = ratios(runs, (r) => r.status, (r) => r.floorStatus);
  const cold = ratios(runs, migrateNew, (r) => r.clone);
  const warm = ratios(runs, migrateNew, (r) => r.reset);
  const premade = ratios(runs, migrateNew, (r) => r.premade);
  const lines: Line[] = [
    { figure: `migrate up (${n})`, value: med(runs, 'up'), unit: 'ms', floor: med(runs, 'floorUp'), ratio: upRatio, ...t('≤ 1.3× floor', (x) => x <= 1.3, upRatio) },
    { figure: 'migrate status (all applied)', value: med(runs, 'status'), unit: 'ms', floor: med(runs, 'floorStatus'), ratio: statusRatio, ...t('≤ 4× floor', (x) => x <= 4, statusRatio) },
    { figure: 'migrate down --all', value: med(runs, 'down'), unit: 'ms', floor: med(runs, 'floorDown'), ratio: downRatio, ...t('≤ 1.5× floor', (x) => x <= 1.5, downRatio) },
  ];
  const verified = runs.filter((run) => run.verify !== undefined);
  if (verified.length) {
    const floorOf = (r: RunFigures) => 2 * (r.floorUp ?? NaN) + (r.floorDown ?? NaN);
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
    { figure: 'cold: CREATE DATABASE … TEMPLATE', value: med(runs, 'clone'), unit: 'ms', ratio: cold, ...t('≥ 3× faster', (x) => x >= 3, cold), note: 'ratio = speed-up over migrating' },
    { figure: 'warm: resetDatabase() (connect, empty every table)', value: med(runs, 'reset'), unit: 'ms', ratio: warm, ...t('≥ 20× faster', (x) => x >= 20, warm), note: 'ratio = speed-up over migrating' },
    { figure: 'warm: connect to a pre-made clone', value: med(runs, 'premade'), unit: 'ms', ratio: premade, ...t('≥ 20× faster', (x) => x >= 20, premade), note: 'reads the tracking rows (fingerprint)' },
    { figure: 'peak memory, migrate up', value: Math.max(...runs.map((r) => r.upRssMb ?? NaN)), unit: 'MB', note: `max RSS over runs (status ${fmt(med(runs, 'statusRssMb'))} MB, down ${fmt(med(runs, 'downRssMb'))} MB)` },
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

/** A plain-text table (also valid Markdown). */
export function table(lines: Line[]): string {
  const rows = [['figure', 'updown (median)', 'floor (median)', 'ratio (median of runs)', 'target', 'note'], ...lines.map(cell)];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  const render = (row: string[]) => `| ${row.map((text, col) => text.padEnd(widths[col])).join(' | ')} |`;
  return [render(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(render)].join('\n');
}

/**
 * The tools side by side (issue 9): for one N, each tool's ratios to the psql floor of its kind,
 * computed run by run and then their median, and the medians in milliseconds. A tool whose pass
 * failed in any run shows FAILED and why, never a figure.
 */
import { median } from './measure';
import type { Step, Tool } from './peers';
import { fmt, grid } from './report';
import type { RunFigures } from './scenario';

export interface ToolSummary {
  key: string;
  label: string;
  commits: Tool['commits'];
  floor: boolean;
  /** The failures, one per failed run ("run 2: after up, …"). */
  failures: string[];
  /** Median ms per step. */
  ms: Partial<Record<Step, number>>;
  /** Median of the run-by-run ratios to the per-file floor (`floor`), per step. */
  ratio: Partial<Record<Step, number>>;
  /** The same against `psql --single-transaction` (`floor-single`). */
  ratioSingle: Partial<Record<Step, number>>;
  /** Largest max RSS over every step and run, MB. */
  peakMb: number;
  /** Runs the tool took part in (fewer than the N's runs for a tool with `largeRuns`). */
  runs: number;
}

const STEPS_SHOWN: Step[] = ['up', 'status', 'upAgain', 'down'];

function ratioTo(runs: RunFigures[], key: string, floorKey: string, step: Step): number {
  return median(runs.map((run) => (run.tools[key]?.ms[step] ?? NaN) / (run.tools[floorKey]?.ms[step] ?? NaN)));
}

export function summarize(tools: Tool[], runs: RunFigures[]): ToolSummary[] {
  return tools.map((tool) => {
    const passes = runs.map((run) => run.tools[tool.key]).filter((pass) => pass !== undefined);
    const each = (f: (step: Step) => number) => Object.fromEntries(STEPS_SHOWN.map((s) => [s, f(s)])) as Record<Step, number>;
    return {
      key: tool.key,
      label: tool.label,
      commits: tool.commits,
      floor: tool.floor === true,
      failures: passes.flatMap((pass, r) => (pass?.failed ? [`run ${r + 1}: ${pass.failed}`] : [])),
      ms: each((step) => median(passes.map((pass) => pass?.ms[step] ?? NaN))),
      ratio: each((step) => ratioTo(runs, tool.key, 'floor', step)),
      ratioSingle: each((step) => ratioTo(runs, tool.key, 'floor-single', step)),
      runs: passes.length,
      peakMb: Math.max(...passes.flatMap((pass) => Object.values(pass?.rssMb ?? {}).map((mb) => mb ?? NaN)).filter(Number.isFinite)),
    };
  });
}

const x = (ratio: number | undefined) => (ratio === undefined || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(2)}×`);
const bold = (s: ToolSummary, text: string) => (s.key.startsWith('updown') ? `**${text}**` : text);
/** The tool's name, with its run count when it ran in fewer runs than the others. */
const name = (s: ToolSummary, all: ToolSummary[]) => {
  const most = Math.max(...all.map((t) => t.runs));
  return bold(s, s.runs < most ? `${s.label} (${s.runs} run${s.runs === 1 ? '' : 's'})` : s.label);
};
const failedRow = (s: ToolSummary, width: number) => [bold(s, s.label), ...Array<string>(width).fill('FAILED')];

/** Default modes, against the per-file floor: the table, fastest `up` first. */
export function defaultTable(summaries: ToolSummary[]): string {
  const rows = summaries.filter((s) => !s.floor && s.key !== 'updown-single').sort((a, b) => (a.ratio.up ?? Infinity) - (b.ratio.up ?? Infinity));
  return grid(
    ['tool', 'up', 'down --all', 'status', 'commits'],
    rows.map((s) =>
      s.failures.length
        ? [...failedRow(s, 3), s.commits]
        : [name(s, summaries), bold(s, x(s.ratio.up)), bold(s, x(s.ratio.down)), bold(s, x(s.ratio.status)), s.commits === 'batch' ? 'once per batch' : 'per file'],
    ),
  );
}

/** Everything in one transaction, against `psql --single-transaction`. */
export function singleTable(summaries: ToolSummary[]): string {
  const rows = summaries.filter((s) => !s.floor && s.commits === 'batch');
  return grid(
    ['tool (one transaction)', 'up', 'down --all'],
    rows.map((s) => (s.failures.length ? failedRow(s, 2) : [name(s, summaries), bold(s, x(s.ratioSingle.up)), bold(s, x(s.ratioSingle.down))])),
  );
}

/** Medians in milliseconds, floors included, and peak memory. */
export function millisecondsTable(summaries: ToolSummary[]): string {
  const ms = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '—' : fmt(value));
  return grid(
    ['tool', 'up ms', 'status ms', 'up, nothing pending ms', 'down --all ms', 'peak MB'],
    summaries.map((s) => [name(s, summaries), ms(s.ms.up), ms(s.ms.status), ms(s.ms.upAgain), ms(s.ms.down), fmt(s.peakMb)]),
  );
}

/** The failures, loudly (empty when every pass did the whole workload). */
export function failureLines(n: number, summaries: ToolSummary[]): string[] {
  return summaries.flatMap((s) => s.failures.map((f) => `FAILED at N=${n}: ${s.label}, ${f}`));
}

/**
 * Issue 9's targets for updown, each with what was measured and whether it is met: fixed cost
 * (whole processes above `node -e 0` in the same run), per-file cost (slope between two N, minus
 * the floor's), whole runs against every peer, the goal beyond against the floor, memory and growth.
 * A benchmark, not a test: a missed target is printed, never fails the bench.
 */
import type { FixedKey } from './fixed-cost';
import { median } from './measure';
import type { Step } from './peers';
import { grid } from './report';
import type { ToolSummary } from './report-peers';
import type { RunFigures } from './scenario';

export interface Verdict {
  target: string;
  measured: string;
  met?: boolean;
}

export interface PerN {
  n: number;
  runs: RunFigures[];
  summaries: ToolSummary[];
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : '—');
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');
const judged = (target: string, measured: string, value: number, ok: (v: number) => boolean): Verdict => ({
  target,
  measured,
  met: Number.isFinite(value) ? ok(value) : undefined,
});

/** Median over runs of updown's step ÷ the peer's step, in the same run. */
function versus(runs: RunFigures[], peer: string, step: Step, ourKey = 'updown'): number {
  return median(runs.map((run) => (run.tools[ourKey]?.ms[step] ?? NaN) / (run.tools[peer]?.ms[step] ?? NaN)));
}

function fixedCost(all: RunFigures[]): Verdict[] {
  const above = (key: FixedKey) => median(all.map((run) => run.fixed[key] - run.fixed.node));
  const minus = (a: FixedKey, b: FixedKey) => median(all.map((run) => run.fixed[a] - run.fixed[b]));
  const node = median(all.map((run) => run.fixed.node));
  const version = above('updownVersion');
  const status = above('backendStatus');
  const upAgain = above('backendUpAgain');
  const vsKnex = minus('updownVersion', 'knexVersion');
  const vsNpm = minus('updownVersion', 'nodePgMigrateVersion');
  return [
    judged('`updown --version` ≤ 60 ms above `node -e 0`', `+${ms(version)} (node -e 0: ${ms(node)}; ${all.length} runs)`, version, (v) => v <= 60),
    judged('`updown --version` below `knex --version` and `node-pg-migrate --version`', `${ms(vsKnex)} vs knex, ${ms(vsNpm)} vs node-pg-migrate`, Math.max(vsKnex, vsNpm), (v) => v < 0),
    judged('`migrate status`, sample backend, ≤ 140 ms above node', `+${ms(status)}`, status, (v) => v <= 140),
    judged('`migrate up`, nothing pending, sample backend, ≤ 200 ms above node', `+${ms(upAgain)}`, upAgain, (v) => v <= 200),
  ];
}

/** Fixed-cost comparisons with knex and node-pg-migrate on the generated workload (their status and up-again). */
function fixedVersusPeers(at: PerN): Verdict[] {
  return (['status', 'upAgain'] as const).map((step) => {
    const knex = versus(at.runs, 'knex', step);
    const npm = versus(at.runs, 'node-pg-migrate', step);
    const what = step === 'status' ? '`migrate status`' : '`migrate up`, nothing pending,';
    return judged(`${what} below knex's and node-pg-migrate's (N=${at.n})`, `${times(knex)} knex's, ${times(npm)} node-pg-migrate's`, Math.max(knex, npm), (v) => v < 1);
  });
}

/** `ourKey` (updown by default) against each peer, run by run: the list as printed, and the worst ratio. */
function againstPeers(at: PerN, peers: ToolSummary[], step: Step, ourKey = 'updown'): { list: string; worst: number } {
  const ratios = peers.map((p) => versus(at.runs, p.key, step, ourKey));
  return { list: peers.map((p, i) => `${times(ratios[i])} ${p.key}'s`).join(', '), worst: Math.max(...ratios) };
}

const stepLabel = (step: Step) => (step === 'down' ? 'down --all' : step);

function wholeRuns(at: PerN): Verdict[] {
  const peers = at.summaries.filter((s) => !s.floor && !s.key.startsWith('updown'));
  const perFile = peers.filter((p) => p.commits === 'per-file');
  const batch = peers.filter((p) => p.commits === 'batch');
  const status = againstPeers(at, peers, 'status');
  const out: Verdict[] = [judged(`N=${at.n} status below every peer`, status.list, status.worst, (v) => v < 1)];
  for (const step of ['up', 'down'] as const) {
    const againstPerFile = againstPeers(at, perFile, step);
    const againstBatch = againstPeers(at, batch, step);
    out.push(judged(`N=${at.n} ${stepLabel(step)} below the per-file peers`, againstPerFile.list, againstPerFile.worst, (v) => v < 1));
    out.push(judged(`N=${at.n} ${stepLabel(step)} within 10 % of the batch peers`, againstBatch.list, againstBatch.worst, (v) => v <= 1.1));
  }
  // --single-transaction against the peers that work in one transaction (knex and node-pg-migrate by default).
  if (at.summaries.some((s) => s.key === 'updown-single')) {
    for (const step of ['up', 'down'] as const) {
      const single = againstPeers(at, batch, step, 'updown-single');
      out.push(judged(`N=${at.n} --single-transaction ${stepLabel(step)} below the batch peers`, single.list, single.worst, (v) => v < 1));
    }
  }
  const updown = at.summaries.find((s) => s.key === 'updown');
  for (const [step, goal] of [['up', 1.3], ['down', 1.5], ['status', 4]] as const) {
    const ratio = updown?.ratio[step] ?? NaN;
    const gap = ratio - goal;
    out.push(judged(`N=${at.n} goal beyond: ${stepLabel(step)} ≤ ${goal}× the floor`, `${times(ratio)}${gap > 0 ? ` (${gap.toFixed(2)}× over)` : ''}`, ratio, (v) => v <= goal));
  }
  return out;
}

function growth(small: PerN, large: PerN): Verdict[] {
  const med = (at: PerN, key: string) => median(at.runs.map((run) => run.tools[key]?.ms.up ?? NaN));
  // updown's up minus the floor's in the same run: the server's and the disk's drift between runs cancels out.
  const aboveFloor = (at: PerN) => median(at.runs.map((run) => (run.tools.updown?.ms.up ?? NaN) - (run.tools.floor?.ms.up ?? NaN)));
  const span = large.n - small.n;
  const excess = (aboveFloor(large) - aboveFloor(small)) / span;
  const slope = (med(large, 'updown') - med(small, 'updown')) / span;
  const floorSlope = (med(large, 'floor') - med(small, 'floor')) / span;
  const ratio = med(large, 'updown') / med(small, 'updown');
  const peak = large.summaries.find((s) => s.key === 'updown')?.peakMb ?? NaN;
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${ms(value)}`;
  return [
    judged(
      `per-file cost: up's slope N=${small.n}→${large.n} minus the floor's ≤ 1 ms`,
      `${excess.toFixed(2)} ms/file (up − floor, run by run: ${signed(aboveFloor(small))} at N=${small.n}, ${signed(aboveFloor(large))} at N=${large.n}; ` +
        `slopes of the medians: updown ${slope.toFixed(2)}, floor ${floorSlope.toFixed(2)}, difference ${(slope - floorSlope).toFixed(2)})`,
      excess,
      (v) => v <= 1,
    ),
    judged(`peak memory at N=${large.n} ≤ 150 MB (updown, any step)`, `${peak.toFixed(0)} MB`, peak, (v) => v <= 150),
    judged(`up at N=${large.n} within 3.6× of N=${small.n} (linear: ${(large.n / small.n).toFixed(2)}×)`, times(ratio), ratio, (v) => v <= 3.6),
  ];
}

export function targets(perN: PerN[]): Verdict[] {
  const sorted = [...perN].sort((a, b) => a.n - b.n);
  const out = [...fixedCost(sorted.flatMap((at) => at.runs)), ...fixedVersusPeers(sorted[0])];
  for (const at of sorted) out.push(...wholeRuns(at));
  if (sorted.length > 1) out.push(...growth(sorted[0], sorted[sorted.length - 1]));
  return out;
}

export function targetsTable(verdicts: Verdict[]): string {
  return grid(['target (issue 9)', 'measured (medians of runs)', 'verdict'], verdicts.map((v) => [v.target, v.measured, v.met === undefined ? '—' : v.met ? 'met' : 'MISSED']));
}

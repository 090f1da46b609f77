/**
 * The "Tenant fan-out" section (issue 12): one row per tenant count (fan-out up, time per
 * tenant-migration, peak memory of the process tree, status, the shell loop scaled to that count),
 * the targets with "met" / "MISSED", and the lines that make the bench exit 1 when a run did less.
 */
import { median } from './measure';
import { fmt, grid } from './report';
import type { Verdict } from './targets';
import { TENANT_MIGRATIONS, TENANT_PATTERN, type FanOutRun, type TenantFigures } from './tenants';

/** Issue 12's targets. */
const SPEED_UP = 10;
const PEAK_MB = 300;
const STATUS_MS = 5_000;
/** Growth between two tenant counts may exceed linear by this much (the peers' 3.6× for 3.33× is 8 %). */
const LINEAR_MARGIN = 0.1;

export interface TenantSummary {
  tenants: number;
  upMs?: number;
  concurrency?: number;
  /** Fan-out wall time ÷ (tenants × migrations). */
  perTenantMigrationMs?: number;
  treeRssMb?: number;
  maxRssMb?: number;
  statusMs?: number;
  /** The loop's processes, their total scaled to this count. */
  loopScaledMs?: number;
  /** loopScaledMs ÷ upMs. */
  speedUp?: number;
  failed?: string;
}

/** The loop's total for `tenants` processes: its timed sample's total × tenants ÷ sample size. */
function loopScaled(figures: TenantFigures, tenants: number): number | undefined {
  const loop = figures.loop;
  if (!loop || loop.failed || !loop.ms.length) return undefined;
  return (loop.ms.reduce((sum, ms) => sum + ms, 0) / loop.ms.length) * tenants;
}

export function summarizeTenants(figures: TenantFigures): TenantSummary[] {
  return figures.counts.map((run: FanOutRun) => {
    const scaled = loopScaled(figures, run.tenants);
    const upMs = run.up?.ms;
    return {
      tenants: run.tenants,
      upMs,
      concurrency: run.concurrency,
      perTenantMigrationMs: upMs === undefined ? undefined : upMs / (run.tenants * TENANT_MIGRATIONS),
      treeRssMb: run.up?.treeRssMb,
      maxRssMb: run.up?.maxRssMb,
      statusMs: run.status?.ms,
      loopScaledMs: scaled,
      speedUp: scaled !== undefined && upMs !== undefined ? scaled / upMs : undefined,
      failed: run.failed,
    };
  });
}

const judged = (target: string, measured: string, value: number | undefined, ok: (v: number) => boolean): Verdict => ({
  target,
  measured,
  met: value !== undefined && Number.isFinite(value) ? ok(value) : undefined,
});

/**
 * The targets, judged at the largest tenant count measured (issue 12 states them for 1,000); a failed
 * run there is judged nowhere else (its verdicts stay "—", the failure makes the bench exit 1).
 */
export function tenantTargets(summaries: TenantSummary[]): Verdict[] {
  if (!summaries.length) return [];
  const large = summaries[summaries.length - 1];
  const small = summaries[0];
  const at = `${large.tenants} tenants`;
  if (large.failed) return [{ target: `issue 12's targets (${at})`, measured: 'the run FAILED (below)' }];
  const out = [
    judged(`fan-out ≥ ${SPEED_UP}× faster than the shell loop (${at})`, large.speedUp === undefined ? 'no loop timed' : `${fmt(large.speedUp, 1)}× (${fmt(large.upMs)} ms against ${fmt(large.loopScaledMs)} ms scaled)`, large.speedUp, (v) => v >= SPEED_UP),
    judged(`peak memory of the fan-out process tree ≤ ${PEAK_MB} MB (${at})`, `${fmt(large.treeRssMb)} MB (largest process ${fmt(large.maxRssMb)} MB)`, large.treeRssMb, (v) => v <= PEAK_MB),
    judged(`\`migrate status --schemas\` ≤ ${STATUS_MS / 1000} s (${at})`, `${fmt(large.statusMs)} ms`, large.statusMs, (v) => v <= STATUS_MS),
  ];
  if (large !== small && !small.failed && large.upMs !== undefined && small.upMs !== undefined) {
    const linear = large.tenants / small.tenants;
    const ratio = large.upMs / small.upMs;
    const limit = linear * (1 + LINEAR_MARGIN);
    out.push(judged(`fan-out up at ${large.tenants} within ${fmt(limit, 1)}× of ${small.tenants} tenants (linear: ${fmt(linear, 1)}×)`, `${fmt(ratio, 2)}×`, ratio, (v) => v <= limit));
  }
  return out;
}

/** The failures that make the bench exit 1 (a run that did less than the workload, or a non-zero exit). */
export function tenantFailures(figures: TenantFigures): string[] {
  const out = figures.counts.filter((run) => run.failed).map((run) => `tenant fan-out FAILED at ${run.tenants} tenants: ${run.failed}`);
  if (figures.loop?.failed) out.push(`tenant shell loop FAILED: ${figures.loop.failed}`);
  return out;
}

export function tenantsText(figures: TenantFigures): string {
  const summaries = summarizeTenants(figures);
  const loop = figures.loop;
  const lines: string[] = [];
  if (loop) {
    lines.push(
      loop.failed
        ? `Shell loop: FAILED: ${loop.failed}`
        : `Shell loop: ${loop.ms.length} processes of \`updown migrate up --schema tenant_i\`, one after the other: median ${fmt(median(loop.ms))} ms each ` +
            `(${fmt(median(loop.ms) / TENANT_MIGRATIONS, 1)} ms per tenant-migration), largest max RSS ${fmt(loop.maxRssMb)} MB; its mean is scaled to each count below.`,
    );
  }
  if (!figures.fanOut) {
    lines.push('Fan-out: skipped, `updown migrate up --help` does not show --schemas (the engine has no fan-out yet).');
    return lines.join('\n');
  }
  const rows = summaries.map((s) =>
    s.failed
      ? [String(s.tenants), 'FAILED', '', '', '', '', '', '']
      : [
          String(s.tenants),
          `${fmt(s.upMs)} ms`,
          fmt(s.concurrency),
          `${fmt(s.perTenantMigrationMs, 2)} ms`,
          `${fmt(s.treeRssMb)} MB`,
          `${fmt(s.statusMs)} ms`,
          s.loopScaledMs === undefined ? '—' : `${fmt(s.loopScaledMs)} ms`,
          s.speedUp === undefined ? '—' : `${fmt(s.speedUp, 1)}×`,
        ],
  );
  lines.push(
    '',
    grid([`tenants (× ${TENANT_MIGRATIONS} migrations)`, `up --schemas '${TENANT_PATTERN}'`, 'at a time', 'per tenant-migration', 'peak RSS, process tree', 'status --schemas', 'shell loop, scaled', 'fan-out speed-up'], rows),
  );
  const verdicts = tenantTargets(summaries);
  if (verdicts.length) {
    lines.push('', grid(['target (issue 12)', 'measured (one run per count)', 'verdict'], verdicts.map((v) => [v.target, v.measured, v.met === undefined ? '—' : v.met ? 'met' : 'MISSED'])));
  }
  lines.push(...tenantFailures(figures).map((line) => `\n${line}`));
  return lines.join('\n');
}

/** The section's JSON: the raw runs, the summaries and the verdicts. */
export function tenantsJson(figures: TenantFigures): unknown {
  const summaries = summarizeTenants(figures);
  return { ...figures, summaries, targets: tenantTargets(summaries) };
}

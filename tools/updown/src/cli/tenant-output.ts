/**
 * What a run over many tenants prints. Two printers behind one interface: people get a progress
 * bar on a terminal (cli-progress) or one line per tenant in a log, then a summary (what was
 * applied, failures grouped by error with the tenants they hit, the command that reruns only
 * those); `--json` gets one document. A warning every tenant would repeat is printed once.
 */
import type { MultiBar, SingleBar } from 'cli-progress';
import pc from 'picocolors';
import type { FanoutResult, TenantOutcome, TenantState } from '../tenants/types';
import type { Logger } from '../types';
import { errorJson, ms, summarise, type Io } from './output';

export interface TenantPrinter {
  /** The logger a tenant's run writes to: notes dropped, warnings once per distinct text. */
  logger(schema: string): Logger;
  selected(schemas: string[], concurrency: number): void;
  tenantStart(schema: string): void;
  tenantEnd(outcome: TenantOutcome): void;
  result(result: FanoutResult, rerun: string | undefined): void;
}

const LABELS: Record<TenantState, string> = {
  done: 'done',
  failed: 'failed',
  refused: 'refused',
  'skipped-locked': 'skipped (lock held)',
  interrupted: 'interrupted',
  'not-started': 'not started',
};

const PAINT: Record<TenantState, (text: string) => string> = {
  done: pc.green,
  failed: pc.red,
  refused: pc.red,
  'skipped-locked': pc.yellow,
  interrupted: pc.yellow,
  'not-started': pc.dim,
};

/** `text` with the tenant's name, where it stands as a name (not inside a longer word), written `<tenant>`. */
function withoutTenant(text: string, schema: string): string {
  const name = schema.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`(?<![\\w$])${name}(?![\\w$])`, 'g'), '<tenant>');
}

/** An error's text with the tenant's own name taken out, so the same failure on many tenants is one group. */
function errorKey(outcome: TenantOutcome): string {
  if (outcome.state === 'skipped-locked') return 'another runner held its migration lock past --lock-timeout';
  return withoutTenant((outcome.error?.message ?? LABELS[outcome.state]).split('\n')[0]!, outcome.schema);
}

/** Warnings keyed by their text without the tenant: the first is printed, the rest counted. */
class Warnings {
  private readonly seen = new Map<string, number>();

  constructor(private readonly print: (schema: string, message: string) => void) {}

  logger(schema: string): Logger {
    return {
      info: () => undefined,
      warn: (message) => {
        const key = withoutTenant(message, schema);
        const count = this.seen.get(key) ?? 0;
        this.seen.set(key, count + 1);
        if (count === 0) this.print(schema, message);
      },
    };
  }

  /** How many warnings were not printed because another tenant had already said the same. */
  repeats(): number {
    return [...this.seen.values()].reduce((sum, count) => sum + count - 1, 0);
  }
}

function names(schemas: string[], max = 20): string {
  return schemas.length <= max ? schemas.join(', ') : `${schemas.slice(0, max).join(', ')} … and ${schemas.length - max} more`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The closing lines: counts by state, what was applied, failures by error, the rerun command. */
export function summaryLines(result: FanoutResult, rerun: string | undefined, repeatedWarnings: number): string[] {
  const count = (state: TenantState) => result.tenants.filter((tenant) => tenant.state === state).length;
  const states = (Object.keys(LABELS) as TenantState[]).filter((state) => count(state) > 0).map((state) => PAINT[state](`${count(state)} ${LABELS[state]}`));
  const lines = [`${plural(result.tenants.length, 'tenant')}, ${result.concurrency} at a time, ${ms(result.durationMs)}: ${states.join(', ')}`];
  const applied = new Map<string, number>();
  // What was applied, by tenant; a tenant that failed before applying anything is in the failures below.
  for (const tenant of result.tenants.filter((t) => t.state === 'done' || t.executed.length > 0)) {
    const what = tenant.executed.length ? summarise(tenant.executed) : 'nothing to do';
    applied.set(what, (applied.get(what) ?? 0) + 1);
  }
  for (const [what, tenants] of applied) lines.push(`  ${what}: ${plural(tenants, 'tenant')}`);
  const groups = new Map<string, TenantOutcome[]>();
  for (const tenant of result.tenants.filter((t) => t.state !== 'done' && t.state !== 'not-started')) {
    const key = `${LABELS[tenant.state]}\0${errorKey(tenant)}`;
    groups.set(key, [...(groups.get(key) ?? []), tenant]);
  }
  for (const [key, tenants] of groups) {
    const [label, error] = key.split('\0') as [string, string];
    lines.push(`${PAINT[tenants[0]!.state](`${label} on ${plural(tenants.length, 'tenant')}`)}: ${error}`, `  ${names(tenants.map((t) => t.schema))}`);
  }
  if (repeatedWarnings > 0) lines.push(pc.dim(`(${plural(repeatedWarnings, 'warning')} repeated by other tenants not shown: each was printed once, above)`));
  if (rerun) lines.push(`rerun only the tenants that did not finish:\n  ${rerun}`);
  return lines;
}

function outcomeLine(outcome: TenantOutcome, width: number): string {
  const what = outcome.state === 'done' ? (outcome.executed.length ? summarise(outcome.executed) : 'nothing to do') : errorKey(outcome);
  return `${outcome.schema.padEnd(width)}  ${PAINT[outcome.state](LABELS[outcome.state].padEnd(11))} ${what} ${pc.dim(`(${ms(outcome.durationMs)})`)}`;
}

/** For people: a bar on a terminal (failures printed above it as they happen), else a line per tenant. */
class HumanTenantPrinter implements TenantPrinter {
  private readonly warnings = new Warnings((schema, message) => this.line(`${pc.yellow('warning:')} [${schema}] ${message}`, 'stderr'));
  private multi: MultiBar | undefined;
  private bar: SingleBar | undefined;
  private width = 0;
  private started = 0;
  private ended = 0;
  private failed = 0;

  constructor(private readonly io: Io) {}

  private line(text: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    if (this.multi) this.multi.log(`${text}\n`);
    else this.io[stream](`${text}\n`);
  }

  logger = (schema: string): Logger => this.warnings.logger(schema);

  selected = (schemas: string[], concurrency: number): void => {
    this.width = Math.min(40, Math.max(...schemas.map((schema) => schema.length)));
    this.started = Date.now();
    if (!this.io.isTTY) {
      this.io.stdout(`${plural(schemas.length, 'tenant')}, ${concurrency} at a time\n`);
      return;
    }
    const io = this.io;
    const stream = { isTTY: true, columns: process.stdout.columns || 80, write: (text: string) => (io.stdout(text), true) };
    // Loaded for a terminal only: a log or --json never draws a bar.
    const { MultiBar: Bars } = require('cli-progress') as typeof import('cli-progress'); // eslint-disable-line @typescript-eslint/no-require-imports
    this.multi = new Bars({
      stream: stream as unknown as NodeJS.WritableStream,
      format: `{bar} {value}/{total} tenants | {failed} failed | {left} left | {duration_formatted} | {rate}/s | ETA {eta_formatted}`,
      barsize: 16,
      hideCursor: true,
      // The bar's last state (done, failed, elapsed) stays above the summary.
      clearOnComplete: false,
      etaBuffer: 50,
    });
    this.bar = this.multi.create(schemas.length, 0, { failed: 0, left: schemas.length, rate: '0.0' });
  };

  tenantStart = (): void => undefined;

  tenantEnd = (outcome: TenantOutcome): void => {
    this.ended++;
    if (outcome.state !== 'done') this.failed++;
    if (this.bar) {
      if (outcome.state !== 'done') this.line(outcomeLine(outcome, this.width));
      const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
      this.bar.update(this.ended, { failed: this.failed, left: this.bar.getTotal() - this.ended, rate: (this.ended / seconds).toFixed(1) });
      return;
    }
    this.io.stdout(`${outcomeLine(outcome, this.width)}\n`);
  };

  result = (result: FanoutResult, rerun: string | undefined): void => {
    // A line logged since the last redraw is only written by a redraw: one more before the bar stops.
    this.multi?.update();
    this.multi?.stop();
    this.multi = undefined;
    for (const line of summaryLines(result, rerun, this.warnings.repeats())) this.io.stdout(`${line}\n`);
  };
}

/** `--json`: one document on stdout at the end; warnings on stderr, once each. */
class JsonTenantPrinter implements TenantPrinter {
  private readonly warnings = new Warnings((schema, message) => this.base.warn(`[${schema}] ${message}`));

  constructor(
    private readonly io: Io,
    private readonly base: Logger,
  ) {}

  logger = (schema: string): Logger => this.warnings.logger(schema);
  selected = (): void => undefined;
  tenantStart = (): void => undefined;
  tenantEnd = (): void => undefined;

  result = (result: FanoutResult, rerun: string | undefined): void => {
    const counts: Partial<Record<TenantState, number>> = {};
    for (const tenant of result.tenants) counts[tenant.state] = (counts[tenant.state] ?? 0) + 1;
    const doc = {
      ok: result.success,
      tenants: result.tenants.map(({ schema, state, executed, durationMs, error }) => ({
        schema,
        state,
        executed: executed.map(({ name, direction, durationMs: took, stream }) => ({ name, direction, durationMs: took, stream })),
        durationMs,
        ...(error ? { error: errorJson(error) } : {}),
      })),
      counts,
      concurrency: result.concurrency,
      durationMs: result.durationMs,
      ...(result.interrupted ? { interrupted: result.interrupted } : {}),
      ...(rerun ? { rerun } : {}),
    };
    this.io.stdout(`${JSON.stringify(doc)}\n`);
  };
}

export function tenantPrinter(io: Io, json: boolean, logger: Logger): TenantPrinter {
  return json ? new JsonTenantPrinter(io, logger) : new HumanTenantPrinter(io);
}

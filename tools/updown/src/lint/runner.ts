/**
 * `updown migrate lint`: runs each file in range on a scratch database made like verify's (a copy
 * of the target, or an empty one for --all), never on the target, observing every statement
 * (collector.ts); a `transaction = false` file runs for real there, so CONCURRENTLY files are
 * linted too. The target is only read: its files, its version, its tables' sizes.
 */
import { up } from '../api';
import { databaseName } from '../database';
import { MigrationFailedError, pgDetails, ScratchUnavailableError } from '../errors';
import { importModule } from '../loader';
import { checkHistory } from '../plan';
import type { RunOptions } from '../types';
import { engineOptions } from '../verify/migrations';
import { planVerify, type RangeOptions } from '../verify/range';
import { scratchRunOptions, withScratch, type ScratchInfo } from '../verify/scratch';
import { Collector } from './collector';
import { loadParser } from './parse';
import { readTarget } from './target';
import type { LintResult } from './types';

export interface LintOptions extends RunOptions, RangeOptions {
  /** Called once the scratch database is ready, saying how it was made. */
  onScratch?: (scratch: ScratchInfo) => void;
  /** Keep every statement each file sent in the result (LintedFile.sql). */
  keepSql?: boolean;
}

/** PostgreSQL's "permission denied to create database". */
const INSUFFICIENT_PRIVILEGE = '42501';

function noScratch(options: RunOptions, error: unknown): ScratchUnavailableError {
  const role = decodeURIComponent(new URL(options.url).username) || 'the role';
  return new ScratchUnavailableError(
    `cannot make a scratch database on the server of ${databaseName(options.url)} (${(error as Error).message}): lint runs every file on a ` +
      `scratch database and never on the target, where a rolled-back ALTER still takes its lock. Give the role the right to create ` +
      `databases (ALTER ROLE ${role} CREATEDB), or lint with --url of a role that has it`,
    { cause: error },
  );
}

export async function lint(options: LintOptions): Promise<LintResult> {
  const started = Date.now();
  const result = (partial: Partial<LintResult>): LintResult => {
    const findings = partial.findings ?? [];
    const errors = partial.errors ?? [];
    const notLinted = partial.notLinted ?? [];
    const success = errors.length === 0 && notLinted.length === 0 && findings.every((finding) => finding.acknowledged !== undefined);
    return { success, files: [], findings, notLinted, errors, ...partial, durationMs: Date.now() - started };
  };
  try {
    await loadParser();
    const target = await readTarget(options);
    const plan = planVerify(target.files, target.applied, options);
    const base = { pgVersion: target.pgVersion, lockTimeoutMs: options.timeouts.lockMs };
    if (plan.range.length === 0) return result(base);
    if (plan.start.kind === 'target') checkHistory(target.files, target.applied);
    const collector = new Collector({ pgVersion: target.pgVersion, runLockTimeoutMs: options.timeouts.lockMs }, options.layout, options.lint);
    for (const file of plan.range) collector.acknowledge(file, await importModule(file, options.layout));
    // The scratch runs (replay included) are never linted themselves.
    const { keepSql: _keepSql, ...rest } = options;
    const engine: RunOptions = { ...engineOptions(rest as never), lint: { ...options.lint, mode: 'off' } };
    const last = plan.range[plan.range.length - 1].name;
    const run = async (url: string, scratch: ScratchInfo): Promise<LintResult> => {
      options.onScratch?.(scratch);
      const outcome = await up({ ...scratchRunOptions(engine, url), observe: collector.observe, to: last });
      const [failure] = outcome.errors;
      const failed = failure instanceof MigrationFailedError ? plan.range.findIndex((file) => file.name === failure.migration) : -1;
      return result({
        ...base,
        scratch,
        files: collector.files(options.keepSql),
        findings: collector.findings(failure, target.sizes),
        notLinted: failed >= 0 ? plan.range.slice(failed + 1).map((file) => file.name) : [],
        errors: failure && !(failure instanceof MigrationFailedError) ? [failure] : [],
      });
    };
    try {
      return await withScratch(engine, plan.start, run);
    } catch (error) {
      if (pgDetails(error).code === INSUFFICIENT_PRIVILEGE) throw noScratch(options, error);
      throw error;
    }
  } catch (error) {
    return result({ errors: [error instanceof Error ? error : new Error(String(error))] });
  }
}

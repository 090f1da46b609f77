/**
 * Lint inside `migrate up`. In production (`--env production`, or a database recorded as
 * production) or with `lint.mode: 'error'`, the pending files are linted first on a scratch
 * database and an unacknowledged finding refuses the run (exit 2, nothing applied) unless
 * `--unsafe`. Elsewhere (`warn`) it costs no second run: the real run is observed in place and
 * each file's findings are printed as warnings once it is applied. `off` does nothing.
 */
import { LintRefusedError } from '../errors';
import { PRODUCTION } from '../history';
import type { StreamHistory } from '../reader';
import { withSession } from '../session';
import type { LintMode, RunOptions, UpOptions } from '../types';
import { Collector } from './collector';
import { LaterChecks } from './observer';
import { loadParser } from './parse';
import { findingLines } from './report';
import { lint } from './runner';
import type { LintResult } from './types';

export interface UpLint {
  /** The run's options, with the observer when the run is observed in place. */
  options: RunOptions;
  /** Called after each applied file. */
  afterFile(name: string): void;
}

/** A database that cannot be reached fails here, once (exit 4); one with no metadata table yet is not production. */
async function recordedProduction(options: RunOptions): Promise<boolean> {
  const recorded = await withSession(options, 'migrate up (lint)', 'read-only', (session) =>
    session.stream('migrations', options.dir).storage.metadata('environment').catch(() => undefined),
  );
  return recorded === PRODUCTION;
}

async function modeFor(options: RunOptions, recorded: StreamHistory | undefined): Promise<{ mode: LintMode; why: string }> {
  const configured = options.lint?.mode;
  if (configured) return { mode: configured, why: "lint.mode in updown.config.ts" };
  if (options.env === PRODUCTION) return { mode: 'error', why: 'the environment is production' };
  const production = recorded ? recorded.environment === PRODUCTION : await recordedProduction(options);
  if (production) return { mode: 'error', why: 'this database is recorded as production' };
  return { mode: 'warn', why: 'outside production' };
}

/** Tenants with the same history (applied names and checksums) get the same findings; undefined when `up` could not read it. */
function historyKey(recorded: StreamHistory | undefined): string | undefined {
  return recorded && JSON.stringify(recorded.applied.map((entry) => [entry.name, entry.checksum]));
}

/**
 * The lint of this run's pending files. In a fan-out, the first tenant of each history lints (on
 * its scratch database) and prints the findings; the others wait for its result and only decide
 * with it (`repeat`).
 */
async function lintOnce(options: RunOptions, recorded: StreamHistory | undefined): Promise<{ result: LintResult; repeat: boolean }> {
  const memo = options.lintMemo;
  const key = historyKey(recorded);
  if (!memo || key === undefined) return { result: await lint(options), repeat: false };
  const repeat = memo.results.has(key);
  if (!repeat) memo.results.set(key, lint(options));
  return { result: await memo.results.get(key)!, repeat };
}

async function gate(options: RunOptions & UpOptions, why: string, recorded: StreamHistory | undefined): Promise<void> {
  const { step: _step, unsafe: _unsafe, dryRun: _dryRun, strictOrder: _strictOrder, ...run } = options;
  const { result, repeat } = await lintOnce({ ...run, onExecuted: undefined }, recorded);
  if (result.errors.length) throw result.errors[0];
  const open = result.findings.filter((finding) => finding.acknowledged === undefined);
  if (open.length === 0 && result.notLinted.length === 0) return;
  if (!repeat) for (const finding of open) options.logger.warn(findingLines(finding).join('\n'));
  const files = [...new Set(open.map((finding) => finding.file))].join(', ');
  if (options.unsafe) {
    options.logger.warn(`applying despite ${open.length} lint finding(s) in ${files} (--unsafe)`);
    return;
  }
  throw new LintRefusedError(
    `lint found ${open.length} finding(s) that no file acknowledges (${files}), and ${why}: nothing was applied. ` +
      "Make each migration safe (the recipes above), acknowledge a finding with `export const lint = { allow: { rule: 'reason' } }`, " +
      'or run with --unsafe',
  );
}

/**
 * Undefined: the run goes on as it is. Throws LintRefusedError when the gate refuses. `recorded`,
 * the target's history when `up` has read it already, saves a connection.
 */
export async function lintForUp(options: RunOptions & UpOptions, recorded?: StreamHistory): Promise<UpLint | undefined> {
  if (options.kind !== 'migrations') return undefined;
  const { mode, why } = await modeFor(options, recorded);
  if (options.unsafe && mode !== 'error') options.logger.warn(`--unsafe changes nothing here: lint refuses only in production or with lint.mode 'error' (${why}, lint ${mode === 'off' ? 'is off' : 'only warns'})`);
  if (mode === 'off') return undefined;
  if (mode === 'error') {
    await gate(options, why, recorded);
    return undefined;
  }
  // In a fan-out, the first tenant of each history is observed; its findings stand for the others.
  const key = historyKey(recorded);
  if (options.lintMemo && key !== undefined) {
    if (options.lintMemo.observed.has(key)) return undefined;
    options.lintMemo.observed.add(key);
  }
  await loadParser();
  const collector = new Collector({ runLockTimeoutMs: options.timeouts.lockMs, runCreated: new Set(), later: new LaterChecks() }, options.layout, options.lint);
  return {
    options: { ...options, observe: collector.observe },
    afterFile: (name) => {
      for (const finding of collector.findingsOf(name)) if (finding.acknowledged === undefined) options.logger.warn(findingLines(finding).join('\n'));
    },
  };
}

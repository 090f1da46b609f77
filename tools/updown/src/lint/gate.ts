/**
 * Lint inside `migrate up`. In production (`--env production`, or a database recorded as
 * production) or with `lint.mode: 'error'`, the pending files are linted first on a scratch
 * database and an unacknowledged finding refuses the run (exit 2, nothing applied) unless
 * `--unsafe`. Elsewhere (`warn`) it costs no second run: the real run is observed in place and
 * each file's findings are printed as warnings once it is applied. `off` does nothing.
 */
import { LintRefusedError } from '../errors';
import { PRODUCTION } from '../history';
import { readHistory } from '../reader';
import { withSession } from '../session';
import type { LintMode, RunOptions, UpOptions } from '../types';
import { Collector } from './collector';
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

async function modeFor(options: RunOptions): Promise<{ mode: LintMode; why: string }> {
  const configured = options.lint?.mode;
  if (configured) return { mode: configured, why: "lint.mode in updown.config.ts" };
  if (options.env === PRODUCTION) return { mode: 'error', why: 'the environment is production' };
  if (await recordedProduction(options)) return { mode: 'error', why: 'this database is recorded as production' };
  return { mode: 'warn', why: 'outside production' };
}

/**
 * The lint of this run's pending files. In a fan-out, tenants whose histories are the same get the
 * same findings: the first one lints (on its scratch database), the others wait for its result.
 */
async function lintOnce(options: RunOptions): Promise<LintResult> {
  const memo = options.lintMemo;
  if (!memo) return lint(options);
  const { applied } = await readHistory(options, 'migrations', options.dir);
  const key = JSON.stringify(applied.map((entry) => [entry.name, entry.checksum]));
  if (!memo.has(key)) memo.set(key, lint(options));
  return memo.get(key)!;
}

async function gate(options: RunOptions & UpOptions, why: string): Promise<void> {
  const { step: _step, unsafe: _unsafe, dryRun: _dryRun, strictOrder: _strictOrder, ...run } = options;
  const result = await lintOnce({ ...run, onExecuted: undefined });
  if (result.errors.length) throw result.errors[0];
  const open = result.findings.filter((finding) => finding.acknowledged === undefined);
  if (open.length === 0 && result.notLinted.length === 0) return;
  for (const finding of open) options.logger.warn(findingLines(finding).join('\n'));
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

/** Undefined: the run goes on as it is. Throws LintRefusedError when the gate refuses. */
export async function lintForUp(options: RunOptions & UpOptions): Promise<UpLint | undefined> {
  if (options.kind !== 'migrations') return undefined;
  const { mode, why } = await modeFor(options);
  if (options.unsafe && mode !== 'error') options.logger.warn(`--unsafe changes nothing here: lint refuses only in production or with lint.mode 'error' (${why}, lint ${mode === 'off' ? 'is off' : 'only warns'})`);
  if (mode === 'off') return undefined;
  if (mode === 'error') {
    await gate(options, why);
    return undefined;
  }
  await loadParser();
  const collector = new Collector({ runLockTimeoutMs: options.timeouts.lockMs, runCreated: new Set() }, options.layout, options.lint);
  return {
    options: { ...options, observe: collector.observe },
    afterFile: (name) => {
      for (const finding of collector.findingsOf(name)) if (finding.acknowledged === undefined) options.logger.warn(findingLines(finding).join('\n'));
    },
  };
}

/**
 * `updown migrate verify`: proves on a scratch database that every migration's `down` reverses
 * its `up`, by comparing schema snapshots taken before `up` and after `down`.
 */
import { withRunner } from '../api';
import { databaseName } from '../database';
import { UsageError } from '../errors';
import { readHistory } from '../reader';
import { checkHistory, type AppliedEntry, type MigrationFile } from '../plan';
import { diffSnapshots } from '../schema/diff';
import { refreshSnapshot } from '../schema/refresh';
import { snapshotWith, takeSnapshot } from '../schema/snapshot';
import type { Snapshot } from '../schema/types';
import type { RunOptions, StreamKind } from '../types';
import { roundTrips, type Probe } from './check';
import { planVerify, type RangeOptions } from './range';
import { scratchRunOptions, withScratch, type Replay, type ScratchInfo } from './scratch';
import type { Verdict, VerifyResult } from './types';

export interface VerifyOptions extends RunOptions, RangeOptions {
  /** Run on the target database itself instead of a scratch copy (it ends as it started, if every down is right). */
  inPlace?: boolean;
  /** Called as each file's verdict is known. */
  onVerdict?: (verdict: Verdict) => void;
  /** Called once the scratch database is ready, saying how it was made. */
  onScratch?: (scratch: ScratchInfo) => void;
  /** Called before the first round trip with the files to verify, in order (for `n of N`). */
  onPlanned?: (names: string[]) => void;
}

/** The engine's options alone: verify's own (`all`, `to`, …) must not reach `up`/`down`. */
export function engineOptions(options: VerifyOptions): RunOptions {
  // onStarted too: verify reports files as verdicts, not as the up and down runs inside them.
  const { all: _all, from: _from, to: _to, inPlace: _inPlace, onVerdict: _onVerdict, onScratch: _onScratch, onPlanned: _onPlanned, onStarted: _onStarted, ...engine } =
    options as VerifyOptions & { migrationsDir?: string };
  delete (engine as { migrationsDir?: string }).migrationsDir;
  return engine;
}

export function schemaProbe(url: string, schema: string): Probe<Snapshot> {
  return { take: (db) => (db ? snapshotWith(db, schema) : takeSnapshot(url, schema)), refresh: refreshSnapshot, compare: diffSnapshots };
}

/** The target's files and rows, read without a lock and without creating anything. */
export async function readStream(options: RunOptions, kind: StreamKind, dir: string): Promise<{ files: MigrationFile[]; applied: AppliedEntry[] }> {
  return readHistory(options, kind, dir);
}

/** Shared by migrations and seeds: plan, make the scratch database (or not), run the round trips. */
export async function runVerify<S>(
  options: VerifyOptions,
  target: { files: MigrationFile[]; applied: AppliedEntry[] },
  probe: (url: string) => Probe<S>,
  prepare: (url: string) => Promise<void> = async () => undefined,
  replay?: Replay,
): Promise<VerifyResult> {
  const started = Date.now();
  const result = (partial: Partial<VerifyResult>): VerifyResult => {
    const verdicts = partial.verdicts ?? [];
    const errors = partial.errors ?? [];
    const success = errors.length === 0 && verdicts.every((verdict) => verdict.reversible) && (partial.notVerified ?? []).length === 0;
    return { success, verdicts, notVerified: [], errors, ...partial, durationMs: Date.now() - started };
  };
  try {
    const plan = planVerify(target.files, target.applied, options);
    if (plan.range.length === 0) return result({});
    // A copy of a history that cannot be trusted proves nothing: refuse, as every command does.
    if (plan.start.kind === 'target' || options.inPlace) checkHistory(target.files, target.applied);
    const engine = engineOptions(options);
    const check = async (url: string, scratch: ScratchInfo) => {
      options.onScratch?.(scratch);
      await prepare(url);
      const run = options.inPlace ? { ...engine, onExecuted: undefined } : scratchRunOptions(engine, url);
      options.onPlanned?.(plan.range.map((file) => file.name));
      const outcome = await withRunner(run, (runner) => roundTrips(plan.range, runner, probe(url), options.onVerdict));
      return result({ scratch, ...outcome });
    };
    if (options.inPlace) {
      if (plan.start.kind !== 'target') {
        throw new UsageError('--in-place verifies the pending files from where the database is: drop --all and --from, or verify on a scratch copy');
      }
      const database = databaseName(options.url);
      return await check(options.url, { method: 'in-place', database, description: `${database} itself (--in-place)` });
    }
    return await withScratch(engine, plan.start, check, replay);
  } catch (error) {
    return result({ errors: [error instanceof Error ? error : new Error(String(error))] });
  }
}

/**
 * Verifies the migrations in range (default: the pending ones) on a scratch database built from
 * the target's current state; `all` starts from an empty database. Never touches the target
 * unless `inPlace`.
 */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  let target;
  try {
    target = await readStream(options, 'migrations', options.dir);
  } catch (error) {
    return { success: false, verdicts: [], notVerified: [], errors: [error as Error], durationMs: 0 };
  }
  return runVerify({ ...options, kind: 'migrations' }, target, (url) => schemaProbe(url, options.schema));
}

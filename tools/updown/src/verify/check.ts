/**
 * The round trip for one file on the scratch database: observe, up, observe, down, observe and
 * compare with before up, then up again (and compare with the first up). What is observed is the
 * schema for migrations, the rows for seeds.
 */
import type { Runner } from '../api';
import { ConnectError, InterruptedError, IrreversibleMigrationError, LockTimeoutError, MigrationFailedError, NeedsOwnTransactionError, pgDetails } from '../errors';
import type { MigrationFile } from '../plan';
import type { Queryable } from '../schema/snapshot';
import type { Trial } from '../trial';
import type { Finding, FindingPhase, Verdict, VerdictError } from './types';

export interface Observed {
  kind: string;
  name: string;
  change: string;
  message: string;
}

/** How a stream is observed and two observations compared. */
export interface Probe<S> {
  /** Observes on `db` when given (a trial's connection, which sees its uncommitted work), else on a connection of its own. */
  take(db?: Queryable): Promise<S>;
  /** Inside a trial: `base` brought up to date with what the trial did (cheaper than take). */
  refresh?(db: Queryable, base: S): Promise<S>;
  compare(expected: S, actual: S): { differences: Observed[]; notes: Observed[] };
  /** Compares the first up with the second one, when that needs more tolerance (rows stamped with now()). */
  compareAgain?(expected: S, actual: S): { differences: Observed[]; notes: Observed[] };
}

const finding = (phase: FindingPhase) => (observed: Observed): Finding => ({ phase, ...observed, message: `${phase}: ${observed.message}` });

/** What went wrong with the file; errors about the run itself (signal, lock, connection) end the verification. */
function failure(phase: VerdictError['phase'], error: Error): VerdictError {
  if (error instanceof InterruptedError || error instanceof LockTimeoutError || error instanceof ConnectError) throw error;
  const cause = error instanceof MigrationFailedError ? error.cause : undefined;
  const pg = error instanceof MigrationFailedError ? error.pg : pgDetails(error);
  const message = cause instanceof Error ? cause.message : error.message;
  return {
    phase,
    message,
    ...(pg.code ? { code: pg.code } : {}),
    ...(pg.detail ? { detail: pg.detail } : {}),
    ...(error instanceof MigrationFailedError ? { file: error.file } : {}),
  };
}

/**
 * A down that throws a plain Error of its own (`throw new Error('Cannot undo this migration.')`)
 * says on purpose that it cannot be reverted: not a broken down.
 */
function throwsOnPurpose(error: Error): boolean {
  const cause = error instanceof MigrationFailedError ? error.cause : undefined;
  return cause instanceof Error && cause.constructor === Error && pgDetails(cause).code === undefined;
}

/** A script the file started (child_process) failed: in a trial it may have waited on the trial's own locks. */
function childProcessFailed(error: Error): boolean {
  const cause = error instanceof MigrationFailedError ? (error.cause as Record<string, unknown> | undefined) : undefined;
  return typeof cause === 'object' && cause !== null && 'pid' in cause && ('status' in cause || 'stderr' in cause);
}

/**
 * A script the file runs writes on a connection of its own, and may wait for the trial's own
 * row locks (its child gets a short lock_timeout, see scratch.ts): such a file is round-tripped
 * for real instead.
 */
function scriptOutsideTrial(file: MigrationFile, error: Error): void {
  if (childProcessFailed(error)) throw new NeedsOwnTransactionError(file.name, file.path, 'runs a script that failed inside the trial');
}

interface RoundTrip<S> {
  verdict: Verdict;
  /** The file could not be applied: the files after it depend on it. */
  stop: boolean;
  /** The last observation, when it still describes the database (the next file's "before"). */
  last?: S;
}

/** The verdict, and whether the next file can still be verified (the file is applied again). */
export async function roundTrip<S>(file: MigrationFile, runner: Runner, probe: Probe<S>, observed?: S): Promise<RoundTrip<S>> {
  const started = Date.now();
  const base = { name: file.name, differences: [] as Finding[], notes: [] as Finding[] };
  const done = (verdict: Omit<Verdict, 'durationMs'>, stop = false, last?: S) => ({ verdict: { ...verdict, durationMs: Date.now() - started }, stop, last });

  const before = observed ?? (await probe.take());
  const first = await runner.up({ to: file.name });
  if (!first.success) return done({ ...base, reversible: false, error: failure('up', first.errors[0]) }, true);
  if (first.executed.length === 0) return done({ ...base, reversible: true, skipped: 'not run in this environment (see its `environments`)' }, false, before);
  const afterUp = await probe.take();

  const reverted = await runner.down({ to: file.name });
  if (!reverted.success) {
    const [error] = reverted.errors;
    if (error instanceof IrreversibleMigrationError) {
      return done({ ...base, reversible: false, irreversible: true, error: { phase: 'down', message: 'has no down(): it cannot be reverted', file: error.file } });
    }
    return done({ ...base, reversible: false, error: failure('down', error) });
  }
  const afterDown = await probe.take();
  const afterDownDiff = probe.compare(before, afterDown);

  const again = await runner.up({ to: file.name });
  if (!again.success) {
    const differences = afterDownDiff.differences.map(finding('after down'));
    return done({ ...base, differences, notes: afterDownDiff.notes.map(finding('after down')), reversible: false, error: failure('up again', again.errors[0]) }, true);
  }
  const afterAgain = await probe.take();
  const afterAgainDiff = (probe.compareAgain ?? probe.compare)(afterUp, afterAgain);
  const differences = [...afterDownDiff.differences.map(finding('after down')), ...afterAgainDiff.differences.map(finding('after up again'))];
  const seen = new Set(afterDownDiff.notes.map((note) => note.name));
  const notes = [...afterDownDiff.notes.map(finding('after down')), ...afterAgainDiff.notes.filter((note) => !seen.has(note.name)).map(finding('after up again'))];
  return done({ ...base, differences, notes, reversible: differences.length === 0 }, false, afterAgain);
}

/**
 * The round trip inside one trial: up, observe, mark; down, observe, compare; up again, observe,
 * compare; then back to the mark, so whatever down did (or failed to do) is undone and the file
 * stays applied for the next one. Only a failing first up stops the run.
 */
export async function trialRoundTrip<S>(file: MigrationFile, runner: Runner, probe: Probe<S>, observed?: S): Promise<RoundTrip<S>> {
  const started = Date.now();
  const base = { name: file.name, differences: [] as Finding[], notes: [] as Finding[] };
  const done = (verdict: Omit<Verdict, 'durationMs'>, stop = false, last?: S) => ({ verdict: { ...verdict, durationMs: Date.now() - started }, stop, last });
  return runner.trial(async (trial: Trial) => {
    const before = observed ?? (await probe.take(trial.db));
    const observe = () => (probe.refresh ? probe.refresh(trial.db, before) : probe.take(trial.db));
    const first = await trial.run('up', file.name);
    if (!first.success) {
      if (first.errors[0] instanceof NeedsOwnTransactionError) throw first.errors[0];
      return { value: done({ ...base, reversible: false, error: failure('up', first.errors[0]) }, true), keep: false };
    }
    const afterUp = await observe();
    const mark = await trial.mark();
    const verdict = await downAndAgain(file, trial, probe, observe, { before, afterUp });
    await trial.back(mark);
    return { value: done({ ...base, ...verdict }, false, afterUp), keep: true };
  });
}

async function downAndAgain<S>(
  file: MigrationFile,
  trial: Trial,
  probe: Probe<S>,
  observe: () => Promise<S>,
  seen: { before: S; afterUp: S },
): Promise<Omit<Verdict, 'durationMs' | 'name'>> {
  const reverted = await trial.run('down', file.name);
  if (!reverted.success) {
    const [error] = reverted.errors;
    scriptOutsideTrial(file, error);
    if (error instanceof IrreversibleMigrationError) {
      return { differences: [], notes: [], reversible: false, irreversible: true, error: { phase: 'down', message: 'has no down(): it cannot be reverted', file: error.file } };
    }
    if (throwsOnPurpose(error)) {
      return { differences: [], notes: [], reversible: false, irreversible: true, error: { ...failure('down', error), message: `down() refuses on purpose: ${failure('down', error).message}` } };
    }
    return { differences: [], notes: [], reversible: false, error: failure('down', error) };
  }
  const afterDown = probe.compare(seen.before, await observe());
  const downFindings = { differences: afterDown.differences.map(finding('after down')), notes: afterDown.notes.map(finding('after down')) };
  const again = await trial.run('up', file.name);
  if (!again.success) {
    scriptOutsideTrial(file, again.errors[0]);
    return { ...downFindings, reversible: false, error: failure('up again', again.errors[0]) };
  }
  // down left the schema exactly as before up: the second up starts where the first did, and
  // only its success is in question (a third observation per file would cost a fifth of verify).
  if (downFindings.differences.length === 0 && downFindings.notes.length === 0 && !probe.compareAgain) return { ...downFindings, reversible: true };
  const afterAgain = (probe.compareAgain ?? probe.compare)(seen.afterUp, await observe());
  const differences = [...downFindings.differences, ...afterAgain.differences.map(finding('after up again'))];
  const noted = new Set(afterDown.notes.map((note) => note.name));
  const notes = [...downFindings.notes, ...afterAgain.notes.filter((note) => !noted.has(note.name)).map(finding('after up again'))];
  return { differences, notes, reversible: differences.length === 0 };
}

/** In a trial when the file can run in one; a file that must run outside a transaction is round-tripped for real. */
async function eitherRoundTrip<S>(file: MigrationFile, runner: Runner, probe: Probe<S>, observed?: S): Promise<RoundTrip<S>> {
  try {
    return await trialRoundTrip(file, runner, probe, observed);
  } catch (error) {
    if (!(error instanceof NeedsOwnTransactionError)) throw error;
    return roundTrip(file, runner, probe);
  }
}

/** Round trips every file in order; stops at a file that cannot be applied (the rest depend on it). */
export async function roundTrips<S>(
  files: MigrationFile[],
  runner: Runner,
  probe: Probe<S>,
  onVerdict?: (verdict: Verdict) => void,
): Promise<{ verdicts: Verdict[]; notVerified: string[] }> {
  const verdicts: Verdict[] = [];
  let observed: S | undefined;
  for (const [index, file] of files.entries()) {
    const { verdict, stop, last } = await eitherRoundTrip(file, runner, probe, observed);
    observed = last;
    verdicts.push(verdict);
    onVerdict?.(verdict);
    if (stop) return { verdicts, notVerified: files.slice(index + 1).map((rest) => rest.name) };
  }
  return { verdicts, notVerified: [] };
}

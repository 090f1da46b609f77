/**
 * Pure: which files `verify` checks, and what state the scratch database must start from. The
 * lists come from the folder and the target's tracking table, sorted by name.
 */
import { UsageError } from '../errors';
import { newestApplied, normaliseName, type AppliedEntry, type MigrationFile } from '../plan';

export interface RangeOptions {
  /** Every file from the first one, on a database that starts empty. */
  all?: boolean;
  /** First file to verify (inclusive). */
  from?: string;
  /** Last file to verify (inclusive). */
  to?: string;
}

/**
 * `target`: the files before the range are exactly the target's applied ones, so the scratch
 * database is a copy of the target. `empty`: a new database, migrated up to `replayTo` when given.
 */
export type StartState = { kind: 'target'; lastApplied?: string } | { kind: 'empty'; replayTo?: string };

export interface VerifyPlan {
  range: MigrationFile[];
  start: StartState;
}

function indexOf(files: MigrationFile[], name: string, flag: string): number {
  const index = files.findIndex((file) => file.name === normaliseName(name));
  if (index === -1) throw new UsageError(`${flag} ${name}: no file has that name; see \`status\` for the names`);
  return index;
}

export function planVerify(files: MigrationFile[], applied: AppliedEntry[], options: RangeOptions = {}): VerifyPlan {
  if (options.all && options.from !== undefined) throw new UsageError('--all and --from cannot be used together: --all starts at the first file');
  const last = options.to === undefined ? files.length - 1 : indexOf(files, options.to, '--to');
  const done = new Set(applied.map((entry) => entry.name));
  const newest = newestApplied(applied);
  const lastApplied = newest || undefined;

  if (options.all) return { range: files.slice(0, last + 1), start: { kind: 'empty' } };

  if (options.from === undefined) {
    const range = files.slice(0, last + 1).filter((file) => !done.has(file.name));
    const late = range.find((file) => file.name < newest);
    if (late) {
      throw new UsageError(
        `${late.name} is pending but older than the newest applied migration ${newest}: it cannot be verified in its place on a copy ` +
          'of this database; verify with --all (from an empty database) or --from',
      );
    }
    return { range, start: { kind: 'target', lastApplied } };
  }

  const first = indexOf(files, options.from, '--from');
  if (first > last) throw new UsageError(`--from ${options.from} comes after --to ${options.to}: nothing in between`);
  const range = files.slice(first, last + 1);
  const before = files.slice(0, first);
  const matchesTarget = before.every((file) => done.has(file.name)) && done.size === before.length;
  if (matchesTarget) return { range, start: { kind: 'target', lastApplied } };
  return { range, start: { kind: 'empty', replayTo: before.length ? before[before.length - 1].name : undefined } };
}

/**
 * Pure planning: what to run for up/down with --to/--step/--all, what is wrong with the history,
 * and the state of every file. No I/O: the lists come from the folder and the tracking table,
 * already sorted by name.
 */
import path from 'node:path';
import { CHECKSUM_VERSION } from './checksum';
import { UntrustedHistoryError, UsageError, type HistoryProblem } from './errors';
import type { SqlFileInfo } from './sql/types';
import type { DownOptions, StatusItem, UpOptions } from './types';

export interface MigrationFile {
  /** File name without its extension: what the tracking table stores. */
  name: string;
  path: string;
  /** See checksum.ts. */
  checksum: string;
  /** `.sql` files only: their down file, drizzle's `when`, configured environments. */
  sql?: SqlFileInfo;
}

export interface AppliedEntry {
  name: string;
  appliedAt?: Date;
  state?: 'applied' | 'failed';
  checksum?: string | null;
  checksumVersion?: number | null;
  /** The file name (with extension) the checksum was taken from. */
  sourceFile?: string | null;
  /** The name as the row stores it, when that is not updown's form (sequelize-cli's `x.js`). */
  storedName?: string;
}

/** `--to` may be given with or without the file's extension. */
export function normaliseName(name: string): string {
  return name.replace(/\.(ts|js|cjs|mjs|cts|mts|sql)$/, '');
}

/**
 * Whether a name the user typed names this file or row. updown's own names have no extension;
 * sequelize-cli and Umzug keep it (`x.js`, even `x.ts.ts`): both forms are accepted, exact first.
 */
export function sameName(recorded: string, given: string): boolean {
  return recorded === given || normaliseName(recorded) === normaliseName(given);
}

/** The one entry `given` names: an exact match first, else one with or without its extension. */
export function findByName<T extends { name: string }>(entries: T[], given: string): T | undefined {
  return entries.find((entry) => entry.name === given) ?? entries.find((entry) => sameName(entry.name, given));
}

function checkStep(step: number | undefined): void {
  if (step !== undefined && (!Number.isInteger(step) || step < 1)) {
    throw new UsageError(`--step must be a whole number of 1 or more (got ${step})`);
  }
}

function checkExclusive(options: { to?: string; step?: number; all?: boolean }): void {
  const given = [options.to !== undefined && '--to', options.step !== undefined && '--step', options.all && '--all'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} cannot be used together: pick one`);
}

/**
 * A checksum can be compared only when it was taken the same way from the same kind of source:
 * the compiled `.js` of a `.ts` file has another checksum without being an edit.
 */
function comparable(entry: AppliedEntry, file: MigrationFile): boolean {
  if (!entry.checksum || entry.checksumVersion !== CHECKSUM_VERSION) return false;
  return !entry.sourceFile || path.extname(entry.sourceFile) === path.extname(file.path);
}

const isEdited = (entry: AppliedEntry, file: MigrationFile) => comparable(entry, file) && entry.checksum !== file.checksum;

/** The row vouches for the file as it is now: applied from this very content (so it compiled then). */
export function appliedAsIs(entry: AppliedEntry | undefined, file: MigrationFile): boolean {
  return entry !== undefined && entry.state !== 'failed' && comparable(entry, file) && entry.checksum === file.checksum;
}

/** Every reason the history cannot be vouched for: edited, missing or failed files. */
export function historyProblems(files: MigrationFile[], applied: AppliedEntry[]): HistoryProblem[] {
  const byName = new Map(files.map((file) => [file.name, file]));
  const problems: HistoryProblem[] = [];
  for (const entry of applied) {
    const file = byName.get(entry.name);
    if (entry.state === 'failed') problems.push({ kind: 'failed', name: entry.name, file: file?.path });
    else if (!file) problems.push({ kind: 'missing', name: entry.name });
    else if (isEdited(entry, file)) {
      problems.push({ kind: 'edited', name: entry.name, file: file.path, recorded: entry.checksum!, current: file.checksum });
    }
  }
  return problems;
}

/** Refuses a history it cannot vouch for, before anything runs. */
export function checkHistory(files: MigrationFile[], applied: AppliedEntry[]): void {
  const problems = historyProblems(files, applied);
  if (problems.length > 0) throw new UntrustedHistoryError(problems);
}

/** The newest (by name) applied file's name, or '' when nothing is applied. */
export function newestApplied(applied: AppliedEntry[]): string {
  return applied.reduce((max, entry) => (entry.name > max ? entry.name : max), '');
}

/** Pending files older than the newest applied one: typically a merged branch. */
export function outOfOrder(files: MigrationFile[], applied: AppliedEntry[]): MigrationFile[] {
  const newest = newestApplied(applied);
  const done = new Set(applied.map((entry) => entry.name));
  return files.filter((file) => !done.has(file.name) && file.name < newest);
}

export function planUp(files: MigrationFile[], applied: AppliedEntry[], options: UpOptions = {}): MigrationFile[] {
  checkExclusive(options);
  checkStep(options.step);
  const done = new Set(applied.map((entry) => entry.name));
  const pending = files.filter((file) => !done.has(file.name));
  let planned = pending.slice(0, options.step ?? pending.length);
  if (options.to !== undefined) planned = pendingUpTo(pending, applied, options.to);
  if (options.strictOrder) {
    const late = new Set(outOfOrder(files, applied).map((file) => file.name));
    const first = planned.find((file) => late.has(file.name));
    if (first) {
      throw new UsageError(
        `${first.path} is pending but older than the newest applied file (--strict-order): ` +
          'rename it with a newer timestamp, or run without --strict-order to apply it out of order',
      );
    }
  }
  return planned;
}

/**
 * `--to NAME`, inclusive. NAME already applied is nothing to do (a deploy step that says `up --to X`
 * can be rerun), except for pending files older than it (a merged branch), which `up` applies anyway.
 */
function pendingUpTo(pending: MigrationFile[], applied: AppliedEntry[], to: string): MigrationFile[] {
  const found = findByName(pending, to);
  if (found) return pending.slice(0, pending.indexOf(found) + 1);
  const done = findByName(applied, to);
  if (done) return pending.filter((file) => file.name < done.name);
  throw new UsageError(`--to ${to}: no file has that name; see \`status\` for the names`);
}

/** Applied entries, newest (by name) first, each joined to its file. */
export function planDown(files: MigrationFile[], applied: AppliedEntry[], options: DownOptions = {}): MigrationFile[] {
  checkExclusive(options);
  checkStep(options.step);
  const byName = new Map(files.map((file) => [file.name, file]));
  const newestFirst = [...applied].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  let count = options.all ? newestFirst.length : (options.step ?? 1);
  if (options.to !== undefined) {
    const found = findByName(newestFirst, options.to);
    const index = found ? newestFirst.indexOf(found) : -1;
    if (index === -1) {
      const why = findByName(files, options.to) ? 'it is not applied' : 'no applied file has that name';
      throw new UsageError(`--to ${options.to}: cannot revert to it (${why}); see \`status\` for the names`);
    }
    count = index + 1;
  }
  return newestFirst.slice(0, count).map((entry) => {
    const file = byName.get(entry.name);
    if (!file) throw new UntrustedHistoryError([{ kind: 'missing', name: entry.name }]);
    return file;
  });
}

/** Every file and every recorded row, in name order, with its state. */
export function statusOf(files: MigrationFile[], applied: AppliedEntry[]): StatusItem[] {
  const problems = new Map(historyProblems(files, applied).map((problem) => [problem.name, problem]));
  const appliedByName = new Map(applied.map((entry) => [entry.name, entry]));
  const late = new Set(outOfOrder(files, applied).map((file) => file.name));
  const names = [...new Set([...files.map((file) => file.name), ...appliedByName.keys()])].sort();
  return names.map((name): StatusItem => {
    const entry = appliedByName.get(name);
    if (!entry) return { name, state: 'pending', ...(late.has(name) ? { outOfOrder: true } : {}) };
    return { name, state: problems.get(name)?.kind ?? 'applied', appliedAt: entry.appliedAt };
  });
}

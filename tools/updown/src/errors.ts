import type { Direction, LockHolder } from './types';

/**
 * One error family. Every error updown raises on purpose is an UpdownError; its message says what
 * is wrong and how to fix it. The CLI maps the class to an exit code (src/cli/exit-codes.ts).
 */
export class UpdownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** PostgreSQL's own description of a failed statement, when there is one. */
export interface PgDetails {
  code?: string;
  detail?: string;
  hint?: string;
  position?: number;
  sql?: string;
  /** A `.sql` file's line that the position falls on (src/sql/failure.ts). */
  line?: number;
}

/** What a failed file left behind, as the executor knows it. */
export type FailureOutcome =
  /** Its transaction was rolled back (by updown, or by PostgreSQL when COMMIT failed). */
  | { kind: 'rolled-back'; atCommit?: boolean }
  /** It ran outside a transaction and may be half applied; the `failed` mark was written, or not. */
  | { kind: 'outside-transaction'; markError?: unknown };

function describeOutcome(outcome: FailureOutcome, migration: string): string {
  if (outcome.kind === 'rolled-back') {
    const when = outcome.atCommit ? 'it failed at COMMIT, so PostgreSQL rolled it back: ' : '';
    return `${when}its changes were rolled back and nothing was recorded`;
  }
  if (outcome.markError === undefined) {
    return `it ran outside a transaction, so part of it may have been applied; it is marked failed until \`repair --accept ${migration}\``;
  }
  const reason = outcome.markError instanceof Error ? outcome.markError.message : String(outcome.markError);
  return (
    `it ran outside a transaction, so part of it may have been applied, and its failed mark could not be written (${reason}): ` +
    'nothing records that it is half applied; check the database by hand before running anything again'
  );
}

/** A migration or seed threw (or its tracking write failed). Exit 1. */
export class MigrationFailedError extends UpdownError {
  readonly migration: string;
  readonly direction: Direction;
  readonly file: string;
  readonly pg: PgDetails;
  readonly outcome: FailureOutcome;

  constructor(args: { migration: string; direction: Direction; file: string; cause: unknown; outcome: FailureOutcome; hint?: string }) {
    const pg = pgDetails(args.cause);
    const reason = args.cause instanceof Error ? args.cause.message : String(args.cause);
    const code = pg.code ? ` [${pg.code}]` : '';
    const hint = args.hint ? ` (${args.hint})` : '';
    super(`${args.file} failed (${args.direction})${code}: ${reason}${hint}; ${describeOutcome(args.outcome, args.migration)}`, { cause: args.cause });
    this.migration = args.migration;
    this.direction = args.direction;
    this.file = args.file;
    this.pg = pg;
    this.outcome = args.outcome;
  }

  get rolledBack(): boolean {
    return this.outcome.kind === 'rolled-back';
  }
}

/** Base of every refusal (exit 2): bad usage or input, nothing was touched. */
export class RefusedError extends UpdownError {}

/** A flag or argument is wrong. */
export class UsageError extends RefusedError {}

/** `create NAME` got a name that is not a plain identifier. */
export class InvalidNameError extends RefusedError {}

/** Going down through a file that has no `down`. */
export class IrreversibleMigrationError extends RefusedError {
  constructor(readonly migration: string, readonly file: string) {
    const write = file.endsWith('.sql')
      ? 'Write its down (a `_down.sql` or `.down.sql` file beside it, or a `-- migrate:down` section; drizzle-kit writes none)'
      : 'Write a down() that undoes its up()';
    super(`${file} has no down${file.endsWith('.sql') ? '' : '()'}: updown will not revert it (nothing was reverted or un-recorded). ${write}, or stop the rollback before it with --to.`);
  }
}

/**
 * A file that runs outside a transaction (`transaction = false`, or a legacy file that needs it)
 * asked to run inside one: `--single-transaction`, a dry run, a verify trial. Exit 2.
 */
export class NeedsOwnTransactionError extends RefusedError {
  constructor(readonly migration: string, readonly file: string, why: string) {
    super(`${file} ${why}, so it cannot run inside a larger transaction: run it on its own (without --single-transaction)`);
  }
}

/** A file could not be loaded or does not export what a migration must. */
export class InvalidMigrationError extends RefusedError {
  constructor(readonly migration: string, readonly file: string, reason: string, cause?: unknown) {
    super(`${file}: ${reason}`, { cause });
  }
}

/** Another runner held the lock longer than --lock-timeout. Exit 3. */
export class LockTimeoutError extends UpdownError {
  constructor(readonly holder: LockHolder | undefined, waitedMs: number, scope: string) {
    const who = holder ? `pid ${holder.pid} (${holder.applicationName || 'no application name'})` : 'another session';
    super(
      `another updown runner holds the migration lock on ${scope}: ${who}; gave up after ${waitedMs} ms. ` +
        'Wait for it to finish, raise --lock-timeout, or end that session if it is stuck.',
    );
  }
}

/** The database could not be reached after bounded retries. Exit 4. */
export class ConnectError extends UpdownError {
  constructor(readonly maskedUrl: string, reason: string, readonly attempts: number, cause?: unknown) {
    super(`cannot connect to ${maskedUrl} after ${attempts} attempt(s): ${reason}`, { cause });
  }
}

/** Pulls PostgreSQL's fields out of a pg error, whether bare or wrapped by Sequelize. */
export function pgDetails(error: unknown): PgDetails {
  const e = error as { original?: Record<string, unknown>; parent?: Record<string, unknown>; sql?: string } | undefined;
  const source = (e?.original ?? e?.parent ?? e) as Record<string, unknown> | undefined;
  if (!source || typeof source !== 'object') return {};
  const position = source.position === undefined ? undefined : Number(source.position);
  return {
    code: typeof source.code === 'string' ? source.code : undefined,
    detail: typeof source.detail === 'string' ? source.detail : undefined,
    hint: typeof source.hint === 'string' ? source.hint : undefined,
    position: Number.isFinite(position) ? position : undefined,
    sql: typeof e?.sql === 'string' ? e.sql : typeof source.sql === 'string' ? source.sql : undefined,
    ...(typeof (e as { fileLine?: unknown })?.fileLine === 'number' ? { line: (e as { fileLine: number }).fileLine } : {}),
  };
}

export type HistoryProblem =
  | { kind: 'edited'; name: string; file: string; recorded: string; current: string }
  | { kind: 'missing'; name: string }
  | { kind: 'failed'; name: string; file?: string };

function describeProblem(problem: HistoryProblem): string {
  switch (problem.kind) {
    case 'edited':
      return (
        `${problem.file} was edited after it was applied (recorded checksum ${problem.recorded}, file now ${problem.current}): ` +
        'undo the edit and put the change in a new migration, or accept it with `repair --accept ' + problem.name + '`'
      );
    case 'missing':
      return (
        `${problem.name} is recorded as applied but its file is missing: restore it from version control ` +
        '(updown never skips it or reverts the one before it), or forget it with `repair --accept ' + problem.name + '`'
      );
    case 'failed':
      return (
        `${problem.file ?? problem.name} failed outside a transaction and may be half applied: check the database by hand, ` +
        'then clear the mark with `repair --accept ' + problem.name + '` so it runs again'
      );
  }
}

/** An applied file is edited, missing or failed: nothing that changes the schema may run. Exit 2. */
export class UntrustedHistoryError extends RefusedError {
  constructor(readonly problems: HistoryProblem[]) {
    super(`refusing to run: the history cannot be trusted\n${problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`);
  }
}

/** SIGINT/SIGTERM stopped the run: the file in flight was rolled back (or marked failed). Exit 130/143. */
export class InterruptedError extends UpdownError {
  readonly signal: string;
  readonly migration: string | undefined;
  readonly file: string | undefined;

  constructor(
    reason: unknown,
    inFlight?: { migration: string; file: string; outsideTransaction: boolean },
  ) {
    const signal = typeof reason === 'string' ? reason : 'SIGINT';
    const what = !inFlight
      ? ': nothing more was run'
      : inFlight.outsideTransaction
        ? ` while running ${inFlight.file} outside a transaction: it may be half applied and is marked failed; ` +
          `check the database, then \`repair --accept ${inFlight.migration}\``
        : ` while running ${inFlight.file}: any running statement was cancelled and its transaction rolled back, nothing was recorded for it`;
    super(`interrupted by ${signal}${what}`);
    this.signal = signal;
    this.migration = inFlight?.migration;
    this.file = inFlight?.file;
  }
}

/** A destructive command aimed at a production database without --allow-production. Exit 2. */
export class ProductionGuardError extends RefusedError {
  constructor(command: string, why: string) {
    super(`refusing \`${command}\`: ${why}. If you really mean it, add --allow-production.`);
  }
}

/** A seed that is not meant for this environment. Exit 2. */
export class EnvironmentError extends RefusedError {}

/** A file made by `create` whose up(), down() or change() is still the template's placeholder. Exit 2. */
export class UnwrittenMigrationError extends RefusedError {
  constructor(readonly migration: string, readonly file: string, readonly direction: Direction, change: boolean) {
    const part = change ? 'change()' : `${direction}()`;
    const fix = change
      ? 'write the queryInterface calls of the change'
      : direction === 'up'
        ? 'write the change in up() (e.g. `await queryInterface.addColumn(…)`)'
        : `write the down() that undoes its up() (once applied, the edit is accepted with \`repair --accept ${migration}\`; or stop before this file with --to)`;
    super(
      `${file}: ${part} is still the template's placeholder, so nothing was ${direction === 'up' ? 'run' : 'reverted'}: ` +
        `${fix}, and delete its \`throw new Error('updown:unwritten …')\` line`,
    );
  }
}

/** `migrate lint` cannot make its scratch database (no CREATEDB right): it never falls back to the target. Exit 2. */
export class ScratchUnavailableError extends RefusedError {}

/** `migrate up` in production (or `lint.mode: 'error'`): lint found what no file acknowledges. Exit 2, nothing applied. */
export class LintRefusedError extends RefusedError {}

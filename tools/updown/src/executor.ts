/**
 * One file's whole life, top to bottom, in one place: begin (or take the transaction the previous
 * file's COMMIT began) → session settings → up/down → tracking row and COMMIT in one round trip;
 * or rollback → `failed` mark → lock-timeout retry. The tracking row is written here, inside the
 * file's transaction (as MikroORM does on top of Umzug), so Umzug only sequences the files and its
 * storage records nothing itself.
 *
 * While the server flushes a file's COMMIT, the next file's JavaScript already runs (Umzug's
 * step, the migration's code, Sequelize building its SQL); its statements wait for that COMMIT
 * (watch.ts's gate) and are never sent when it fails. A file is reported done once its COMMIT
 * has landed, a turn later so that the next file's first statement is on its way first (lint's
 * warnings and the output line are no longer between them), and before the next file's COMMIT; a
 * failed COMMIT is reported as that file's failure, before anything after it.
 */
import type { Sequelize, Transaction } from 'sequelize';
import { InterruptedError, MigrationFailedError, NeedsOwnTransactionError, pgDetails, type FailureOutcome } from './errors';
import { applySettings, restoreSettings, settingsOf } from './file-settings';
import type { FormatPolicy } from './format';
import { sameName, type MigrationFile } from './plan';
import { isUndefinedTable, type RowWrite, type Tracking } from './storage';
import { begin, discardBegun, isScopedTo, rollback, RowNotWritten, sendCommit, withImplicitTransaction } from './transaction';
import type { Direction, Logger, MigrationContext, MigrationModule } from './types';
import { drain, leftBehind, newWatch, runWatched, watchQueries, type StatementObserver } from './watch';

const LOCK_NOT_AVAILABLE = '55P03';
/** "CREATE INDEX CONCURRENTLY cannot run inside a transaction block", VACUUM, … */
const ACTIVE_SQL_TRANSACTION = '25001';

export interface ExecutorOptions {
  sequelize: Sequelize;
  /** A connection of its own, with these session settings, for a file run outside a transaction. */
  connectDedicated: (settings: Record<string, string>) => Sequelize;
  tracking: Tracking;
  policy: FormatPolicy;
  /** Legacy formats: names of files that always run outside a transaction. */
  noTransaction: ReadonlySet<string>;
  context: (sequelize: Sequelize, transaction: Transaction | null) => MigrationContext;
  logger: Logger;
  lockRetries: number;
  signal?: AbortSignal;
}

export interface FileJob {
  file: MigrationFile;
  module: MigrationModule;
  direction: Direction;
  /** Run as a savepoint of this transaction (a dry run, --single-transaction) instead of one of its own. */
  within?: Transaction;
  /** Write (or delete) the tracking row; a dry run records nothing. Default true. */
  track?: boolean;
  /** A dry run collects every statement the file sends here. */
  statements?: string[];
  /** Lint: called around each statement the file sends (see watch.ts). */
  observe?: StatementObserver;
  /**
   * The next file of the run runs in a transaction too: this file's COMMIT begins that one (see
   * sendCommit), and `execute` returns while it is on its way (the next `execute` or `settle` learns how it ended).
   */
  chain?: boolean;
  /** Called once the file is done: its COMMIT has landed (or, outside a transaction, its row is written). */
  onCommitted?: () => void;
}

/** A file's COMMIT on its way, and the transaction it begins for the next file. */
interface Landing {
  job: FileJob;
  next: Transaction;
  /** The next file runs in `next` (and rolls it back if it fails): it is not handed out again. */
  taken: boolean;
  /** The COMMIT has landed: the next file's statements may go. Rejects with the file's Failure. */
  landed: Promise<void>;
  /** …and the file has been reported done: the next file's COMMIT may go. Rejects with the file's Failure. */
  committed: Promise<void>;
}

/** A statement of a file whose previous file's COMMIT failed: never sent. */
class PreviousNotCommitted extends Error {
  constructor(previous: string) {
    super(`not sent: the COMMIT of ${previous}, before this file, failed`);
  }
}

/** The caller's onCommitted threw: not the file's failure (its COMMIT landed), so rethrown as it is. */
class CallerError {
  constructor(readonly error: unknown) {}
}

/** Tells the caller the file is done; what its callback throws passes the failure handling by. */
function reportDone(job: FileJob): void {
  try {
    job.onCommitted?.();
  } catch (error) {
    throw new CallerError(error);
  }
}

/** A down (or up) that dropped updown's own tracking table: its row cannot be written. */
class TrackingTableDroppedError extends Error {}

/** A failure on its way out, with what it left behind. */
class Failure {
  constructor(readonly cause: unknown, readonly outcome: FailureOutcome) {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The next turn of the event loop, after what the current one has queued (the next file's first statement). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rejects as soon as the run is interrupted, so a file stuck in JavaScript does not hold the lock. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError(signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A name a legacy file used without having it: most often `Sequelize` in a down(queryInterface). */
function hintFor(cause: unknown, direction: Direction): string | undefined {
  const missing = cause instanceof ReferenceError ? /^(\w+) is not defined/.exec(cause.message)?.[1] : undefined;
  if (!missing) return undefined;
  if (missing === 'Sequelize') return `${direction}() uses \`Sequelize\` but does not take it as a parameter: write \`async ${direction}(queryInterface, Sequelize)\``;
  return `${direction}() uses \`${missing}\`, which it neither takes as a parameter nor imports`;
}

export class Executor {
  /** The last file's COMMIT, on its way while the next file starts (`chain`); cleared once known to have landed. */
  private landing: Landing | undefined;
  /** The transaction a landed COMMIT began for the next file, until that file takes it. */
  private begun: Transaction | undefined;

  constructor(private readonly options: ExecutorOptions) {}

  /** Whether the file runs in a transaction (its own, or a savepoint), as far as is known before it runs. */
  runsInside(file: MigrationFile, module: MigrationModule): boolean {
    // Asked twice per file on the run's path: the list is read only for the legacy formats that have one.
    const { legacy } = this.options.policy;
    return !(module.transaction === false || (legacy && [...this.options.noTransaction].some((name) => sameName(file.name, name))));
  }

  /** Ends a transaction begun for a file that did not come; the run's end calls it. */
  async release(): Promise<void> {
    const landing = this.landing;
    this.landing = undefined;
    if (landing && !landing.taken) this.begun = await landing.committed.then(() => landing.next, () => undefined);
    const begun = this.begun;
    this.begun = undefined;
    if (begun) await discardBegun(begun);
  }

  /** Waits for the last file's COMMIT if it is still on its way: throws that file's failure (after its retries). */
  async settle(): Promise<void> {
    await this.settlePrevious();
  }

  /** Calls `fn` once the file before has landed (at once if none is on its way); never, when it failed. */
  afterPrevious(fn: () => void): void {
    if (this.landing) void this.landing.committed.then(fn, () => undefined);
    else fn();
  }

  /**
   * Runs one file to its end, or with `job.chain` until its COMMIT is on its way; throws
   * MigrationFailedError (or InterruptedError) saying what it left behind.
   */
  execute(job: FileJob): Promise<void> {
    return this.attempts(job);
  }

  /** The attempts at a file; a COMMIT that failed while the next file ran comes back as `landedFailure`, handled as any other failure. */
  private async attempts(job: FileJob, landedFailure?: Failure): Promise<void> {
    const { policy, logger, lockRetries, signal } = this.options;
    const { file } = job;
    let outside = !this.runsInside(file, job.module);
    if (outside && job.within) throw new NeedsOwnTransactionError(file.name, file.path, 'runs outside a transaction');
    for (let attempt = 1, delay = 500, landed = landedFailure; ; landed = undefined) {
      try {
        if (landed) throw landed;
        return outside ? await this.runOutside(job) : await this.runInside(job);
      } catch (error) {
        if (error instanceof CallerError) throw error.error;
        // The file before comes first: its COMMIT may have failed while this one waited to send.
        if (await this.settlePrevious()) continue;
        const failure = error instanceof Failure ? error : new Failure(error, { kind: 'rolled-back' });
        const code = pgDetails(failure.cause).code;
        if (signal?.aborted) throw this.interrupted(job, signal, outside);
        if (!outside && policy.legacy && code === ACTIVE_SQL_TRANSACTION) {
          if (job.within) throw new NeedsOwnTransactionError(file.name, file.path, `sends a statement that cannot run in a transaction (${(failure.cause as Error).message})`);
          logger.warn(
            `${file.name}: ${(failure.cause as Error).message}; rolled back, and run again outside a transaction as the tool it was written for did ` +
              '(list it in `noTransaction` to skip the first attempt)',
          );
          outside = true;
          continue;
        }
        if (!outside && code === LOCK_NOT_AVAILABLE && attempt <= lockRetries) {
          logger.warn(`${file.name}: could not get a lock in time (55P03), attempt ${attempt} of ${lockRetries + 1}; rolled back, retrying in ${delay} ms`);
          await sleep(delay);
          attempt += 1;
          delay *= 2;
          continue;
        }
        throw new MigrationFailedError({
          migration: file.name,
          file: file.path,
          direction: job.direction,
          cause: failure.cause,
          outcome: failure.outcome,
          hint: hintFor(failure.cause, job.direction) ?? (code === ACTIVE_SQL_TRANSACTION ? policy.optOut : undefined),
        });
      }
    }
  }

  /**
   * The previous file's COMMIT, if it was still on its way: true when it had failed and that file
   * then ran again and committed (the caller starts over); throws that file's failure otherwise.
   */
  private async settlePrevious(): Promise<boolean> {
    const landing = this.landing;
    if (!landing) return false;
    this.landing = undefined;
    const failure = await landing.committed.then(
      () => undefined,
      (error: Failure) => error,
    );
    if (!failure) {
      if (!landing.taken) this.begun = landing.next;
      return false;
    }
    // A reporter that threw is not the file's failure: its COMMIT landed.
    if (failure instanceof CallerError) throw failure.error;
    if (!(failure instanceof Failure)) throw failure;
    await this.attempts(landing.job, failure);
    return true;
  }

  /** In a transaction of its own (or a savepoint of `within`), committed with its tracking row. */
  private async runInside(job: FileJob): Promise<void> {
    const { sequelize } = this.options;
    const { transaction: taken, gate, reported } = await this.takeBegun(job.within);
    const transaction = taken ?? (await begin(sequelize, job.within));
    const settings = settingsOf(job.module);
    const ownSettings = Object.keys(settings).length > 0;
    try {
      if (ownSettings) await gate;
      await applySettings(sequelize, transaction, settings);
      await this.call(job, this.options.context(sequelize, transaction), transaction, gate);
      if (job.within && ownSettings) await restoreSettings(sequelize, transaction, settings);
      // Nothing of this file commits before the file before it has, and has been reported.
      await reported;
      this.landing = undefined;
    } catch (error) {
      // Once the previous COMMIT has landed, this transaction has either begun (and is rolled back) or never will.
      await gate?.catch(() => undefined);
      await rollback(transaction).catch(() => undefined);
      throw new Failure(error, { kind: 'rolled-back' });
    }
    // The tracking row rides in the COMMIT's round trip, and so does the next file's BEGIN.
    const sent = sendCommit(sequelize, transaction, { along: this.rowOf(job), beginNext: job.chain === true });
    const landed = this.outcome(job, transaction, sent.landed);
    if (!sent.next) return landed.then(() => reportDone(job));
    // Reported a turn later: the next file's first statement, waiting at its gate, is written first.
    const committed = landed.then(nextTurn).then(() => reportDone(job));
    committed.catch(() => undefined); // the next execute (or settle) reports it
    this.landing = { job, next: sent.next, landed, committed, taken: false };
  }

  /** A COMMIT's outcome: landed, or the file's Failure (a failed row rolled back first). */
  private outcome(job: FileJob, transaction: Transaction, commit: Promise<unknown>): Promise<void> {
    return commit.then(
      () => undefined,
      async (error: unknown) => {
        const rowFailed = error instanceof RowNotWritten;
        // A failed COMMIT has already ended the transaction: PostgreSQL rolled it back.
        if (rowFailed) await rollback(transaction).catch(() => undefined);
        throw new Failure(rowFailed ? this.trackingFailure(job, error.cause) : error, { kind: 'rolled-back', atCommit: !rowFailed && !job.within });
      },
    );
  }

  /**
   * The transaction the previous file's commit began, when it is of the kind this file needs; the
   * gate this file's statements wait at while that COMMIT is on its way, and the one its own
   * COMMIT waits at until that file has been reported.
   */
  private async takeBegun(within: Transaction | undefined): Promise<{ transaction?: Transaction; gate?: Promise<void>; reported?: Promise<void> }> {
    const landing = this.landing;
    if (landing && !landing.taken && isScopedTo(landing.next, within)) {
      landing.taken = true;
      const previous = landing.job.file.name;
      const [gate, reported] = [landing.landed, landing.committed].map((step) =>
        step.catch(() => {
          throw new PreviousNotCommitted(previous);
        }),
      );
      // Both are seen by settlePrevious, with the previous file's own failure.
      for (const step of [gate, reported]) step.catch(() => undefined);
      return { transaction: landing.next, gate, reported };
    }
    const begun = landing ? undefined : this.begun;
    if (begun && isScopedTo(begun, within)) {
      this.begun = undefined;
      return { transaction: begun };
    }
    await this.settlePrevious();
    await this.release();
    return {};
  }

  /** On a connection of its own with no transaction; a failure leaves the `failed` mark, or says it could not. */
  private async runOutside(job: FileJob): Promise<void> {
    const { connectDedicated, signal, tracking } = this.options;
    await this.settlePrevious();
    await this.release();
    const dedicated = connectDedicated(settingsOf(job.module));
    watchQueries(dedicated, signal);
    try {
      await this.call(job, this.options.context(dedicated, null), null);
      if (job.track !== false) await this.track(job, null);
    } catch (error) {
      let markError: unknown;
      if (job.track !== false) await tracking.record(job.file.name, 'failed', null).catch((failed: unknown) => (markError = failed));
      throw new Failure(error, { kind: 'outside-transaction', ...(markError !== undefined ? { markError } : {}) });
    } finally {
      await dedicated.close().catch(() => undefined);
    }
    reportDone(job);
  }

  /** Calls up/down with `transaction` as the implicit one; settles what it left running. */
  private async call(job: FileJob, context: MigrationContext, transaction: Transaction | null, gate?: Promise<void>): Promise<void> {
    const { file, module, direction } = job;
    const watch = newWatch(file.path, job.statements, job.observe, gate);
    const work = withImplicitTransaction(transaction, () => runWatched(watch, () => module[direction]!({ name: file.name, path: file.path, context })));
    await untilAborted(work, this.options.signal);
    if (!(await leftBehind(watch))) return;
    if (!this.options.policy.legacy) {
      throw new Error(
        `${direction}() returned while a query it started was still running or not yet started: a missing \`await\`? ` +
          'Await every queryInterface and sequelize call, or its result depends on timing and may land outside the transaction',
      );
    }
    this.options.logger.warn(`${file.name}: ${direction}() returned before a query it started had finished (a missing \`await\`); waited for it before committing`);
    await untilAborted(drain(watch), this.options.signal);
  }

  /** The statement that records the file's outcome, sent with its COMMIT; none in a dry run. */
  private rowOf(job: FileJob): RowWrite | undefined {
    if (job.track === false) return undefined;
    const { tracking } = this.options;
    return job.direction === 'up' ? tracking.recordStatement(job.file.name, 'applied') : tracking.forgetStatement(job.file.name);
  }

  /** Outside a transaction, the row is written on its own once the file is done. */
  private async track(job: FileJob, transaction: Transaction | null): Promise<void> {
    const { tracking } = this.options;
    try {
      if (job.direction === 'up') await tracking.record(job.file.name, 'applied', transaction);
      else await tracking.forget(job.file.name, transaction);
    } catch (error) {
      throw this.trackingFailure(job, error);
    }
  }

  /** A row that could not be written because the file dropped the tracking table says so. */
  private trackingFailure(job: FileJob, error: unknown): unknown {
    if (!isUndefinedTable(error)) return error;
    return new TrackingTableDroppedError(
      `${job.direction}() dropped the tracking table ${this.options.tracking.tableName} (a dropAllTables()?): a migration must leave updown's tables alone; ` +
        'pass `{ skip: [...] }` or drop only the tables it created',
      { cause: error },
    );
  }

  private interrupted(job: FileJob, signal: AbortSignal, outside: boolean): InterruptedError {
    return new InterruptedError(signal.reason, { migration: job.file.name, file: job.file.path, outsideTransaction: outside });
  }
}

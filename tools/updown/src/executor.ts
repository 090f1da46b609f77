/**
 * One file's whole life, top to bottom, in one place: begin (or take the transaction the previous
 * file's COMMIT began) → session settings → up/down → tracking row and COMMIT in one round trip;
 * or rollback → `failed` mark → lock-timeout retry. The tracking row is written here, inside the
 * file's transaction (as MikroORM does on top of Umzug), so Umzug only sequences the files and its
 * storage records nothing itself.
 */
import type { Sequelize, Transaction } from 'sequelize';
import { parseDuration } from './duration';
import { InterruptedError, MigrationFailedError, NeedsOwnTransactionError, pgDetails, type FailureOutcome } from './errors';
import type { FormatPolicy } from './format';
import { sameName, type MigrationFile } from './plan';
import { isUndefinedTable, type RowWrite, type Tracking } from './storage';
import { begin, commitQuietly, discardBegun, isScopedTo, rollback, RowNotWritten, withImplicitTransaction } from './transaction';
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
  /** The next file of the run runs in a transaction too: its COMMIT begins that one (see commitQuietly). */
  chain?: boolean;
}

/** A down (or up) that dropped updown's own tracking table: its row cannot be written. */
class TrackingTableDroppedError extends Error {}

/** A failure on its way out, with what it left behind. */
class Failure {
  constructor(readonly cause: unknown, readonly outcome: FailureOutcome) {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A file's own `timeouts`, as session settings (the run's defaults are on every connection). */
function overridesFor(module: MigrationModule): Record<string, string> {
  const overrides: Record<string, string> = {};
  if (module.timeouts?.lock) overrides.lock_timeout = `${parseDuration(module.timeouts.lock)}ms`;
  if (module.timeouts?.statement) overrides.statement_timeout = `${parseDuration(module.timeouts.statement)}ms`;
  return overrides;
}

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
  /** The transaction the last commit began for the next file (`chain`), until that file takes it. */
  private begun: Transaction | undefined;

  constructor(private readonly options: ExecutorOptions) {}

  /** Whether the file runs in a transaction (its own, or a savepoint), as far as is known before it runs. */
  runsInside(file: MigrationFile, module: MigrationModule): boolean {
    const listed = [...this.options.noTransaction].some((name) => sameName(file.name, name));
    return !(module.transaction === false || (this.options.policy.legacy && listed));
  }

  /** Ends a transaction begun for a file that did not come; the run's end calls it. */
  async release(): Promise<void> {
    const begun = this.begun;
    this.begun = undefined;
    if (begun) await discardBegun(begun);
  }

  /** Runs one file to its end; throws MigrationFailedError (or InterruptedError) saying what it left behind. */
  async execute(job: FileJob): Promise<void> {
    const { policy, logger, lockRetries, signal } = this.options;
    const { file } = job;
    let outside = !this.runsInside(file, job.module);
    if (outside && job.within) throw new NeedsOwnTransactionError(file.name, file.path, 'runs outside a transaction');
    for (let attempt = 1, delay = 500; ; ) {
      try {
        return outside ? await this.runOutside(job) : await this.runInside(job);
      } catch (error) {
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

  /** In a transaction of its own (or a savepoint of `within`), committed with its tracking row. */
  private async runInside(job: FileJob): Promise<void> {
    const { sequelize } = this.options;
    const transaction = (await this.takeBegun(job.within)) ?? (await begin(sequelize, job.within));
    let committing = false;
    const overrides = overridesFor(job.module);
    try {
      await this.applySettings(transaction, overrides);
      await this.call(job, this.options.context(sequelize, transaction), transaction);
      // A local setting outlives a savepoint: the files after this one get the run's defaults back.
      if (job.within && Object.keys(overrides).length > 0) await this.restoreSettings(transaction, overrides);
      committing = true;
      // The tracking row rides in the COMMIT's round trip, and so does the next file's BEGIN.
      this.begun = await commitQuietly(sequelize, transaction, { along: this.rowOf(job), beginNext: job.chain === true });
    } catch (error) {
      const rowFailed = error instanceof RowNotWritten;
      // A failed COMMIT has already ended the transaction: PostgreSQL rolled it back.
      if (!committing || rowFailed) await rollback(transaction).catch(() => undefined);
      throw new Failure(rowFailed ? this.trackingFailure(job, error.cause) : error, { kind: 'rolled-back', atCommit: committing && !rowFailed && !job.within });
    }
  }

  /** The transaction the previous file's commit began, when it is of the kind this file needs. */
  private async takeBegun(within: Transaction | undefined): Promise<Transaction | undefined> {
    const begun = this.begun;
    if (!begun || !isScopedTo(begun, within)) return void (await this.release());
    this.begun = undefined;
    return begun;
  }

  /** On a connection of its own with no transaction; a failure leaves the `failed` mark, or says it could not. */
  private async runOutside(job: FileJob): Promise<void> {
    const { connectDedicated, signal, tracking } = this.options;
    await this.release();
    const dedicated = connectDedicated(overridesFor(job.module));
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
  }

  /** Calls up/down with `transaction` as the implicit one; settles what it left running. */
  private async call(job: FileJob, context: MigrationContext, transaction: Transaction | null): Promise<void> {
    const { file, module, direction } = job;
    const watch = newWatch(file.path, job.statements, job.observe);
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

  private async applySettings(transaction: Transaction, settings: Record<string, string>): Promise<void> {
    const names = Object.keys(settings);
    if (names.length === 0) return;
    const sql = `SELECT ${names.map((name, i) => `set_config('${name}', $${i + 1}, true)`).join(', ')}`;
    await this.options.sequelize.query(sql, { bind: Object.values(settings), transaction });
  }

  private async restoreSettings(transaction: Transaction, settings: Record<string, string>): Promise<void> {
    // The names come from overridesFor (lock_timeout, statement_timeout), never from a file.
    const sql = Object.keys(settings).map((name) => `SET LOCAL ${name} TO DEFAULT`).join('; ');
    await this.options.sequelize.query(sql, { transaction });
  }

  private interrupted(job: FileJob, signal: AbortSignal, outside: boolean): InterruptedError {
    return new InterruptedError(signal.reason, { migration: job.file.name, file: job.file.path, outsideTransaction: outside });
  }
}

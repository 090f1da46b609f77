import type { Sequelize, Transaction } from 'sequelize';
import type { Umzug } from 'umzug';
import { parseDuration } from './duration';
import { InterruptedError, IrreversibleMigrationError, MigrationFailedError, pgDetails } from './errors';
import { checkReversible } from './change';
import { listFiles, loadModule } from './loader';
import type { AppliedEntry, MigrationFile } from './plan';
import { quoteIdent } from './quote';
import { TrackingStorage } from './storage';
import { MigrationTransaction } from './transaction';
import type { Direction, ExecutedItem, Logger, MigrationContext, MigrationModule, PreviewItem, StreamKind } from './types';
import { runWatched, settle, watchQueries, type FileWatch } from './watch';

export interface StreamOptions {
  sequelize: Sequelize;
  /** A connection of its own, with these session settings, for a file run outside a transaction. */
  connectDedicated: (settings: Record<string, string>) => Sequelize;
  schema: string;
  kind: StreamKind;
  dir: string;
  env: string;
  logger: Logger;
  lockRetries: number;
  signal?: AbortSignal;
}

interface InFlight {
  file: MigrationFile;
  started: number;
}

const LOCK_NOT_AVAILABLE = '55P03';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Umzug's package entry also loads its command-line parser (@rushstack/ts-command-line, about
 * 70 ms per process); updown has its own CLI and needs only the engine, loaded when a run starts.
 */
function loadUmzug(): { Umzug: typeof Umzug; RerunBehavior: typeof import('umzug').RerunBehavior } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Umzug: Engine } = require('umzug/lib/umzug') as typeof import('umzug');
  const { RerunBehavior } = require('umzug/lib/types') as typeof import('umzug');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { Umzug: Engine, RerunBehavior };
}

/** Sequelize keeps its resolved options on the instance but does not type them. */
function optionsOf(sequelize: Sequelize): { databaseVersion?: string; dialectOptions?: { application_name?: string } } {
  return (sequelize as unknown as { options: ReturnType<typeof optionsOf> }).options;
}

/** A file's own `timeouts`, as session settings (the run's defaults are on every connection). */
function overridesFor(module: MigrationModule): Record<string, string> {
  const overrides: Record<string, string> = {};
  if (module.timeouts?.lock) overrides.lock_timeout = `${parseDuration(module.timeouts.lock)}ms`;
  if (module.timeouts?.statement) overrides.statement_timeout = `${parseDuration(module.timeouts.statement)}ms`;
  return overrides;
}

/**
 * One stream (migrations or seeds): its folder, its tracking table, and an Umzug that runs a
 * planned list of files, each in its own transaction together with its tracking row.
 */
export class Stream {
  readonly storage: TrackingStorage;
  private readonly unit: MigrationTransaction;

  constructor(private readonly options: StreamOptions) {
    this.unit = new MigrationTransaction(options.sequelize);
    this.storage = new TrackingStorage(options.sequelize, options.schema, options.kind, this.unit);
    watchQueries(options.sequelize, options.signal);
  }

  get kind(): StreamKind {
    return this.options.kind;
  }

  private listing: MigrationFile[] | undefined;

  /** The folder's files, read once per stream (a command does not outlive an edit). */
  files(): MigrationFile[] {
    if (!this.listing) {
      this.listing = listFiles(this.options.dir);
      this.storage.know(this.listing);
    }
    return this.listing;
  }

  async applied(): Promise<AppliedEntry[]> {
    return this.storage.applied();
  }

  /**
   * Runs the planned files in order. Each file's work and its tracking row commit together; on
   * failure the open transaction is rolled back and a MigrationFailedError names the file.
   */
  async run(direction: Direction, planned: MigrationFile[], onExecuted: (item: ExecutedItem) => void): Promise<void> {
    const modules = await this.load(direction, planned);
    let inFlight: InFlight | undefined;
    const runFile = (file: MigrationFile) => async (params: { context: MigrationContext }) => {
      if (this.options.signal?.aborted) throw new InterruptedError(this.options.signal.reason);
      inFlight = { file, started: Date.now() };
      await this.runWithRetries(file, modules.get(file.name)!, direction, params.context);
    };
    const umzug = new (loadUmzug().Umzug)<MigrationContext>({
      migrations: planned.map((file) => ({ name: file.name, path: file.path, up: runFile(file), down: runFile(file) })),
      context: () => this.context(this.options.sequelize, null),
      storage: this.storage,
      logger: undefined,
    });
    umzug.on(direction === 'up' ? 'migrated' : 'reverted', async () => {
      await this.unit.commit();
      onExecuted({ name: inFlight!.file.name, direction, durationMs: Date.now() - inFlight!.started });
      inFlight = undefined;
    });
    const cancel = () => void this.cancelStatements();
    this.options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      const names = planned.map((file) => file.name);
      const run = { migrations: names, rerun: loadUmzug().RerunBehavior.ALLOW };
      await (direction === 'up' ? umzug.up(run) : umzug.down(run));
    } catch (error) {
      throw await this.failed(error, inFlight, modules, direction);
    } finally {
      this.options.signal?.removeEventListener('abort', cancel);
    }
  }

  /**
   * A dry run: every planned file runs inside one transaction that is rolled back at the end, and
   * the statements each one sends are collected. Nothing is recorded; a file outside a
   * transaction cannot be previewed and is not run.
   */
  async preview(direction: Direction, planned: MigrationFile[]): Promise<PreviewItem[]> {
    const modules = await this.load(direction, planned);
    const { sequelize } = this.options;
    const transaction = await sequelize.transaction();
    const items: PreviewItem[] = [];
    try {
      // As a real run would, inside the transaction that is rolled back.
      await sequelize.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.options.schema)}`, { transaction });
      for (const file of planned) {
        const module = modules.get(file.name)!;
        if (module.transaction === false) {
          items.push({ name: file.name, direction, previewable: false, statements: [] });
          continue;
        }
        const statements: string[] = [];
        items.push({ name: file.name, direction, previewable: true, statements });
        try {
          await this.applySettings(transaction, overridesFor(module));
          await this.unit.run(transaction, () => this.call(file, module, direction, this.context(sequelize, transaction), statements));
        } catch (error) {
          throw new MigrationFailedError({ migration: file.name, file: file.path, direction, cause: error, rolledBack: true });
        }
      }
      return items;
    } finally {
      await transaction.rollback();
    }
  }

  /** Loads every file first: a syntax error or a missing down() refuses before anything runs. */
  private async load(direction: Direction, planned: MigrationFile[]): Promise<Map<string, MigrationModule>> {
    const modules = new Map(planned.map((file) => [file.name, loadModule(file)] as const));
    if (direction === 'down') {
      const irreversible = planned.find((file) => !modules.get(file.name)?.down);
      if (irreversible) throw new IrreversibleMigrationError(irreversible.name, irreversible.path);
      // A `change` whose down cannot be derived refuses here, before any file is reverted.
      const context = this.context(this.options.sequelize, null);
      for (const file of planned) await checkReversible(file, modules.get(file.name)!, context);
    }
    return modules;
  }

  private async applySettings(transaction: Transaction, settings: Record<string, string>): Promise<void> {
    const names = Object.keys(settings);
    if (names.length === 0) return;
    const sql = `SELECT ${names.map((name, i) => `set_config('${name}', $${i + 1}, true)`).join(', ')}`;
    await this.options.sequelize.query(sql, { bind: Object.values(settings), transaction });
  }

  /** Rolls back what is open, marks a half-run non-transactional file, and names the file. */
  private async failed(error: unknown, inFlight: InFlight | undefined, modules: Map<string, MigrationModule>, direction: Direction): Promise<unknown> {
    const rolledBack = this.unit.transaction !== null;
    await this.unit.rollback().catch(() => undefined);
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (!inFlight) return cause;
    const { name, path } = inFlight.file;
    const outsideTransaction = !rolledBack && modules.get(name)?.transaction === false;
    if (outsideTransaction) await this.storage.record(name, 'failed').catch(() => undefined);
    if (this.options.signal?.aborted) return new InterruptedError(this.options.signal.reason, { migration: name, file: path, outsideTransaction });
    return new MigrationFailedError({ migration: name, file: path, direction, cause, rolledBack });
  }

  /** A file that hit lock_timeout is rolled back and tried again with backoff; nothing else is. */
  private async runWithRetries(file: MigrationFile, module: MigrationModule, direction: Direction, base: MigrationContext): Promise<void> {
    const { lockRetries, logger } = this.options;
    for (let attempt = 1, delay = 500; ; attempt++, delay *= 2) {
      try {
        return await this.runOnce(file, module, direction, base);
      } catch (error) {
        const retryable = pgDetails(error).code === LOCK_NOT_AVAILABLE && module.transaction !== false && !this.options.signal?.aborted;
        if (!retryable || attempt > lockRetries) throw error;
        await this.unit.rollback();
        logger.warn(`${file.name}: could not get a lock in time (55P03), attempt ${attempt} of ${lockRetries + 1}; rolled back, retrying in ${delay} ms`);
        await sleep(delay);
      }
    }
  }

  private async runOnce(file: MigrationFile, module: MigrationModule, direction: Direction, base: MigrationContext): Promise<void> {
    const overrides = overridesFor(module);
    if (module.transaction === false) {
      const dedicated = this.options.connectDedicated(overrides);
      watchQueries(dedicated, this.options.signal);
      try {
        await this.unit.run(null, () => this.call(file, module, direction, this.context(dedicated, null)));
      } finally {
        await dedicated.close();
      }
      return;
    }
    const transaction = await this.unit.begin();
    await this.applySettings(transaction, overrides);
    await this.unit.run(transaction, () => this.call(file, module, direction, { ...base, transaction }));
  }

  /** Calls up/down and fails it if it left a query running (a missing `await`). */
  private async call(file: MigrationFile, module: MigrationModule, direction: Direction, context: MigrationContext, statements?: string[]): Promise<void> {
    const watch: FileWatch = { file: file.path, inFlight: 0, returned: false, startedAfterReturn: 0, statements };
    await runWatched(watch, () => module[direction]!({ name: file.name, path: file.path, context }));
    watch.returned = true;
    await settle();
    if (watch.inFlight > 0 || watch.startedAfterReturn > 0) {
      throw new Error(
        `${direction}() returned while a query it started was still running or not yet started: a missing \`await\`? ` +
          'Await every queryInterface and sequelize call, or its result depends on timing and may land outside the transaction',
      );
    }
  }

  /** On SIGINT/SIGTERM: cancel whatever this process is running on the server. */
  private async cancelStatements(): Promise<void> {
    const { sequelize } = this.options;
    const name = String(optionsOf(sequelize).dialectOptions?.application_name ?? '');
    await sequelize
      .query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid() AND state <> 'idle'", {
        bind: [name],
        transaction: null,
      })
      .catch(() => undefined);
  }

  private context(sequelize: Sequelize, transaction: MigrationContext['transaction']): MigrationContext {
    const { schema, env, logger } = this.options;
    return { queryInterface: sequelize.getQueryInterface(), sequelize, transaction, schema, env, logger };
  }
}

import type { Sequelize, Transaction } from 'sequelize';
import type { UmzugStorage } from 'umzug';
import { loadUmzug } from './umzug-engine';
import { checkReversible } from './change';
import { IrreversibleMigrationError, NeedsOwnTransactionError } from './errors';
import { Executor, type FileJob } from './executor';
import { policyOf } from './format';
import { importModule, listFiles } from './loader';
import { misnamedFileWarnings } from './name-check';
import { sameName, type AppliedEntry, type MigrationFile } from './plan';
import { quoteIdent } from './quote';
import { createTracking, type Tracking } from './storage';
import { joinFileTransactions } from './transaction';
import type { Direction, ExecutedItem, Logger, MigrationContext, MigrationModule, PreviewItem, RunOptions, StartedItem, StreamKind, StreamLayout } from './types';
import { checkWritten } from './unwritten';
import { watchQueries } from './watch';

export interface StreamOptions {
  sequelize: Sequelize;
  /** A connection of its own, with these session settings, for a file run outside a transaction. */
  connectDedicated: (settings: Record<string, string>) => Sequelize;
  schema: string;
  kind: StreamKind;
  dir: string;
  layout: StreamLayout;
  env: string;
  logger: Logger;
  lockRetries: number;
  signal?: AbortSignal;
  onStarted?: (item: StartedItem) => void;
  /** Lint: an observer for each file's statements (see watch.ts). */
  observe?: RunOptions['observe'];
}

/** The executor writes each row inside the file's transaction; Umzug's own bookkeeping does nothing. */
const RECORDED_BY_EXECUTOR: UmzugStorage = {
  logMigration: async () => undefined,
  unlogMigration: async () => undefined,
  executed: async () => [],
};

/** Sequelize keeps its resolved options on the instance but does not type them. */
function applicationNameOf(sequelize: Sequelize): string {
  const options = (sequelize as unknown as { options: { dialectOptions?: { application_name?: string } } }).options;
  return String(options.dialectOptions?.application_name ?? '');
}

/**
 * One stream (migrations or seeds): its folder, its tracking store, and an Umzug that runs a
 * planned list of files in order, each one by the executor.
 */
export class Stream {
  readonly storage: Tracking;
  private readonly executor: Executor;

  constructor(private readonly options: StreamOptions) {
    const { sequelize, layout } = options;
    this.storage = createTracking(sequelize, options.schema, options.kind, layout);
    watchQueries(sequelize, options.signal);
    joinFileTransactions(sequelize);
    this.executor = new Executor({
      sequelize,
      connectDedicated: options.connectDedicated,
      tracking: this.storage,
      policy: policyOf(layout.format ?? 'updown'),
      noTransaction: new Set(layout.noTransaction ?? []),
      context: (connection, transaction) => this.context(connection, transaction),
      logger: options.logger,
      lockRetries: options.lockRetries,
      signal: options.signal,
    });
  }

  get kind(): StreamKind {
    return this.options.kind;
  }

  get layout(): StreamLayout {
    return this.options.layout;
  }

  private listing: MigrationFile[] | undefined;

  /**
   * The folder's files, read once per stream (a command does not outlive an edit); `listed`, what
   * the command read of the same folder a moment before (`up`, before taking the lock), is used
   * instead of reading every file and its checksum again.
   */
  files(listed?: MigrationFile[]): MigrationFile[] {
    if (!this.listing) {
      this.listing = listed ?? listFiles(this.options.dir, this.options.layout);
      this.storage.know(this.listing);
      for (const warning of misnamedFileWarnings(this.options.dir, this.options.layout.format)) this.options.logger.warn(warning);
    }
    return this.listing;
  }

  async applied(): Promise<AppliedEntry[]> {
    return this.storage.applied();
  }

  /**
   * Runs the planned files in order, each through the executor; `within` runs every file as a
   * savepoint of one transaction the caller owns. Stops at the first failure, which names the file.
   */
  async run(direction: Direction, planned: MigrationFile[], onExecuted: (item: ExecutedItem) => void, within?: Transaction): Promise<void> {
    const modules = await this.load(direction, planned);
    if (within) this.refuseOutsideFiles(planned, modules);
    await this.ready();
    const execute = (file: MigrationFile, index: number) => async () => {
      const started = Date.now();
      // Reported in order: this file starts once the one before it has landed (its COMMIT may still be on its way).
      this.executor.afterPrevious(() => this.options.onStarted?.({ name: file.name, direction, stream: this.options.kind, index: index + 1, total: planned.length }));
      const module = modules.get(file.name)!;
      const next = planned[index + 1];
      const chain = next !== undefined && this.executor.runsInside(next, modules.get(next.name)!);
      const onCommitted = () => onExecuted({ name: file.name, direction, durationMs: Date.now() - started });
      await this.executor.execute({ file, module, direction, within, observe: this.options.observe?.(file, module, direction), chain, onCommitted });
    };
    const { Umzug: Engine, RerunBehavior } = loadUmzug();
    const umzug = new Engine<MigrationContext>({
      migrations: planned.map((file, index) => ({ name: file.name, path: file.path, up: execute(file, index), down: execute(file, index) })),
      context: () => this.context(this.options.sequelize, null),
      storage: RECORDED_BY_EXECUTOR,
      logger: undefined,
    });
    const cancel = () => void this.cancelStatements();
    this.options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      const run = { migrations: planned.map((file) => file.name), rerun: RerunBehavior.ALLOW };
      await (direction === 'up' ? umzug.up(run) : umzug.down(run));
      // The last file's COMMIT is always awaited; this only guards a run that ended between files.
      await this.executor.settle();
    } catch (error) {
      // Umzug wraps what the executor threw in its MigrationError.
      throw (error as { cause?: unknown }).cause ?? error;
    } finally {
      this.options.signal?.removeEventListener('abort', cancel);
      // A run that stopped before its next file leaves no transaction open for it. One that cannot
      // be ended is on a broken connection, which the session closes (the server rolls it back).
      await this.executor.release().catch(() => undefined);
    }
  }

  /**
   * A dry run: every planned file runs as a savepoint of one transaction that is rolled back at
   * the end, and the statements each one sends are collected. Nothing is recorded; a file outside
   * a transaction cannot be previewed and is not run.
   */
  async preview(direction: Direction, planned: MigrationFile[]): Promise<PreviewItem[]> {
    const modules = await this.load(direction, planned);
    const { sequelize } = this.options;
    const transaction = await sequelize.transaction({ transaction: null } as never as { transaction?: Transaction });
    const items: PreviewItem[] = [];
    try {
      // As a real run would, inside the transaction that is rolled back.
      await sequelize.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.options.schema)}`, { transaction });
      for (const file of planned) {
        const module = modules.get(file.name)!;
        const statements: string[] = [];
        const previewable = module.transaction !== false;
        items.push({ name: file.name, direction, previewable, statements });
        // A `.sql` file's statements are known without running it.
        if (!previewable) {
          statements.push(...((module as { statements?: Partial<Record<Direction, string[]>> }).statements?.[direction] ?? []));
          continue;
        }
        const job: FileJob = { file, module, direction, within: transaction, track: false, statements };
        await this.executor.execute(job);
      }
      return items;
    } finally {
      await transaction.rollback();
    }
  }

  /** In one shared transaction (--single-transaction), a file that must run outside one refuses the plan up front. */
  private refuseOutsideFiles(planned: MigrationFile[], modules: Map<string, MigrationModule>): void {
    const listed = this.options.layout.format !== undefined && this.options.layout.format !== 'updown' ? (this.options.layout.noTransaction ?? []) : [];
    const outside = planned.find((file) => modules.get(file.name)?.transaction === false || listed.some((name) => sameName(file.name, name)));
    if (outside) throw new NeedsOwnTransactionError(outside.name, outside.path, 'runs outside a transaction (`transaction = false` or `noTransaction`)');
  }

  private firstWrite: (() => Promise<void>) | undefined;

  /** Work (tables ensured, history adopted) done once, when a run has loaded and checked its files. */
  beforeFirstWrite(step: () => Promise<void>): void {
    this.firstWrite = step;
  }

  /** Runs the `beforeFirstWrite` step now, if it has not run yet. */
  async ready(): Promise<void> {
    const step = this.firstWrite;
    this.firstWrite = undefined;
    await step?.();
  }

  /** Loads every file first: a syntax error or a missing down() refuses before anything runs. */
  private async load(direction: Direction, planned: MigrationFile[]): Promise<Map<string, MigrationModule>> {
    const modules = new Map<string, MigrationModule>();
    for (const file of planned) modules.set(file.name, await importModule(file, this.options.layout));
    for (const file of planned) checkWritten(file, modules.get(file.name)!, direction, this.options.logger);
    if (direction === 'down') {
      const irreversible = planned.find((file) => !modules.get(file.name)?.down);
      if (irreversible) throw new IrreversibleMigrationError(irreversible.name, irreversible.path);
      // A `change` whose down cannot be derived refuses here, before any file is reverted.
      const context = this.context(this.options.sequelize, null);
      for (const file of planned) await checkReversible(file, modules.get(file.name)!, context);
    }
    return modules;
  }

  /** On SIGINT/SIGTERM: cancel whatever this process is running on the server. */
  private async cancelStatements(): Promise<void> {
    const { sequelize } = this.options;
    await sequelize
      .query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid() AND state <> 'idle'", {
        bind: [applicationNameOf(sequelize)],
        transaction: null,
      })
      .catch(() => undefined);
  }

  private context(sequelize: Sequelize, transaction: MigrationContext['transaction']): MigrationContext {
    const { schema, env, logger } = this.options;
    return { queryInterface: sequelize.getQueryInterface(), sequelize, transaction, schema, env, logger };
  }
}

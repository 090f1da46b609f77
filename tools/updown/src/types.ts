import type { QueryInterface, Sequelize, Transaction } from 'sequelize';
import type { LintResult } from './lint/types';
import type { SqlTracking } from './sql/types';
import type { TenantsFunction } from './tenants/types';
import type { StatementObserver } from './watch';

/** The two streams updown tracks, each in its own folder and tracking table. */
export type StreamKind = 'migrations' | 'seeds';

export type Direction = 'up' | 'down';

/** What a migration or seed receives as `{ context }`. */
export interface MigrationContext {
  queryInterface: QueryInterface;
  sequelize: Sequelize;
  /**
   * The migration's own transaction, or `null` for a file that exports `transaction = false`.
   * Queries join it without being told (CLS); it is here for code that wants to be explicit.
   */
  transaction: Transaction | null;
  /** The schema the migration runs in (also first on the session's search_path). */
  schema: string;
  /** The environment updown runs for (`--env`, `NODE_ENV`, else `development`). */
  env: string;
  logger: Logger;
}

/** The signature of `up` and `down` in a migration or seed file. */
export type Migration = (params: { name: string; path?: string; context: MigrationContext }) => Promise<unknown>;

/** A seed has exactly the same shape as a migration. */
export type Seed = Migration;

/** What a migration or seed file may export. */
export interface MigrationModule {
  up?: Migration;
  down?: Migration;
  /** Instead of up/down: updown runs it as up() and derives down() by inverting its calls (src/change/). */
  change?: Migration;
  /** `false` runs the file outside a transaction (for `CREATE INDEX CONCURRENTLY`). */
  transaction?: boolean;
  /** This file's own PostgreSQL timeouts, e.g. `{ lock: '2s', statement: '1h' }`. */
  timeouts?: { lock?: string; statement?: string };
  /** Seeds only: where the seed may run (default: development and test). */
  environments?: string[];
  /** `updown migrate lint`: findings this file acknowledges, rule → reason, e.g. `{ allow: { 'index-not-concurrent': 'table is empty' } }`. */
  lint?: { allow?: Record<string, string> };
}

/** PostgreSQL's lock_timeout and statement_timeout for each file, in milliseconds. */
export interface Timeouts {
  lockMs: number;
  statementMs: number;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * How a stream's files are shaped (DESIGN "Module shapes"): updown's own
 * `({ context: { queryInterface, … } })`, sequelize-cli's `up(queryInterface, Sequelize)`, or
 * Umzug's README shape `({ context: queryInterface })` (or `context: sequelize`, see `context`), or
 * plain `.sql` files (src/sql/).
 */
export type ModuleFormat = 'updown' | 'sequelize-cli' | 'umzug' | 'sql';

/** How a stream is laid out and tracked, beside its folder. Every field has a default. */
export interface StreamLayout {
  /** Default `updown`. */
  format?: ModuleFormat;
  /** `umzug` format only: what `context` is, the queryInterface (default, Umzug's README) or the Sequelize instance. */
  context?: 'queryInterface' | 'sequelize';
  /** The tracking table (default `SequelizeMeta` for migrations, `SequelizeData` for seeds). */
  table?: string;
  /** The tracking table's schema when it is not the stream's (sequelize-cli's `migrationStorageTableSchema`). */
  tableSchema?: string;
  /** `false`: the stream is not tracked (sequelize-cli's default for seeders): every file runs each time. */
  tracked?: boolean;
  /** `sequelize-cli`/`umzug` formats: file names (with or without extension) that always run outside a transaction. */
  noTransaction?: string[];
  /** `sql` format: who keeps the history (see SqlTracking); default updown's own, or drizzle's in a drizzle-kit folder. */
  tracking?: SqlTracking;
  /** `tracking: 'numbered'`: the column of `table` holding each file's name (default `filename`). */
  column?: string;
  /** `sql` format: environments added per file, e.g. `{ production: ['001_roles.sql'] }` (seeds run by environment). */
  environments?: Record<string, string[]>;
}

/** Where a stream's files live (relative paths are taken from the config file's folder), and its layout. */
export interface StreamConfig extends StreamLayout {
  dir: string;
}

/** The shape of `updown.config.ts` (its default export). */
export interface UpdownConfig {
  migrations: StreamConfig;
  seeds?: StreamConfig;
  /** Default schema when neither `--schema` nor `DATABASE_SCHEMA` is given. */
  schema?: string;
  /**
   * The embedded PostgreSQL used when no URL is given (`--url`, `DATABASE_URL`).
   * `dataDir` is relative to the config file. `database` is created when missing.
   */
  embedded?: { dataDir: string; database?: string };
  /** Defaults for every file: `{ lock: '5s', statement: '15m' }` unless set here or by flags. */
  timeouts?: { lock?: string; statement?: string };
  /** Retries of a file that hit lock_timeout (default 3). */
  lockRetries?: number;
  /** Make `--single-transaction` the default of `up`, `down` and `redo`. */
  singleTransaction?: boolean;
  /** `updown migrate lint` and the lint `up` runs (see src/lint/settings.ts). */
  lint?: LintConfig;
  /** `--tenants`: the tenant schemas, e.g. `async ({ query }) => (await query('SELECT schema_name FROM tenants')).map((r) => r.schema_name)`. */
  tenants?: TenantsFunction;
}

/** How `up` lints: `error` refuses on a finding (the default in production), `warn` prints it (elsewhere), `off`. */
export type LintMode = 'error' | 'warn' | 'off';

export interface LintConfig {
  mode?: LintMode;
  /** Acknowledgements for files that must not be edited (applied ones): file name → rule → reason. */
  allow?: Record<string, Record<string, string>>;
}

/** Options every command takes, resolved from flags, environment and config. */
export interface RunOptions {
  url: string;
  schema: string;
  /** Absolute folder of the stream being run. */
  dir: string;
  kind: StreamKind;
  /** The stream's format and tracking table; updown's own defaults when absent. */
  layout?: StreamLayout;
  env: string;
  /** How long to wait for another runner's lock, in milliseconds. */
  lockTimeoutMs: number;
  logger: Logger;
  /** Defaults for every file; a file may export its own `timeouts`. */
  timeouts: Timeouts;
  /** How many times a file that hit lock_timeout (55P03) is tried again, with backoff. */
  lockRetries: number;
  /** Lets destructive commands run against a production database. */
  allowProduction?: boolean;
  /**
   * `up`, `down`, `redo`: every planned file in one transaction (each a savepoint), all or nothing.
   * A plan holding a file that must run outside a transaction is refused before anything runs.
   */
  singleTransaction?: boolean;
  /** Aborting it (SIGINT/SIGTERM in the CLI) cancels the running statement and rolls back. */
  signal?: AbortSignal;
  /** Called as each file finishes (the CLI prints a line per file from it). */
  onExecuted?: (item: ExecutedItem) => void;
  /** Called as each file starts (the CLI shows a long-running one on a terminal). */
  onStarted?: (item: StartedItem) => void;
  /** Called when the runner starts waiting behind another one. */
  onLockWait?: (holder: LockHolder | undefined) => void;
  /** updown.config.ts `lint`, checked; absent: the defaults (error in production, warn elsewhere). */
  lint?: LintConfig;
  /** Lint: an observer for each file's statements, called as each file starts (see watch.ts). */
  observe?: (file: { name: string; path: string }, module: MigrationModule, direction: Direction) => StatementObserver | undefined;
  /** Shared by a fan-out's tenants, so tenants in the same state are linted once (src/lint/gate.ts). */
  lintMemo?: LintMemo;
  /** @internal Where a run reads its history before anything else (src/reader.ts); a fan-out shares a few connections. */
  historyReader?: HistoryReader;
  /** @internal Shared by a fan-out's tenants: the database's types as Sequelize reads them (src/type-catalog.ts). */
  typeCatalog?: TypeCatalog;
}

/** @internal What Sequelize read of the database's types, shared by a fan-out's instances (src/type-catalog.ts). */
export interface TypeCatalog {
  known?: { nameOidMap: object; enumOids: object };
}

/** The little of a pg client that reading a stream's history needs (src/reader.ts). */
export interface ReadingClient {
  query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** @internal Runs a read on a plain connection the caller provides. */
export type HistoryReader = <T>(read: (client: ReadingClient) => Promise<T>) => Promise<T>;

/** Lint across tenants, by history (the applied names and checksums): the scratch lint's result, and the histories already observed in place. */
export interface LintMemo {
  results: Map<string, Promise<LintResult>>;
  observed: Set<string>;
}

export interface UpOptions {
  to?: string;
  step?: number;
  /** Refuse pending files older than the newest applied one instead of applying them. */
  strictOrder?: boolean;
  /** Run the files in a transaction that is rolled back, and return their SQL; record nothing. */
  dryRun?: boolean;
  /** Production: apply even when lint has findings that are not acknowledged. */
  unsafe?: boolean;
}

export interface DownOptions {
  to?: string;
  step?: number;
  all?: boolean;
  dryRun?: boolean;
}

/** What a dry run found for one file. */
export interface PreviewItem {
  name: string;
  direction: Direction;
  /** False for a file that runs outside a transaction: it is listed, not run. */
  previewable: boolean;
  /** Every statement the file sent, in order (with bound values). */
  statements: string[];
}

export interface ExecutedItem {
  name: string;
  direction: Direction;
  durationMs: number;
  /** Which stream the file belongs to (`db fresh` runs both). */
  stream?: StreamKind;
}

/** A file that starts running: its place among the files of that run (1-based). */
export interface StartedItem {
  name: string;
  direction: Direction;
  stream: StreamKind;
  index: number;
  total: number;
}

/** The result every state-changing API call returns. */
export interface RunResult {
  success: boolean;
  executed: ExecutedItem[];
  /** Dry runs only: the statements each planned file would send. */
  preview?: PreviewItem[];
  errors: Error[];
  durationMs: number;
}

/** `invalid`: the file cannot be compiled (a syntax error); `reason` says why. */
export type ItemState = 'applied' | 'pending' | 'edited' | 'missing' | 'failed' | 'invalid';

export interface StatusItem {
  name: string;
  state: ItemState;
  appliedAt?: Date;
  /** A pending file older than the newest applied one (a merged branch). */
  outOfOrder?: boolean;
  /** Why a pending seed does not run in this environment. */
  skipped?: string;
  /** Why an `invalid` file is: what compiling it said. */
  reason?: string;
}

export interface StatusResult {
  success: boolean;
  items: StatusItem[];
  durationMs: number;
}

export interface LockHolder {
  pid: number;
  applicationName: string;
}

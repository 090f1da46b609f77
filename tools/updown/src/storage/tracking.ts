/**
 * The contract every tracking store keeps (Umzug's log / unlog / executed, plus what updown adds):
 * writes take the file's transaction, so a migration and its row commit together; a file run
 * outside a transaction passes null. Shared here: the folder's files (for checksums), the schema,
 * and the metadata table that records the environment.
 */
import type { QueryTypes, Sequelize, Transaction } from 'sequelize';

/** `QueryTypes.SELECT` without loading Sequelize (its value is the string). */
const SELECT = 'SELECT' as unknown as QueryTypes.SELECT;
import type { AppliedEntry, MigrationFile } from '../plan';
import { qualify, quoteIdent } from '../quote';
import { connectionOf } from '../transaction';

/** Like Rails' ar_internal_metadata: the environment the schema belongs to, written once. */
export const METADATA_TABLE = 'updown_metadata';

export type RowState = 'applied' | 'failed';

/**
 * A tracking write as SQL and bound values: record() and forget() send it, and a file's commit
 * sends it in the COMMIT's own round trip (transaction.ts).
 */
export interface RowWrite {
  sql: string;
  bind: unknown[];
}

/** What updown keeps of one file, in its own columns (updown's format) or its side table (legacy). */
export interface TrackedRow {
  name: string;
  applied_at: Date | null;
  state: RowState | null;
  checksum: string | null;
  checksum_version: number | null;
  source_file: string | null;
}

const UNDEFINED_TABLE = '42P01';
const isUndefinedTable = (error: unknown) => {
  const e = error as { original?: { code?: string }; code?: string };
  return (e.original?.code ?? e.code) === UNDEFINED_TABLE;
};

export abstract class Tracking {
  protected readonly files = new Map<string, MigrationFile>();

  constructor(
    protected readonly sequelize: Sequelize,
    protected readonly schema: string,
    /** The tracking table as users know it, for messages: `SequelizeMeta`. */
    readonly tableName: string,
  ) {}

  /** The files whose checksums `record` writes. */
  know(files: MigrationFile[]): void {
    for (const file of files) this.files.set(file.name, file);
  }

  /** Creates what the store needs. Only under the runner lock: concurrent CREATE IF NOT EXISTS can collide. */
  abstract ensure(): Promise<void>;
  /** The recorded rows (applied and failed), in name order; nothing when no table exists yet. */
  abstract applied(): Promise<AppliedEntry[]>;
  /** The statement that records the file's row (undefined: this store records nothing). */
  abstract recordStatement(name: string, state: RowState): RowWrite | undefined;
  /** The statement that removes it. */
  abstract forgetStatement(name: string): RowWrite | undefined;

  async record(name: string, state: RowState, transaction: Transaction | null): Promise<void> {
    const statement = this.recordStatement(name, state);
    if (statement) await this.write(statement.sql, statement.bind, transaction);
  }

  async forget(name: string, transaction: Transaction | null): Promise<void> {
    const statement = this.forgetStatement(name);
    if (statement) await this.write(statement.sql, statement.bind, transaction);
  }

  /** Brings rows written by another tool or an older updown up to date; returns what it did, for the log. */
  abstract adopt(applied: AppliedEntry[]): Promise<string[]>;

  protected async select<R extends object>(sql: string, bind: unknown[] = []): Promise<R[]> {
    try {
      return await this.sequelize.query<R>(sql, { bind, type: SELECT, transaction: null });
    } catch (error) {
      if (isUndefinedTable(error)) return [];
      throw error;
    }
  }

  /**
   * A write in the file's transaction goes straight to that transaction's connection: the row is
   * updown's own bookkeeping, with nothing for Sequelize's query path (CLS, options, result
   * building) to do, and that path cost more than the statement itself.
   */
  protected async write(sql: string, bind: unknown[], transaction: Transaction | null): Promise<void> {
    const connection = transaction ? connectionOf(transaction) : undefined;
    if (connection) await connection.query(sql, bind);
    else await this.sequelize.query(sql, { bind, transaction });
  }

  protected schemaAndMetadataDdl(): string {
    return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)};
       CREATE TABLE IF NOT EXISTS ${qualify(this.schema, METADATA_TABLE)} (
         key text PRIMARY KEY, value text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());`;
  }

  async metadata(key: string): Promise<string | undefined> {
    const [row] = await this.select<{ value: string }>(`SELECT value FROM ${qualify(this.schema, METADATA_TABLE)} WHERE key = $1`, [key]);
    return row?.value;
  }

  /** Writes the value only when none is there: the first migrate decides the environment. */
  async initMetadata(key: string, value: string): Promise<void> {
    await this.write(`INSERT INTO ${qualify(this.schema, METADATA_TABLE)} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [key, value], null);
  }

  /** A history adopted from before checksums (another tool's, or older updown) is filled in. */
  protected async fillMissingChecksums(applied: AppliedEntry[]): Promise<string[]> {
    const unsigned = applied.filter((entry) => !entry.checksum && entry.state !== 'failed' && this.files.has(entry.name));
    for (const entry of unsigned) await this.sign(entry.name);
    return unsigned.length > 0 ? [`recorded checksums for ${unsigned.length} file(s) applied before updown kept them`] : [];
  }

  /** Records the checksum of an applied file without changing what is applied. */
  protected abstract sign(name: string): Promise<void>;
}

/** Whether an error says the tracking table itself is gone (a down that dropped every table). */
export { isUndefinedTable };

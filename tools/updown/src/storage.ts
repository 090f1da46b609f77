import path from 'node:path';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { UmzugStorage } from 'umzug';
import { CHECKSUM_VERSION } from './checksum';
import { UsageError } from './errors';
import { normaliseName, type AppliedEntry, type MigrationFile } from './plan';
import { qualify, quoteIdent } from './quote';
import type { MigrationTransaction } from './transaction';
import type { StreamKind } from './types';

/** sequelize-cli's table names, so an existing history is adopted as it is. */
export const TRACKING_TABLES: Record<StreamKind, string> = {
  migrations: 'SequelizeMeta',
  seeds: 'SequelizeData',
};

/** Like Rails' ar_internal_metadata: the environment the schema belongs to, written once. */
export const METADATA_TABLE = 'updown_metadata';

interface Row {
  name: string;
  applied_at: Date | null;
  state: 'applied' | 'failed' | null;
  checksum: string | null;
  checksum_version: number | null;
  source_file: string | null;
}

/**
 * A stream's tracking table. Every write goes through the migration's open transaction, so a
 * migration and its row commit together; a file run outside a transaction records outside one.
 */
export class TrackingStorage implements UmzugStorage {
  private readonly table: string;
  private readonly files = new Map<string, MigrationFile>();

  constructor(
    private readonly sequelize: Sequelize,
    private readonly schema: string,
    private readonly kind: StreamKind,
    private readonly unit: MigrationTransaction,
  ) {
    this.table = qualify(schema, TRACKING_TABLES[kind]);
  }

  /** The files whose checksums logMigration records. */
  know(files: MigrationFile[]): void {
    for (const file of files) this.files.set(file.name, file);
  }

  /**
   * Creates the schema, the tracking table (or adds our columns to sequelize-cli's) and the
   * metadata table. Only under the runner lock: concurrent CREATE IF NOT EXISTS can still collide.
   */
  async ensure(): Promise<void> {
    await this.sequelize.query(
      `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)};
       CREATE TABLE IF NOT EXISTS ${this.table} (name varchar(255) NOT NULL PRIMARY KEY);
       ALTER TABLE ${this.table}
         ADD COLUMN IF NOT EXISTS applied_at timestamptz NOT NULL DEFAULT now(),
         ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'applied',
         ADD COLUMN IF NOT EXISTS checksum text,
         ADD COLUMN IF NOT EXISTS checksum_version smallint,
         ADD COLUMN IF NOT EXISTS source_file text;
       CREATE TABLE IF NOT EXISTS ${qualify(this.schema, METADATA_TABLE)} (
         key text PRIMARY KEY, value text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());`,
      { transaction: null },
    );
  }

  async applied(): Promise<AppliedEntry[]> {
    let rows: Row[];
    try {
      rows = await this.sequelize.query<Row>(`SELECT * FROM ${this.table} ORDER BY name`, { type: QueryTypes.SELECT, transaction: null });
    } catch (error) {
      if ((error as { original?: { code?: string } }).original?.code === '42P01') return []; // no table yet
      throw error;
    }
    return rows.map((row) => ({
      // sequelize-cli stores `20250101000000-x.js`; updown stores the name without its extension.
      name: normaliseName(row.name),
      ...(normaliseName(row.name) !== row.name ? { storedName: row.name } : {}),
      appliedAt: row.applied_at ?? undefined,
      state: row.state ?? 'applied',
      checksum: row.checksum,
      checksumVersion: row.checksum_version,
      sourceFile: row.source_file,
    }));
  }

  async executed(): Promise<string[]> {
    return (await this.applied()).filter((entry) => entry.state !== 'failed').map((entry) => entry.name);
  }

  async logMigration({ name }: { name: string }): Promise<void> {
    await this.record(name, 'applied', this.unit.transaction);
  }

  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.forget(name, this.unit.transaction);
  }

  /** Writes (or rewrites) a file's row with its current checksum. */
  async record(name: string, state: 'applied' | 'failed', transaction: Transaction | null = null): Promise<void> {
    const file = this.files.get(name);
    await this.sequelize.query(
      `INSERT INTO ${this.table} (name, state, checksum, checksum_version, source_file) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET state = EXCLUDED.state, checksum = EXCLUDED.checksum,
         checksum_version = EXCLUDED.checksum_version, source_file = EXCLUDED.source_file`,
      {
        bind: [name, state, file?.checksum ?? null, file ? CHECKSUM_VERSION : null, file ? path.basename(file.path) : null],
        transaction,
      },
    );
  }

  async forget(name: string, transaction: Transaction | null = null): Promise<void> {
    await this.sequelize.query(`DELETE FROM ${this.table} WHERE name = $1`, { bind: [name], transaction });
  }

  /**
   * Rows written by sequelize-cli carry the file's extension: renamed to updown's form, once, so
   * the same history serves `.ts` in development and `.js` in production.
   */
  async adoptLegacyNames(applied: AppliedEntry[]): Promise<number> {
    const legacy = applied.filter((entry) => entry.storedName);
    const names = applied.map((entry) => entry.name);
    const twice = names.find((name, index) => names.indexOf(name) !== index);
    if (twice) throw new UsageError(`${TRACKING_TABLES[this.kind]} records ${twice} twice (with and without an extension): delete one of the two rows`);
    for (const entry of legacy) {
      await this.sequelize.query(`UPDATE ${this.table} SET name = $2 WHERE name = $1`, { bind: [entry.storedName, entry.name], transaction: null });
    }
    return legacy.length;
  }

  /** A history adopted from before checksums (sequelize-cli's, or older updown) is filled in. */
  async fillMissingChecksums(applied: AppliedEntry[]): Promise<number> {
    const unsigned = applied.filter((entry) => !entry.checksum && entry.state !== 'failed' && this.files.has(entry.name));
    for (const entry of unsigned) await this.record(entry.name, 'applied');
    return unsigned.length;
  }

  async metadata(key: string): Promise<string | undefined> {
    try {
      const [row] = await this.sequelize.query<{ value: string }>(`SELECT value FROM ${qualify(this.schema, METADATA_TABLE)} WHERE key = $1`, {
        bind: [key],
        type: QueryTypes.SELECT,
        transaction: null,
      });
      return row?.value;
    } catch (error) {
      if ((error as { original?: { code?: string } }).original?.code === '42P01') return undefined;
      throw error;
    }
  }

  /** Writes the value only when none is there: the first migrate decides the environment. */
  async initMetadata(key: string, value: string): Promise<void> {
    await this.sequelize.query(
      `INSERT INTO ${qualify(this.schema, METADATA_TABLE)} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
      { bind: [key, value], transaction: null },
    );
  }
}

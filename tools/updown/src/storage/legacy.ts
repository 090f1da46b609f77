import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { CHECKSUM_VERSION } from '../checksum';
import type { AppliedEntry } from '../plan';
import { qualify, quoteIdent } from '../quote';
import { Tracking, type RowState, type RowWrite, type TrackedRow as Row } from './tracking';

/** updown's own record of each file of a legacy table, keyed by that table and the file's name. */
export const HISTORY_TABLE = 'updown_history';

/** What the side table keeps of one file. */
export type HistoryRow = Row;

/**
 * A sequelize-cli or Umzug stream: the legacy table holds exactly what the old tool writes (the
 * applied names, with their extension, and nothing else), so the old tool still reads the history
 * and a team can go back to it. What updown keeps besides (checksum, applied-at, the `failed` mark
 * of a file run outside a transaction) lives in its side table.
 */
export class LegacyTracking extends Tracking {
  protected readonly table: string;
  private readonly history: string;
  /** The side table's key for this stream: the legacy table, schema-qualified. */
  private readonly key: string;
  protected readonly tableSchema: string;

  constructor(sequelize: Sequelize, schema: string, tableName: string, tableSchema: string) {
    super(sequelize, schema, tableName);
    this.tableSchema = tableSchema;
    this.table = qualify(tableSchema, tableName);
    this.history = qualify(schema, HISTORY_TABLE);
    this.key = `${tableSchema}.${tableName}`;
  }

  async ensure(): Promise<void> {
    await this.sequelize.query(
      `${this.schemaAndMetadataDdl()}
       CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.tableSchema)};
       ${this.legacyTableDdl()}
       CREATE TABLE IF NOT EXISTS ${this.history} (
         tracking_table text NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
         state text NOT NULL DEFAULT 'applied', checksum text, checksum_version smallint, source_file text,
         PRIMARY KEY (tracking_table, name));`,
      { transaction: null },
    );
  }

  /**
   * The legacy table's names are the applied set; the side table adds what it knows of them, and
   * a failed mark of its own (a half-applied file the old tool must not see as applied).
   */
  async applied(): Promise<AppliedEntry[]> {
    const legacy = await this.legacyNames();
    if (legacy.length === 0 && !(await this.hasTable())) return [];
    const kept = new Map((await this.select<HistoryRow>(`SELECT * FROM ${this.history} WHERE tracking_table = $1`, [this.key])).map((row) => [row.name, row]));
    const entries: AppliedEntry[] = legacy.map(({ name }) => this.entry(name, kept.get(name), 'applied'));
    const present = new Set(legacy.map((row) => row.name));
    for (const row of kept.values()) if (row.state === 'failed' && !present.has(row.name)) entries.push(this.entry(row.name, row, 'failed'));
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The old tool's table as it creates it, when it is not there yet. */
  protected legacyTableDdl(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.table} (name varchar(255) NOT NULL PRIMARY KEY);`;
  }

  /** The applied names, as the old tool reads them. */
  protected async legacyNames(): Promise<{ name: string }[]> {
    return this.select<{ name: string }>(`SELECT name FROM ${this.table} ORDER BY name`);
  }

  /**
   * The old tool's own write for an applied (or reverted) file, run in one statement with the
   * side table's: `$2` is the name; `param` binds any other value and returns its placeholder.
   * Several statements run as the CTEs `legacy0`, `legacy1`, … of that one statement.
   */
  protected legacyWrite(applied: boolean, _name: string, _param: (value: unknown) => string): string | string[] {
    return applied ? `INSERT INTO ${this.table} (name) VALUES ($2) ON CONFLICT (name) DO NOTHING` : `DELETE FROM ${this.table} WHERE name = $2`;
  }

  private ctes(legacy: string | string[]): string {
    return (Array.isArray(legacy) ? legacy : [legacy]).map((sql, index) => `legacy${index} AS (${sql})`).join(', ');
  }

  /** Placeholders after the `count` values a statement binds itself. */
  private params(count: number): { extra: unknown[]; param: (value: unknown) => string } {
    const extra: unknown[] = [];
    return { extra, param: (value) => `$${count + extra.push(value)}` };
  }

  /** How a checksum reads for a row: the side table's, unless the old tool keeps its own (drizzle's hash). */
  protected entry(name: string, row: HistoryRow | undefined, state: RowState): AppliedEntry {
    return this.sideEntry(name, row, state);
  }

  private async hasTable(): Promise<boolean> {
    const rows = await this.select<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [this.table]);
    return rows[0]?.found === true;
  }

  protected sideEntry(name: string, row: HistoryRow | undefined, state: RowState): AppliedEntry {
    return {
      name,
      appliedAt: row?.applied_at ?? undefined,
      state,
      // A checksum taken before the file was reverted and re-applied by the old tool no longer vouches.
      checksum: row?.state === state ? row.checksum : null,
      checksumVersion: row?.checksum_version ?? null,
      sourceFile: row?.source_file ?? null,
    };
  }

  recordStatement(name: string, state: RowState): RowWrite {
    const file = this.files.get(name);
    const { extra, param } = this.params(6);
    const legacy = this.legacyWrite(state === 'applied', name, param);
    // One statement: the legacy row (applied only) and the side row, in the file's transaction.
    return {
      sql: `WITH ${this.ctes(legacy)}
       INSERT INTO ${this.history} (tracking_table, name, state, checksum, checksum_version, source_file) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tracking_table, name) DO UPDATE SET applied_at = now(), state = EXCLUDED.state, checksum = EXCLUDED.checksum,
         checksum_version = EXCLUDED.checksum_version, source_file = EXCLUDED.source_file`,
      bind: [this.key, name, state, file?.checksum ?? null, file ? CHECKSUM_VERSION : null, file ? path.basename(file.path) : null, ...extra],
    };
  }

  forgetStatement(name: string): RowWrite {
    const { extra, param } = this.params(2);
    const legacy = this.legacyWrite(false, name, param);
    return { sql: `WITH ${this.ctes(legacy)} DELETE FROM ${this.history} WHERE tracking_table = $1 AND name = $2`, bind: [this.key, name, ...extra] };
  }

  protected async sign(name: string): Promise<void> {
    await this.record(name, 'applied', null);
  }

  async adopt(applied: AppliedEntry[]): Promise<string[]> {
    return this.fillMissingChecksums(applied);
  }
}

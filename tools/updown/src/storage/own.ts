import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { CHECKSUM_VERSION } from '../checksum';
import { UsageError } from '../errors';
import { normaliseName, type AppliedEntry } from '../plan';
import { qualify } from '../quote';
import { Tracking, type RowState, type RowWrite, type TrackedRow as Row } from './tracking';

/**
 * updown's own format: `SequelizeMeta`/`SequelizeData` with updown's columns beside `name`, and
 * names without their extension, so the same history serves `.ts` in development and `.js` in
 * production.
 */
export class OwnTracking extends Tracking {
  private readonly table: string;

  constructor(sequelize: Sequelize, schema: string, tableName: string, tableSchema: string) {
    super(sequelize, schema, tableName);
    this.table = qualify(tableSchema, tableName);
  }

  async ensure(): Promise<void> {
    await this.sequelize.query(
      `${this.schemaAndMetadataDdl()}
       CREATE TABLE IF NOT EXISTS ${this.table} (name varchar(255) NOT NULL PRIMARY KEY);
       ALTER TABLE ${this.table}
         ADD COLUMN IF NOT EXISTS applied_at timestamptz NOT NULL DEFAULT now(),
         ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'applied',
         ADD COLUMN IF NOT EXISTS checksum text,
         ADD COLUMN IF NOT EXISTS checksum_version smallint,
         ADD COLUMN IF NOT EXISTS source_file text;`,
      { transaction: null },
    );
  }

  async applied(): Promise<AppliedEntry[]> {
    const rows = await this.select<Row>(`SELECT * FROM ${this.table} ORDER BY name`);
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

  recordStatement(name: string, state: RowState): RowWrite {
    const file = this.files.get(name);
    return {
      sql: `INSERT INTO ${this.table} (name, state, checksum, checksum_version, source_file) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET state = EXCLUDED.state, checksum = EXCLUDED.checksum,
         checksum_version = EXCLUDED.checksum_version, source_file = EXCLUDED.source_file`,
      bind: [name, state, file?.checksum ?? null, file ? CHECKSUM_VERSION : null, file ? path.basename(file.path) : null],
    };
  }

  forgetStatement(name: string): RowWrite {
    return { sql: `DELETE FROM ${this.table} WHERE name = $1`, bind: [name] };
  }

  protected async sign(name: string): Promise<void> {
    await this.record(name, 'applied', null);
  }

  async adopt(applied: AppliedEntry[]): Promise<string[]> {
    const renamed = await this.adoptLegacyNames(applied);
    const said = renamed > 0 ? ['renamed rows recorded with a file extension (sequelize-cli) to names without one'] : [];
    return [...said, ...(await this.fillMissingChecksums(applied))];
  }

  /** Rows written by sequelize-cli carry the file's extension: renamed to updown's form, once. */
  private async adoptLegacyNames(applied: AppliedEntry[]): Promise<number> {
    const legacy = applied.filter((entry) => entry.storedName);
    const names = applied.map((entry) => entry.name);
    const twice = names.find((name, index) => names.indexOf(name) !== index);
    if (twice) throw new UsageError(`${this.tableName} records ${twice} twice (with and without an extension): delete one of the two rows`);
    for (const entry of legacy) await this.write(`UPDATE ${this.table} SET name = $2 WHERE name = $1`, [entry.storedName, entry.name], null);
    return legacy.length;
  }
}

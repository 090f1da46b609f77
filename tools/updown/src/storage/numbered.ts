import { quoteIdent } from '../quote';
import { LegacyTracking } from './legacy';

/** A home-made runner's defaults: `migrations(filename)`, one row per applied file, named with `.sql`. */
export const NUMBERED_TABLES = { migrations: 'migrations', seeds: 'seeds' } as const;
export const NUMBERED_COLUMN = 'filename';

/**
 * A numbered SQL folder's own tracking table, written exactly as the runner that made it wrote it:
 * one row per applied file, holding its file name (`040_add_published_at_to_episodes.sql`) in the
 * configured column, so `SELECT filename FROM migrations` still gives the applied set. Its other
 * columns (an id, an applied_at) are left to their defaults; a table without a unique constraint
 * on the name is written without ON CONFLICT. What updown keeps besides is in the side table.
 */
export class NumberedTracking extends LegacyTracking {
  private readonly column: string;

  constructor(sequelize: ConstructorParameters<typeof LegacyTracking>[0], schema: string, tableName: string, tableSchema: string, column: string) {
    super(sequelize, schema, tableName, tableSchema);
    this.column = quoteIdent(column);
  }

  /** The shape such runners create: an id, the file name (unique), when it ran. */
  protected override legacyTableDdl(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.table} (id serial PRIMARY KEY, ${this.column} text NOT NULL UNIQUE, applied_at timestamptz NOT NULL DEFAULT now());`;
  }

  protected override async legacyNames(): Promise<{ name: string }[]> {
    return this.select<{ name: string }>(`SELECT DISTINCT ${this.column} AS name FROM ${this.table} ORDER BY 1`);
  }

  protected override legacyWrite(applied: boolean): string {
    if (!applied) return `DELETE FROM ${this.table} WHERE ${this.column} = $2::text`;
    return `INSERT INTO ${this.table} (${this.column}) SELECT $2::text WHERE NOT EXISTS (SELECT 1 FROM ${this.table} WHERE ${this.column} = $2::text)`;
  }
}

import { CHECKSUM_VERSION } from '../checksum';
import type { AppliedEntry } from '../plan';
import { LegacyTracking, type HistoryRow } from './legacy';
import type { RowState } from './tracking';

/** A row drizzle-orm wrote for a `created_at` no journal entry has any more. */
const UNKNOWN = /^created_at:(\d+)$/;

/**
 * drizzle-orm's `__drizzle_migrations(id serial, hash text, created_at bigint)`, read and written
 * as its migrator does: a row per applied file with the file's sha256 and the journal's `when` as
 * `created_at` (drizzle finds pending files by the newest created_at, so drizzle-kit migrate still
 * sees the history updown wrote). Rows are matched to files by `when`; the recorded hash is the
 * checksum, so an edited applied file is refused. updown's own record is in the side table.
 */
export class DrizzleTracking extends LegacyTracking {
  private hashes = new Map<string, string>();

  protected override legacyTableDdl(): string {
    // drizzle-orm's own statement (pg-core dialect `migrate`).
    return `CREATE TABLE IF NOT EXISTS ${this.table} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);`;
  }

  private nameOf(createdAt: string): string {
    const file = [...this.files.values()].find((candidate) => String(candidate.sql?.when) === createdAt);
    return file?.name ?? `created_at:${createdAt}`;
  }

  private whenOf(name: string): string | undefined {
    const when = this.files.get(name)?.sql?.when;
    return when !== undefined ? String(when) : UNKNOWN.exec(name)?.[1];
  }

  protected override async legacyNames(): Promise<{ name: string }[]> {
    const rows = await this.select<{ hash: string; created_at: string | null }>(`SELECT hash, created_at::text AS created_at FROM ${this.table} ORDER BY created_at`);
    this.hashes = new Map(rows.map((row) => [this.nameOf(row.created_at ?? ''), row.hash]));
    return [...this.hashes.keys()].map((name) => ({ name }));
  }

  protected override entry(name: string, row: HistoryRow | undefined, state: RowState): AppliedEntry {
    const entry = this.sideEntry(name, row, state);
    const hash = this.hashes.get(name);
    // drizzle's hash is taken the way the listing takes it (src/sql/folder.ts): it vouches for the file.
    return state === 'applied' && hash ? { ...entry, checksum: hash, checksumVersion: CHECKSUM_VERSION, sourceFile: null } : entry;
  }

  protected override legacyWrite(applied: boolean, name: string, param: (value: unknown) => string): string[] {
    const when = param(this.whenOf(name) ?? null);
    if (!applied) return [`DELETE FROM ${this.table} WHERE created_at = ${when}::bigint`];
    const hash = param(this.files.get(name)?.checksum ?? null);
    // An accepted edit (repair) re-records the hash; otherwise the row is new, as drizzle-orm inserts it.
    return [
      `UPDATE ${this.table} SET hash = ${hash}::text WHERE created_at = ${when}::bigint RETURNING id`,
      `INSERT INTO ${this.table} ("hash", "created_at") SELECT ${hash}::text, ${when}::bigint WHERE NOT EXISTS (SELECT 1 FROM legacy0)`,
    ];
  }
}

/** How a stream of `.sql` files is tracked, and what a listed `.sql` file carries besides its name. */

/**
 * `updown`: updown's own table (`SequelizeMeta`, names without `.sql`); `numbered`: a home-made
 * runner's `migrations(filename)` table, written as that runner wrote it; `drizzle`: drizzle-orm's
 * `drizzle.__drizzle_migrations(id, hash, created_at)`.
 */
export type SqlTracking = 'updown' | 'numbered' | 'drizzle';

export const SQL_TRACKINGS: readonly SqlTracking[] = ['updown', 'numbered', 'drizzle'];

export interface SqlFileInfo {
  /** The down file of an up/down pair (`x_down.sql`, `x.down.sql`). */
  down?: string;
  /** drizzle-kit: the journal's `when` for this file, which drizzle-orm records as `created_at`. */
  when?: number;
  /** Environments the stream's config adds for this seed (`environments: { production: [...] }`). */
  environments?: string[];
}

/**
 * A snapshot brought up to date after work in the same transaction, reading again only what that
 * work can have changed: the relations the transaction holds a lock on (every DDL statement and
 * COMMENT takes one, and keeps it to the end of the transaction), the tables that point at them,
 * and the small kinds (types, routines, views, sequences, triggers) whole. `verify` refreshes the
 * snapshot taken before a file instead of reading the whole schema three times per file, which
 * made it quadratic in the number of tables.
 */
import * as q from './queries';
import { snapshotWith, sorted, type Queryable } from './snapshot';
import type { Snapshot } from './types';

/** The relation a comment's owner names (`table users`, `index users_email`), or undefined for types and routines. */
function ownerRelation(owner: string): string | undefined {
  if (owner.startsWith('type ') || owner.startsWith('routine ')) return undefined;
  return owner.slice(owner.indexOf(' ') + 1);
}

export async function refreshSnapshot(db: Queryable, base: Snapshot): Promise<Snapshot> {
  const { schema } = base;
  const touched = (await db.query<{ name: string }>(q.TOUCHED, [schema])).rows.map((row) => row.name);
  const current = new Set((await db.query<{ name: string }>(q.TABLE_NAMES, [schema])).rows.map((row) => row.name));
  const scope = [...new Set([...touched, ...[...current].filter((name) => !(name in base.tables))])];
  const stale = new Set([...scope, ...Object.keys(base.tables).filter((name) => !current.has(name))]);
  const fresh = await snapshotWith(db, schema, scope);
  const keep = <T>(record: Record<string, T>, stays: (name: string, value: T) => boolean) =>
    Object.entries(record).filter(([name, value]) => stays(name, value));
  return {
    ...fresh,
    tables: sorted([...keep(base.tables, (name) => !stale.has(name)), ...Object.entries(fresh.tables)]),
    indexes: sorted([...keep(base.indexes, (name, index) => !stale.has(name) && !stale.has(index.table)), ...Object.entries(fresh.indexes)]),
    comments: sorted([
      ...keep(base.comments, (_target, comment) => {
        const relation = ownerRelation(comment.owner);
        return relation !== undefined && !stale.has(relation);
      }),
      ...Object.entries(fresh.comments),
    ]),
  };
}

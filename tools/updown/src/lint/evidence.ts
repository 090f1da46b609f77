/**
 * Evidence, not only patterns (after eugene's trace): around a statement, on the file's own
 * connection, read the relation locks its backend holds (pg_locks) and the relfilenode of the
 * relations it touches (pg_class). A lock that is new after the statement is one it really took;
 * a relfilenode that changed is a table or index it rewrote. Two small catalog reads per statement,
 * and only for statements that can lock or rewrite an existing relation (see plan.ts).
 */
import { quoteIdent } from '../quote';
import type { ObserverQuery } from '../watch';

export interface Relation {
  oid: number;
  schema: string;
  name: string;
  /** pg_class.relkind: r table, p partitioned, i index, t toast, m materialized view, S sequence. */
  kind: string;
}

export interface Snapshot {
  /** oid → modes its backend holds on it (empty when pg_locks was not read). */
  locks: Map<number, Set<string>>;
  /** The locked relations' names. */
  lockedNames: Map<number, Relation>;
  relations: Map<number, Relation & { filenode: number }>;
  /** current_setting('lock_timeout') in milliseconds. */
  lockTimeoutMs: number;
  /** server_version_num. */
  pgVersion: number;
  /** The names the scope asked about (every user relation's when the scope was all). */
  scoped: Set<string>;
  /** Validated CHECK and NOT NULL constraints of the tables asked for: table → definitions. */
  checks: Map<string, string[]>;
}

export interface ObservedLock {
  relation: Relation;
  mode: string;
  /** Not read from pg_locks: the lock such a statement always takes (settingsOnly scopes). */
  documented?: boolean;
}

/** What one statement was seen to do. */
export interface StatementEvidence {
  /** Relation locks taken by the statement (not held before it). */
  locks: ObservedLock[];
  /** Tables and indexes whose relfilenode changed: rewritten. */
  rewritten: Relation[];
  lockTimeoutMs: number;
  /** Relations named by the statement that existed before it, by name. */
  existed: Set<string>;
  /** The names the scope asked about: existence is known for these. */
  scoped: Set<string>;
  checks: Map<string, string[]>;
}

/** Which relations to read before and after: the ones named (with their indexes), or every user relation. */
export interface ProbeScope {
  names: string[] | 'all';
  /** Tables whose validated checks matter (SET NOT NULL). */
  checksOf?: string[];
  /** Read only after the statement: it can take locks but rewrites nothing existing (CREATE INDEX). */
  afterOnly?: boolean;
  /**
   * Only the settings, after: a statement whose lock is fixed and that rewrites nothing (ADD COLUMN
   * of a plain nullable column); its lock is the documented one.
   */
  settingsOnly?: boolean;
}

const USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

const RELATION_COLUMNS = 'json_build_array(c.oid::int8, n.nspname, c.relname, c.relkind, c.relfilenode::int8)';

/** The named relations and their indexes, by index lookups (no scan of pg_class). */
const NAMED = `(SELECT coalesce(json_agg(r), '[]') FROM (
    SELECT ${RELATION_COLUMNS} AS r FROM named t JOIN pg_class c ON c.oid = t.oid JOIN pg_namespace n ON n.oid = c.relnamespace
    UNION ALL
    SELECT ${RELATION_COLUMNS} FROM named t JOIN pg_index i ON i.indrelid = t.oid JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace) rels)`;

const ALL = `(SELECT coalesce(json_agg(${RELATION_COLUMNS}), '[]') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_SCHEMAS} AND c.relkind IN ('r', 'p', 'i', 'm', 't'))`;

/**
 * One round trip, built for what the scope needs. pg_locks is the costly part (it reads the whole
 * lock table): it is read only after a statement; the locks held before it are the ones the file's
 * previous statement left.
 */
function snapshotSql(all: boolean, withLocks: boolean, withChecks: boolean): string {
  const locks = withLocks
    ? `(SELECT coalesce(json_agg(json_build_array(l.relation::int8, l.mode, n.nspname, c.relname, c.relkind)), '[]')
        FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND ${USER_SCHEMAS})`
    : "'[]'::json";
  const checks = withChecks
    ? `(SELECT coalesce(json_agg(json_build_array(con.conrelid::regclass::text, pg_get_constraintdef(con.oid))), '[]')
        FROM named t JOIN pg_constraint con ON con.conrelid = t.oid WHERE con.convalidated AND con.contype IN ('c', 'n'))`
    : "'[]'::json";
  const named = all ? '' : 'WITH named AS (SELECT to_regclass(x)::oid AS oid FROM unnest($1::text[]) x) ';
  return `${named}SELECT ${locks} AS locks, ${all ? ALL : NAMED} AS relations, ${checks} AS checks,
    current_setting('lock_timeout') AS lock_timeout, current_setting('server_version_num')::int AS version`;
}

/** PostgreSQL's own spelling of a duration setting (`0`, `500ms`, `5s`, `1min`) in milliseconds. */
export function settingMs(value: string): number {
  const match = /^(\d+)\s*(ms|s|min|h|d)?$/.exec(value.trim());
  if (!match) return 0;
  const unit = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}

/** A name as to_regclass reads it: each part quoted, so case and dots survive. */
export function regclassText(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

interface Row {
  locks: [number, string, string, string, string][];
  relations: [number, string, string, string, number][];
  checks: [string, string][];
  lock_timeout: string;
  version: number;
}

const unquote = (name: string) => name.replace(/"/g, '');

const SETTINGS = "SELECT '[]'::json AS locks, '[]'::json AS relations, '[]'::json AS checks, current_setting('lock_timeout') AS lock_timeout, current_setting('server_version_num')::int AS version";

/** `withLocks`: read pg_locks too (after the statement). */
export async function readSnapshot(query: ObserverQuery, scope: ProbeScope, withLocks: boolean): Promise<Snapshot> {
  if (scope.settingsOnly) return toSnapshot((await query<Row>(SETTINGS))[0], scope);
  const all = scope.names === 'all';
  // Two parts at most: a three-part name is a cross-database reference, which to_regclass refuses.
  // The checks are read for the named tables (SET NOT NULL names its table).
  const names = all ? [] : [...new Set([...(scope.names as string[]), ...(scope.checksOf ?? [])])].map((name) => regclassText(name.split('.').slice(-2).join('.')));
  const withChecks = !all && (scope.checksOf ?? []).length > 0;
  const [row] = await query<Row>(snapshotSql(all, withLocks, withChecks), all ? [] : [names]);
  return toSnapshot(row, scope);
}

function toSnapshot(row: Row, scope: ProbeScope): Snapshot {
  const locks = new Map<number, Set<string>>();
  const lockedNames = new Map<number, Relation>();
  for (const [oid, mode, schema, name, kind] of row.locks) {
    if (!locks.has(Number(oid))) locks.set(Number(oid), new Set());
    locks.get(Number(oid))!.add(mode);
    lockedNames.set(Number(oid), { oid: Number(oid), schema, name, kind });
  }
  const relations = new Map<number, Relation & { filenode: number }>();
  for (const [oid, schema, name, kind, filenode] of row.relations) relations.set(Number(oid), { oid: Number(oid), schema, name, kind, filenode: Number(filenode) });
  const checks = new Map<string, string[]>();
  for (const [table, definition] of row.checks) {
    const key = unquote(table).split('.').pop()!;
    checks.set(key, [...(checks.get(key) ?? []), definition]);
  }
  const scoped = new Set(scope.settingsOnly ? [] : scope.names === 'all' ? [...relations.values()].map((relation) => relation.name) : scope.names.map((name) => name.split('.').pop()!));
  return { locks, lockedNames, relations, lockTimeoutMs: settingMs(row.lock_timeout), pgVersion: Number(row.version), scoped, checks };
}

/** No locks held, nothing known: the "before" of a statement read only after it ran. */
export function emptyLike(after: Snapshot): Snapshot {
  return { ...after, locks: new Map(), lockedNames: new Map(), relations: new Map() };
}

/**
 * What changed between the two snapshots taken around one statement; `held`: the locks the file
 * held before it (its previous statement's).
 */
export function compare(before: Snapshot, after: Snapshot, held: Map<number, Set<string>> = before.locks): StatementEvidence {
  const relationOf = (oid: number): Relation | undefined => after.lockedNames.get(oid) ?? after.relations.get(oid) ?? before.relations.get(oid);
  const locks: ObservedLock[] = [];
  for (const [oid, modes] of after.locks) {
    const relation = relationOf(oid);
    if (!relation) continue;
    for (const mode of modes) if (!held.get(oid)?.has(mode)) locks.push({ relation, mode });
  }
  const rewritten: Relation[] = [];
  for (const [oid, was] of before.relations) {
    const now = after.relations.get(oid);
    if (now && was.filenode !== 0 && now.filenode !== 0 && now.filenode !== was.filenode) rewritten.push(now);
  }
  const existed = new Set([...(before.relations.size ? before : after).relations.values()].map((relation) => relation.name));
  return { locks, rewritten, lockTimeoutMs: before.lockTimeoutMs, existed, scoped: before.scoped, checks: before.checks };
}

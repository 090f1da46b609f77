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
  /** oid → modes its backend holds on it. */
  locks: Map<number, Set<string>>;
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
}

const USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

const NAMED = `
  c.oid IN (
    SELECT r FROM (SELECT to_regclass(x)::oid AS r FROM unnest($1::text[]) x) named WHERE r IS NOT NULL
    UNION SELECT i.indexrelid FROM pg_index i WHERE i.indrelid IN (SELECT to_regclass(x) FROM unnest($1::text[]) x)
    UNION SELECT l.relation FROM pg_locks l WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation')`;

function snapshotSql(all: boolean): string {
  return `SELECT
    (SELECT coalesce(json_agg(json_build_array(l.relation::int8, l.mode)), '[]') FROM pg_locks l
      WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS locks,
    (SELECT coalesce(json_agg(json_build_array(c.oid::int8, n.nspname, c.relname, c.relkind, c.relfilenode::int8)), '[]')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_SCHEMAS} AND ${all ? "c.relkind IN ('r', 'p', 'i', 'm', 't') AND cardinality($1::text[]) = 0" : NAMED}) AS relations,
    (SELECT coalesce(json_agg(json_build_array(con.conrelid::regclass::text, pg_get_constraintdef(con.oid))), '[]')
      FROM pg_constraint con WHERE con.convalidated AND con.contype IN ('c', 'n')
        AND con.conrelid IN (SELECT to_regclass(x) FROM unnest($2::text[]) x)) AS checks,
    current_setting('lock_timeout') AS lock_timeout,
    current_setting('server_version_num')::int AS version`;
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
  locks: [number, string][];
  relations: [number, string, string, string, number][];
  checks: [string, string][];
  lock_timeout: string;
  version: number;
}

const unquote = (name: string) => name.replace(/"/g, '');

export async function readSnapshot(query: ObserverQuery, scope: ProbeScope): Promise<Snapshot> {
  // Two parts at most: a three-part name is a cross-database reference, which to_regclass refuses.
  const names = scope.names === 'all' ? [] : scope.names.map((name) => regclassText(name.split('.').slice(-2).join('.')));
  const [row] = await query<Row>(snapshotSql(scope.names === 'all'), [names, (scope.checksOf ?? []).map(regclassText)]);
  const locks = new Map<number, Set<string>>();
  for (const [oid, mode] of row.locks) {
    if (!locks.has(Number(oid))) locks.set(Number(oid), new Set());
    locks.get(Number(oid))!.add(mode);
  }
  const relations = new Map<number, Relation & { filenode: number }>();
  for (const [oid, schema, name, kind, filenode] of row.relations) relations.set(Number(oid), { oid: Number(oid), schema, name, kind, filenode: Number(filenode) });
  const checks = new Map<string, string[]>();
  for (const [table, definition] of row.checks) {
    const key = unquote(table).split('.').pop()!;
    checks.set(key, [...(checks.get(key) ?? []), definition]);
  }
  const scoped = new Set(scope.names === 'all' ? [...relations.values()].map((relation) => relation.name) : scope.names.map((name) => name.split('.').pop()!));
  return { locks, relations, lockTimeoutMs: settingMs(row.lock_timeout), pgVersion: Number(row.version), scoped, checks };
}

/** What changed between the two snapshots taken around one statement. */
export function compare(before: Snapshot, after: Snapshot): StatementEvidence {
  const relationOf = (oid: number): Relation | undefined => after.relations.get(oid) ?? before.relations.get(oid);
  const locks: ObservedLock[] = [];
  for (const [oid, modes] of after.locks) {
    const relation = relationOf(oid);
    if (!relation) continue; // a catalog, or a relation created and dropped within the statement
    for (const mode of modes) if (!before.locks.get(oid)?.has(mode)) locks.push({ relation, mode });
  }
  const rewritten: Relation[] = [];
  for (const [oid, was] of before.relations) {
    const now = after.relations.get(oid);
    if (now && was.filenode !== 0 && now.filenode !== 0 && now.filenode !== was.filenode) rewritten.push(now);
  }
  const existed = new Set([...before.relations.values()].map((relation) => relation.name));
  return { locks, rewritten, lockTimeoutMs: before.lockTimeoutMs, existed, scoped: before.scoped, checks: before.checks };
}

/**
 * A schema snapshot: a normalised, deterministic description of one schema, read from PostgreSQL's
 * catalogs. Plain data (JSON-safe, keys sorted), so two snapshots compare as values and a test can
 * build one by hand. No oids, no timestamps, no row data.
 */

export interface Column {
  /** format_type(): `character varying(255)`, `integer`, `enum_users_role`, … */
  type: string;
  nullable: boolean;
  default?: string;
  identity?: 'always' | 'by default';
  /** The expression of a `GENERATED ALWAYS AS (…)` column: STORED, or VIRTUAL (`virtual`, PostgreSQL 18). */
  generated?: string;
  virtual?: true;
  /** Only when it differs from the type's default collation. */
  collation?: string;
}

export type ConstraintType = 'primary key' | 'foreign key' | 'unique' | 'check' | 'exclusion' | 'trigger';

export interface ForeignKey {
  /** The referenced table, schema-qualified only when it lives in another schema. */
  table: string;
  columns: string[];
  onDelete: string;
  onUpdate: string;
}

export interface Constraint {
  type: ConstraintType;
  /** pg_get_constraintdef(): the whole truth, compared last. */
  definition: string;
  columns: string[];
  references?: ForeignKey;
}

export interface Table {
  /** `PARTITION BY …` of a partitioned table. */
  partitionKey?: string;
  columns: Record<string, Column>;
  /**
   * Column names in ordinal order, kept apart from `columns`: a column re-added by `down` comes
   * back at the end, which is a note, never a difference.
   */
  columnOrder: string[];
  /** Constraint names are unique per table only, so they live here. */
  constraints: Record<string, Constraint>;
}

export interface Index {
  table: string;
  /** pg_get_indexdef(). */
  definition: string;
  /** false for an index left invalid by a failed CREATE INDEX CONCURRENTLY. */
  valid: boolean;
}

export interface Sequence {
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** `table.column` of a serial column. */
  ownedBy?: string;
}

export interface View {
  materialized: boolean;
  /** pg_get_viewdef(). */
  definition: string;
}

export type RoutineKind = 'function' | 'procedure' | 'aggregate' | 'window function';

export interface Routine {
  kind: RoutineKind;
  /** pg_get_functiondef(), or the signature for an aggregate. */
  definition: string;
}

export interface Trigger {
  table: string;
  /** pg_get_triggerdef(). */
  definition: string;
  /** pg_trigger.tgenabled: O (origin), D (disabled), R (replica), A (always). */
  enabled: string;
}

export interface Extension {
  version: string;
  schema: string;
  /** The version CREATE EXTENSION installs on this server, when it has the extension's control file. */
  defaultVersion?: string;
}

export interface Comment {
  /** The key of the object the comment hangs on (see `objectKeys`): a comment never outlives it. */
  owner: string;
  text: string;
}

export interface Snapshot {
  schema: string;
  tables: Record<string, Table>;
  /** By index name (unique per schema); indexes that back a constraint are described by it. */
  indexes: Record<string, Index>;
  sequences: Record<string, Sequence>;
  /** Enum types and their labels, in their sort order. */
  enums: Record<string, string[]>;
  views: Record<string, View>;
  /** By `name(identity arguments)`. */
  routines: Record<string, Routine>;
  /** By `table.trigger`. */
  triggers: Record<string, Trigger>;
  /** Every extension of the database (they are not bound to one schema), plpgsql aside. */
  extensions: Record<string, Extension>;
  /** By what they are on: `table users`, `column users.email`, `type enum_users_role`, … */
  comments: Record<string, Comment>;
}

/** updown's own bookkeeping: never part of a snapshot. */
export const BOOKKEEPING_TABLES = ['SequelizeMeta', 'SequelizeData', 'updown_metadata', 'updown_history'];

/** The keys `Comment.owner` refers to, for every object a snapshot holds. */
export function objectKeys(snapshot: Snapshot): Set<string> {
  return new Set([
    ...Object.keys(snapshot.tables).map((name) => `table ${name}`),
    ...Object.keys(snapshot.views).map((name) => `view ${name}`),
    ...Object.keys(snapshot.sequences).map((name) => `sequence ${name}`),
    ...Object.keys(snapshot.indexes).map((name) => `index ${name}`),
    ...Object.keys(snapshot.enums).map((name) => `type ${name}`),
    ...Object.keys(snapshot.routines).map((name) => `routine ${name}`),
  ]);
}

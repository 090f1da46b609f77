/**
 * The catalog queries behind a snapshot: one per kind of object, each limited to one schema ($1)
 * and bound, never interpolated. Objects that belong to an extension (pgcrypto's functions when it
 * is installed in the schema) are left out: the extension stands for them.
 */

/** True when the object is a member of an extension. */
const notExtensionMember = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '${catalog}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`;

const inSchema = `JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1`;
/** Scoped variants (refresh.ts) read only the relations named in $2 (`c` is the relation). */
const inScope = (scoped: boolean) => (scoped ? `${inSchema} AND c.relname = ANY($2::text[])` : inSchema);

const tables = (scoped: boolean) => `
  SELECT c.relname AS name, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key
    FROM pg_class c ${inScope(scoped)}
   WHERE c.relkind IN ('r', 'p') AND ${notExtensionMember('pg_class', 'c.oid')}`;

const columns = (scoped: boolean) => `
  SELECT c.relname AS "table", a.attname AS name, a.attnum AS position,
         format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
         CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS "default",
         CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END AS generated,
         a.attgenerated = 'v' AS virtual,
         a.attidentity AS identity,
         CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid ${inScope(scoped)}
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
   WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY c.relname, a.attnum`;

const attributeNames = (keys: string, relation: string) =>
  `ARRAY(SELECT a.attname::text FROM unnest(${keys}) WITH ORDINALITY u(num, i)
           JOIN pg_attribute a ON a.attrelid = ${relation} AND a.attnum = u.num ORDER BY u.i)`;

/** PostgreSQL 18 records NOT NULL as constraints ('n'): nullability is the column's business here. */
const constraints = (scoped: boolean) => `
  SELECT c.relname AS "table", k.conname AS name, k.contype AS type, pg_get_constraintdef(k.oid, true) AS definition,
         ${attributeNames('k.conkey', 'k.conrelid')} AS columns,
         ${attributeNames('k.confkey', 'k.confrelid')} AS ref_columns,
         rn.nspname AS ref_schema, rc.relname AS ref_table, k.confdeltype AS on_delete, k.confupdtype AS on_update
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid ${inScope(scoped)}
    LEFT JOIN pg_class rc ON rc.oid = k.confrelid
    LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
   WHERE c.relkind IN ('r', 'p') AND k.contype <> 'n'`;

/** The oids of the relations named in $2, found by name (pg_class has an index on it). */
const namedIn = `SELECT s.oid FROM pg_class s JOIN pg_namespace sn ON sn.oid = s.relnamespace AND sn.nspname = $1 WHERE s.relname = ANY($2::text[])`;

const indexes = (scoped: boolean) => `
  SELECT c.relname AS name, tc.relname AS "table", pg_get_indexdef(c.oid) AS definition, x.indisvalid AS valid
    FROM pg_index x
    JOIN pg_class c ON c.oid = x.indexrelid ${inSchema}
    JOIN pg_class tc ON tc.oid = x.indrelid
   WHERE ${scoped ? `(x.indexrelid = ANY (ARRAY(${namedIn})) OR x.indrelid = ANY (ARRAY(${namedIn}))) AND` : ''} NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
     AND ${notExtensionMember('pg_class', 'c.oid')}`;

/** Identity columns' sequences are the column's business (`identity`), so they are left out. */
export const SEQUENCES = `
  SELECT c.relname AS name, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start,
         s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
         s.seqcache::text AS cache, s.seqcycle AS cycle,
         (SELECT oc.relname || '.' || a.attname FROM pg_depend d
            JOIN pg_class oc ON oc.oid = d.refobjid
            JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
             AND d.deptype = 'a' LIMIT 1) AS owned_by
    FROM pg_sequence s
    JOIN pg_class c ON c.oid = s.seqrelid ${inSchema}
   WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')
     AND ${notExtensionMember('pg_class', 'c.oid')}`;

export const ENUMS = `
  SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = $1
    JOIN pg_enum e ON e.enumtypid = t.oid
   WHERE ${notExtensionMember('pg_type', 't.oid')}
   GROUP BY t.typname`;

export const VIEWS = `
  SELECT c.relname AS name, c.relkind = 'm' AS materialized, pg_get_viewdef(c.oid, true) AS definition
    FROM pg_class c ${inSchema}
   WHERE c.relkind IN ('v', 'm') AND ${notExtensionMember('pg_class', 'c.oid')}`;

export const ROUTINES = `
  SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args, p.prokind AS kind,
         CASE WHEN p.prokind IN ('f', 'p', 'w') THEN pg_get_functiondef(p.oid) END AS definition
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = $1
   WHERE ${notExtensionMember('pg_proc', 'p.oid')}`;

export const TRIGGERS = `
  SELECT c.relname AS "table", t.tgname AS name, pg_get_triggerdef(t.oid, true) AS definition, t.tgenabled AS enabled
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid ${inSchema}
   WHERE NOT t.tgisinternal`;

/**
 * Not bound to the schema: an extension is the database's, wherever its objects live. With the
 * version CREATE EXTENSION installs on this server (its control file), which differs between
 * PostgreSQL majors (pgcrypto 1.3 up to 17, 1.4 on 18): the dump names only a version that differs.
 */
export const EXTENSIONS = `
  SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema,
         (SELECT a.default_version FROM pg_available_extensions a WHERE a.name = e.extname) AS default_version
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname <> 'plpgsql' AND $1::text IS NOT NULL`;

const relationKind = (detailed: boolean) =>
  `CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN '${detailed ? 'materialized view' : 'view'}' WHEN 'S' THEN 'sequence' WHEN 'i' THEN 'index' ELSE 'table' END`;

/**
 * Comments on relations and their columns, types, routines, constraints and triggers in the
 * schema.
 */
const comments = (scoped: boolean) => `
  SELECT owner, target, text FROM (
    SELECT ${relationKind(false)} || ' ' || c.relname AS owner, ${relationKind(true)} || ' ' || c.relname AS target,
           obj_description(c.oid, 'pg_class') AS text
      FROM pg_class c ${inScope(scoped)}
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i') AND ${notExtensionMember('pg_class', 'c.oid')}
    UNION ALL
    SELECT ${relationKind(false)} || ' ' || c.relname, 'column ' || c.relname || '.' || a.attname, d.description
      FROM pg_class c ${inScope(scoped)}
      JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid > 0
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND NOT a.attisdropped
     WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ${notExtensionMember('pg_class', 'c.oid')}
    UNION ALL
    SELECT 'type ' || t.typname, 'type ' || t.typname, d.description
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = $1
      JOIN pg_description d ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid AND d.objsubid = 0
     WHERE ${notExtensionMember('pg_type', 't.oid')}
    UNION ALL
    SELECT 'routine ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
           'routine ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', d.description
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = $1
      JOIN pg_description d ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid AND d.objsubid = 0
     WHERE ${notExtensionMember('pg_proc', 'p.oid')}
    UNION ALL
    SELECT 'table ' || c.relname, 'constraint ' || k.conname || ' on ' || c.relname, obj_description(k.oid, 'pg_constraint')
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid ${inScope(scoped)}
    UNION ALL
    SELECT 'table ' || c.relname, 'trigger ' || t.tgname || ' on ' || c.relname, obj_description(t.oid, 'pg_trigger')
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid ${inScope(scoped)}
  ) described
  WHERE text IS NOT NULL`;

export const TABLES = tables(false);
export const COLUMNS = columns(false);
export const CONSTRAINTS = constraints(false);
export const INDEXES = indexes(false);
export const COMMENTS = comments(false);

/** The same, for the relations named in $2 only (comments on types and routines stay whole). */
export const SCOPED = { TABLES: tables(true), COLUMNS: columns(true), CONSTRAINTS: constraints(true), INDEXES: indexes(true), COMMENTS: comments(true) };

/**
 * The relations this session's transaction has changed: every relation in the schema it holds a
 * lock on stronger than a read's (DDL, comments, writes), with the tables whose foreign keys point
 * at them and the tables of locked indexes. A relation it dropped no longer shows here.
 */
export const TOUCHED = `
  WITH locked AS (
    SELECT c.oid, c.relname FROM pg_locks l
      JOIN pg_class c ON c.oid = l.relation ${inSchema}
     WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.mode <> 'AccessShareLock'
  )
  SELECT relname AS name FROM locked
  UNION SELECT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.confrelid IN (SELECT oid FROM locked)
  UNION SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid WHERE x.indexrelid IN (SELECT oid FROM locked)`;

/** The names of the schema's tables: cheap, to see which ones are gone. */
export const TABLE_NAMES = `SELECT c.relname AS name FROM pg_class c ${inSchema} WHERE c.relkind IN ('r', 'p')`;

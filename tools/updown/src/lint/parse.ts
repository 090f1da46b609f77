/**
 * Statements as PostgreSQL itself parses them: libpg-query is the server's own parser compiled to
 * WASM (no native build), so lint reads `ALTER TABLE … ADD COLUMN … DEFAULT …` the way the server
 * will, not by pattern. Also the small AST walks the rules share.
 */
import v8 from 'node:v8';

type Parser = typeof import('libpg-query');

/** A node of libpg-query's JSON AST: `{ AlterTableStmt: { … } }` and the like. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Ast = any;

export interface ParsedStatement {
  /** The node's tag: AlterTableStmt, IndexStmt, … */
  kind: string;
  /** The node's body (what is under the tag). */
  node: Ast;
  /** This statement's own text. */
  text: string;
  /** Where `text` starts in the SQL that was sent (characters). */
  start: number;
  /** The SQL that was sent, whole (locations in the AST point into it). */
  sql: string;
}

let loading: Promise<void> | undefined;
let parser: Parser | undefined;

/** The WASM module loads once per process (about 10 ms), and only in a command that lints. */
export function loadParser(): Promise<void> {
  loading ??= baselineCompiled(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('libpg-query') as Parser;
    await lib.loadModule();
    parser = lib;
  });
  return loading;
}

/**
 * The parser's WASM compiled by V8's baseline compiler (Liftoff) alone. V8 would otherwise
 * recompile its hot functions with its optimizing tier in background threads: measured on 1,000
 * statements, about 40 MB more memory and slower parsing, the compile competing for the cores
 * with the run. V8 reads the flag as a module compiles, so it is set only for this one; WASM
 * compiled later (a migration's own) gets V8's defaults, unless node was started with the flag.
 */
async function baselineCompiled(compile: () => Promise<void>): Promise<void> {
  const flag = '--liftoff-only';
  const given = process.execArgv.includes(flag) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(flag);
  if (!given) v8.setFlagsFromString(flag);
  try {
    await compile();
  } finally {
    if (!given) v8.setFlagsFromString('--no-liftoff-only');
  }
}

/** PostgreSQL reports byte offsets; JavaScript strings count UTF-16 units. */
function charOffset(sql: string, byteOffset: number): number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(sql)) return byteOffset;
  return Buffer.from(sql, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}

const cache = new Map<string, ParsedStatement[] | undefined>();

/**
 * Every statement in `sql`, or undefined when it does not parse (the server will refuse it too,
 * and the file fails on its own). Call loadParser() once first.
 */
export function parseStatements(sql: string): ParsedStatement[] | undefined {
  if (cache.has(sql)) return cache.get(sql);
  if (!parser) throw new Error('the SQL parser is not loaded: await loadParser() first');
  let parsed: ParsedStatement[] | undefined;
  try {
    const tree = parser.parseSync(sql) as { stmts?: { stmt: Record<string, Ast>; stmt_location?: number; stmt_len?: number }[] };
    parsed = (tree.stmts ?? []).map((raw) => {
      const [kind] = Object.keys(raw.stmt);
      const from = charOffset(sql, raw.stmt_location ?? 0);
      const to = raw.stmt_len ? charOffset(sql, (raw.stmt_location ?? 0) + raw.stmt_len) : sql.length;
      return { kind, node: raw.stmt[kind], text: sql.slice(from, to).trim(), start: from + (sql.slice(from, to).length - sql.slice(from, to).trimStart().length), sql };
    });
  } catch {
    parsed = undefined;
  }
  if (cache.size > 5000) cache.clear();
  cache.set(sql, parsed);
  return parsed;
}

/** An AST location (bytes into the SQL sent) as a 1-based position in the statement's own text. */
export function positionIn(statement: ParsedStatement, location: number | undefined): number | undefined {
  if (location === undefined || location < 0) return undefined;
  const at = charOffset(statement.sql, location) - statement.start;
  return at >= 0 && at < statement.text.length ? at + 1 : undefined;
}

/** `schema.name` or `name`, as PostgreSQL resolved the identifiers (unquoted ones folded). */
export function rangeVarName(rangeVar: Ast): string {
  return rangeVar?.schemaname ? `${rangeVar.schemaname}.${rangeVar.relname}` : String(rangeVar?.relname ?? '');
}

/** The names in a list of String nodes: `[{ String: { sval: 'public' } }, …]`. */
export function names(list: Ast[] | undefined): string[] {
  return (list ?? []).map((item) => item?.String?.sval).filter((value): value is string => typeof value === 'string');
}

/** A type's own name without `pg_catalog.`: int4, varchar, json, … */
export function typeName(typeNameNode: Ast): string {
  const parts = names(typeNameNode?.names);
  return parts[parts.length - 1] ?? '';
}

/** The constraints of a column definition, each as its Constraint body. */
export function columnConstraints(columnDef: Ast): Ast[] {
  return (columnDef?.constraints ?? []).map((item: Ast) => item.Constraint).filter(Boolean);
}

/** The subcommands of an ALTER TABLE, each as its AlterTableCmd body. */
export function alterCommands(statement: ParsedStatement): Ast[] {
  if (statement.kind !== 'AlterTableStmt') return [];
  return (statement.node.cmds ?? []).map((item: Ast) => item.AlterTableCmd).filter(Boolean);
}

/**
 * The subcommands of one kind (`AT_AddColumn`, `AT_AddConstraint`, …) of an ALTER TABLE on a table
 * that existed before the file, with that table: what the rules about existing tables look at.
 * Undefined for anything else (a table the file or the run created is exempt).
 */
export function alterOfExisting(statement: ParsedStatement, existing: (name: string) => boolean, subtype: string): { table: string; commands: Ast[] } | undefined {
  const table = rangeVarName(statement.node?.relation);
  if (!table || !existing(table)) return undefined;
  return { table, commands: alterCommands(statement).filter((cmd) => cmd.subtype === subtype) };
}

/** The columns an ALTER TABLE adds to a table that existed before the file (their ColumnDef nodes), with that table. */
export function columnsAddedToExisting(statement: ParsedStatement, existing: (name: string) => boolean): { table: string; columns: Ast[] } | undefined {
  const altered = alterOfExisting(statement, existing, 'AT_AddColumn');
  return altered && { table: altered.table, columns: altered.commands.map((cmd) => cmd.def?.ColumnDef).filter(Boolean) };
}

/** The constraints an ALTER TABLE adds to a table that existed before the file (their Constraint nodes), with that table. */
export function constraintsAddedToExisting(statement: ParsedStatement, existing: (name: string) => boolean): { table: string; constraints: Ast[] } | undefined {
  const altered = alterOfExisting(statement, existing, 'AT_AddConstraint');
  return altered && { table: altered.table, constraints: altered.commands.map((cmd) => cmd.def?.Constraint).filter(Boolean) };
}

/** Every node with this tag anywhere under `node` (a DO block's body is a string, not walked). */
export function findAll(node: Ast, tag: string, found: Ast[] = []): Ast[] {
  if (Array.isArray(node)) {
    for (const item of node) findAll(item, tag, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === tag) found.push(value);
      findAll(value, tag, found);
    }
  }
  return found;
}

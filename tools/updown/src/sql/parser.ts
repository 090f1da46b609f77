/**
 * Splits a `.sql` file into the statements updown sends one by one, with PostgreSQL's own parser
 * (libpg-query, WASM): semicolons inside strings, dollar quotes, comments and `BEGIN ATOMIC`
 * bodies stay where they are. Each statement keeps its place in the file, so a failure can be
 * reported at the file's line. Refuses what only psql understands (meta-commands) and a syntax
 * error, naming the line, before anything runs.
 */
import type { ParseResult, ScanToken } from 'libpg-query';
import { InvalidMigrationError } from '../errors';

type LibPgQuery = typeof import('libpg-query');

let parser: LibPgQuery | undefined;
let loading: Promise<LibPgQuery> | undefined;

/** Loads the WASM parser once per process (about 20 ms); every SQL file waits for it before loading. */
export function ensureSqlParser(): Promise<LibPgQuery> {
  loading ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('libpg-query') as LibPgQuery;
    await module.loadModule();
    parser = module;
    return module;
  })();
  return loading;
}

/** The parser, when ensureSqlParser has finished; synchronous callers cannot wait for it. */
export function sqlParser(): LibPgQuery | undefined {
  return parser;
}

/** One statement as it will be sent. */
export interface SqlStatement {
  /** The statement's text, from its first token to before its semicolon. */
  text: string;
  /** Where it starts in the file, in characters (0-based). */
  offset: number;
  /** The file line it starts on (1-based). */
  line: number;
  /** PostgreSQL's name for it, e.g. `CreateStmt`, `TransactionStmt`. */
  kind: string;
  /** For a TransactionStmt: `TRANS_STMT_BEGIN`, `TRANS_STMT_COMMIT`, … */
  transactionKind?: string;
}

/** A piece of a file (the whole file, or one `-- migrate:` section), with where it starts. */
export interface SqlPiece {
  text: string;
  /** Its first character's offset in the file. */
  offset: number;
}

/** Where a file's reader is: for refusals that name the file and line. */
export interface SqlOrigin {
  name: string;
  path: string;
  /** The whole file's text, to turn an offset into a line. */
  source: string;
}

export function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < source.length; i += 1) if (source.charCodeAt(i) === 10) line += 1;
  return line;
}

/** libpg-query counts in UTF-8 bytes; JavaScript strings in UTF-16 units. */
function charOffset(bytes: Buffer, byteOffset: number): number {
  return bytes.subarray(0, byteOffset).toString('utf8').length;
}

function refuse(origin: SqlOrigin, offset: number, reason: string): never {
  throw new InvalidMigrationError(origin.name, origin.path, `line ${lineAt(origin.source, offset)}: ${reason}`);
}

function scan(pg: LibPgQuery, text: string): ScanToken[] | undefined {
  try {
    return pg.scanSync(text).tokens;
  } catch {
    return undefined; // an unterminated string or comment: the parser says where, better
  }
}

/** psql's `\i`, `\set`, `\connect`, …: a backslash that starts a line outside strings and comments. */
function refuseMetaCommands(tokens: ScanToken[], piece: SqlPiece, bytes: Buffer, origin: SqlOrigin): void {
  for (const token of tokens) {
    if (token.text !== '\\') continue;
    const at = charOffset(bytes, token.start);
    const lineStart = piece.text.lastIndexOf('\n', at - 1) + 1;
    if (piece.text.slice(lineStart, at).trim() !== '') continue;
    const command = piece.text.slice(at).split(/\s/, 1)[0];
    refuse(
      origin,
      piece.offset + at,
      `${command} is a psql meta-command, which only psql understands and PostgreSQL does not: ` +
        'updown sends the file to PostgreSQL itself. Inline what it does (an included file becomes a migration of its own; a variable, its value)',
    );
  }
}

/** The `-- …` comments of a piece, with where they are: directives are read from these. */
export interface SqlComment {
  text: string;
  offset: number;
}

export interface ParsedPiece {
  statements: SqlStatement[];
  comments: SqlComment[];
}

/** Splits a piece of a file into statements, refusing meta-commands and syntax errors with their line. */
export function parsePiece(pg: LibPgQuery, piece: SqlPiece, origin: SqlOrigin): ParsedPiece {
  const bytes = Buffer.from(piece.text, 'utf8');
  const tokens = scan(pg, piece.text);
  if (tokens) refuseMetaCommands(tokens, piece, bytes, origin);
  let parsed: ParseResult;
  try {
    parsed = pg.parseSync(piece.text);
  } catch (error) {
    const at = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition ?? 0;
    refuse(origin, piece.offset + Math.max(0, at), `PostgreSQL's parser refuses it: ${(error as Error).message}`);
  }
  const statements = (parsed.stmts ?? []).map((raw): SqlStatement => {
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    const text = bytes.subarray(start, end).toString('utf8').trimEnd();
    const offset = piece.offset + charOffset(bytes, start);
    const [kind, node] = Object.entries(raw.stmt ?? {})[0] ?? ['Unknown', undefined];
    const transactionKind = kind === 'TransactionStmt' ? String((node as { kind?: string }).kind) : undefined;
    return { text, offset, line: lineAt(origin.source, offset), kind, ...(transactionKind ? { transactionKind } : {}) };
  });
  const comments = (tokens ?? [])
    .filter((token) => token.tokenName === 'SQL_COMMENT')
    .map((token) => ({ text: token.text, offset: piece.offset + charOffset(bytes, token.start) }));
  return { statements, comments };
}

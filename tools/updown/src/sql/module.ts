/**
 * A `.sql` migration or seed as a MigrationModule: its up (and down, from the pair's file or the
 * `-- migrate:down` section) send its statements one by one through `context.sequelize.query`,
 * so the executor's transaction, tracking row, timeouts, capture and checks apply unchanged.
 * Everything that would go wrong before the first statement is refused at load, naming the line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SEED_ENVIRONMENTS } from '../history';
import { InvalidMigrationError } from '../errors';
import type { MigrationFile } from '../plan';
import type { Migration, MigrationModule } from '../types';
import { lineAt, parsePiece, sqlParser, ensureSqlParser, type SqlOrigin, type SqlPiece, type SqlStatement } from './parser';
import { isDirective, NO_TRANSACTION, readDirectives, readSections, type SqlDirectives } from './source';
import { SqlStatementError } from './failure';

/** What a `.sql` file exports, in the shape of a script's exports, plus its statements for dry runs and lint. */
export interface SqlModule extends MigrationModule {
  /** `-- updown:lint-allow RULE: reason` lines, as a script's `export const lint = { allow: { RULE: reason } }`. */
  lint: { allow: Record<string, string> };
  /** The statements each direction sends, in order. */
  statements: { up: string[]; down?: string[] };
}

/** Ending the file's transaction from inside would commit its work before its tracking row. */
const ENDS_TRANSACTION = new Set([
  'TRANS_STMT_BEGIN',
  'TRANS_STMT_START',
  'TRANS_STMT_COMMIT',
  'TRANS_STMT_ROLLBACK',
  'TRANS_STMT_PREPARE',
  'TRANS_STMT_COMMIT_PREPARED',
  'TRANS_STMT_ROLLBACK_PREPARED',
]);

function read(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
}

interface Part {
  origin: SqlOrigin;
  piece: SqlPiece;
  directives: SqlDirectives;
}

function refuseOwnTransaction(part: Part, statements: SqlStatement[]): void {
  const own = statements.find((statement) => statement.transactionKind && ENDS_TRANSACTION.has(statement.transactionKind));
  if (!own) return;
  const word = own.text.split(/\s/, 1)[0].toUpperCase();
  throw new InvalidMigrationError(
    part.origin.name,
    part.origin.path,
    `line ${own.line}: ${word} inside a file that runs in a transaction: updown runs each file in its own transaction with its tracking row, ` +
      `and this ${word} would end it before the row is written. Drop the file's BEGIN/COMMIT, or put \`${NO_TRANSACTION}\` on its first line to run it outside one`,
  );
}

/** A `-- updown:` line after the first statement would be ignored: refused instead. */
function refuseLateDirectives(part: Part, comments: { text: string; offset: number }[], statements: SqlStatement[]): void {
  const first = statements[0]?.offset ?? Number.POSITIVE_INFINITY;
  const late = comments.find((comment) => comment.offset > first && isDirective(comment.text));
  if (late) {
    throw new InvalidMigrationError(part.origin.name, part.origin.path, `line ${lineAt(part.origin.source, late.offset)}: \`${late.text.trim()}\` comes after a statement: put updown's directives at the top of the file`);
  }
}

function statementsOf(part: Part, transactional: boolean): SqlStatement[] {
  const { statements, comments } = parsePiece(sqlParser()!, part.piece, part.origin);
  refuseLateDirectives(part, comments, statements);
  if (transactional) refuseOwnTransaction(part, statements);
  return statements;
}

/** Sends the statements in order; a failure names the statement, its line and PostgreSQL's position in the file. */
function sender(statements: SqlStatement[], origin: SqlOrigin): Migration {
  return async ({ context }) => {
    for (const [index, statement] of statements.entries()) {
      try {
        await context.sequelize.query(statement.text);
      } catch (error) {
        throw new SqlStatementError(origin, statement, index, statements.length, error);
      }
    }
  };
}

function parts(file: MigrationFile): { up: Part; down?: Part } {
  const source = read(file.path);
  const origin: SqlOrigin = { name: file.name, path: file.path, source };
  const directives = readDirectives(source, origin);
  const sections = readSections(source, origin);
  const up: Part = { origin, piece: sections.up, directives };
  if (sections.down && file.sql?.down) {
    throw new InvalidMigrationError(file.name, file.path, `has a \`-- migrate:down\` section and a down file (${path.basename(file.sql.down)}): keep one of them`);
  }
  if (sections.down) return { up, down: { origin, piece: sections.down, directives } };
  if (!file.sql?.down) return { up };
  const downSource = read(file.sql.down);
  const downOrigin: SqlOrigin = { name: file.name, path: file.sql.down, source: downSource };
  const downSections = readSections(downSource, downOrigin);
  if (downSections.down) throw new InvalidMigrationError(file.name, file.sql.down, 'a down file holds no `-- migrate:` sections: it is all down');
  return { up, down: { origin: downOrigin, piece: downSections.up, directives: readDirectives(downSource, downOrigin) } };
}

function environmentsOf(file: MigrationFile, directives: SqlDirectives): string[] | undefined {
  if (directives.environments) return directives.environments;
  const added = file.sql?.environments;
  return added ? [...new Set([...DEFAULT_SEED_ENVIRONMENTS, ...added])] : undefined;
}

function exportsOf(file: MigrationFile, up: Part, down: Part | undefined): Omit<SqlModule, 'up' | 'down' | 'statements'> {
  const transaction = !(up.directives.noTransaction || down?.directives.noTransaction);
  const environments = environmentsOf(file, up.directives);
  return {
    ...(transaction ? {} : { transaction: false }),
    ...(up.directives.timeouts ? { timeouts: up.directives.timeouts } : {}),
    ...(environments ? { environments } : {}),
    lint: { allow: { ...down?.directives.lintAllow, ...up.directives.lintAllow } },
  };
}

/**
 * The module of a listed `.sql` file. Once the parser is loaded (importModule waits for it) the
 * statements are split and checked now; before that (a synchronous caller reading a seed's
 * environments) up and down split them when called.
 */
export function loadSqlModule(file: MigrationFile): SqlModule {
  const { up, down } = parts(file);
  const exported = exportsOf(file, up, down);
  const transactional = exported.transaction !== false;
  if (!sqlParser()) {
    const later = (direction: 'up' | 'down'): Migration => async (params) => {
      await ensureSqlParser();
      return loadSqlModule(file)[direction]!(params);
    };
    return { ...exported, up: later('up'), ...(down ? { down: later('down') } : {}), statements: { up: [] } };
  }
  const upStatements = statementsOf(up, transactional);
  const downStatements = down ? statementsOf(down, transactional) : [];
  // An empty down is not a down: reverting through it would un-record a file and change nothing.
  const reversible = downStatements.length > 0;
  return {
    ...exported,
    up: sender(upStatements, up.origin),
    ...(reversible ? { down: sender(downStatements, down!.origin) } : {}),
    statements: { up: upStatements.map((s) => s.text), ...(reversible ? { down: downStatements.map((s) => s.text) } : {}) },
  };
}

/** Like loadSqlModule, after loading the parser: every statement split and checked. */
export async function importSqlModule(file: MigrationFile): Promise<SqlModule> {
  await ensureSqlParser();
  return loadSqlModule(file);
}

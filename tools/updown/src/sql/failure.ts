/**
 * A statement of a `.sql` file that PostgreSQL refused, said the way a reader finds it: which
 * statement, on which line of the file, and where in it PostgreSQL points. It keeps the driver's
 * error as `original` (so code, position and detail reach every printer, and the executor still
 * sees 55P03 and 25001) and the statement as `sql` (the printer draws its caret under it).
 */
import { lineAt, type SqlOrigin, type SqlStatement } from './parser';

function driverError(error: unknown): Record<string, unknown> | undefined {
  const wrapped = error as { original?: Record<string, unknown>; parent?: Record<string, unknown> } | undefined;
  return wrapped?.original ?? wrapped?.parent ?? (error as Record<string, unknown> | undefined);
}

export class SqlStatementError extends Error {
  /** The driver's error (pg's), as Sequelize keeps it. */
  readonly original: Record<string, unknown> | undefined;
  /** The statement as it was sent. */
  readonly sql: string;
  /** The file line PostgreSQL's position falls on (else the statement's first line). */
  readonly fileLine: number;
  readonly statementLine: number;

  constructor(origin: SqlOrigin, statement: SqlStatement, index: number, count: number, cause: unknown) {
    const original = driverError(cause);
    const position = Number(original?.position);
    const fileLine = Number.isFinite(position) && position > 0 ? lineAt(origin.source, statement.offset + position - 1) : statement.line;
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`statement ${index + 1} of ${count} (line ${statement.line}${fileLine !== statement.line ? `, error at line ${fileLine}` : ''}): ${reason}`, { cause });
    this.name = 'SqlStatementError';
    this.original = original;
    this.sql = statement.text;
    this.fileLine = fileLine;
    this.statementLine = statement.line;
  }
}

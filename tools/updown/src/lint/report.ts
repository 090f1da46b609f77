/**
 * How lint reads: one block per finding (file, rule, the statement with a caret, the lock and the
 * table's size, the recipe), a summary, and the `--json` document. Pure: the CLI writes what these
 * return, and `up` in warn mode prints the same blocks as warnings.
 */
import pc from 'picocolors';
import { lockName, whatItBlocks } from './locks';
import type { LintFinding, LintResult, TableSize } from './types';

const ms = (durationMs: number) => (durationMs < 10_000 ? `${durationMs} ms` : `${(durationMs / 1000).toFixed(1)} s`);

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function sizeText(table: TableSize): string {
  if (!table.onTarget) return `${table.name} is not on the target yet (an earlier pending file creates it)`;
  const rows = table.rows === undefined || table.rows < 0 ? 'rows not counted yet (never analysed)' : `~${Math.round(table.rows).toLocaleString('en-US')} rows`;
  return `${table.name} on the target: ${rows}${table.bytes !== undefined ? `, ${bytes(table.bytes)}` : ''}`;
}

/** The statement's line that holds `position`, with a caret under it (the whole statement when short). */
export function withCaret(statement: string, position: number | undefined): string[] {
  const lines = statement.split('\n');
  if (position === undefined) return lines.slice(0, 6).map((line) => `    ${line}`).concat(lines.length > 6 ? ['    …'] : []);
  let offset = 0;
  for (const line of lines) {
    if (position - 1 <= offset + line.length) return [`    ${line}`, `    ${' '.repeat(Math.max(0, position - 1 - offset))}^`];
    offset += line.length + 1;
  }
  return [`    ${statement}`];
}

/** The block for one finding. */
export function findingLines(finding: LintFinding): string[] {
  const head = finding.acknowledged !== undefined ? pc.dim(`acknowledged ${finding.rule}`) : pc.red(finding.rule);
  const lines = [`${head} ${finding.file}: ${finding.message}`];
  if (finding.statement) lines.push(...withCaret(finding.statement, finding.position).map((line) => pc.dim(line)));
  if (finding.lock) {
    const seen = finding.lock.observed ? 'taken (observed in pg_locks)' : 'taken (documented; not observable here)';
    lines.push(`  lock: ${lockName(finding.lock.mode)}${finding.lock.table ? ` on ${finding.lock.table}` : ''} ${seen}: ${whatItBlocks(finding.lock.mode)}`);
  }
  if (finding.rewritten?.length) lines.push(`  rewritten (relfilenode changed): ${finding.rewritten.join(', ')}`);
  // In place (`up` warning) no size was read: the table is right there.
  if (finding.table && (finding.table.rows !== undefined || !finding.table.onTarget)) lines.push(`  size: ${sizeText(finding.table)}`);
  if (finding.acknowledged !== undefined) lines.push(`  acknowledged: ${finding.acknowledged}`);
  else lines.push('  safe way:', ...finding.recipe.map((line) => `    ${line}`));
  return lines;
}

function seconds(value: number): string {
  return value === 0 ? '0 (off)' : value % 1000 === 0 ? `${value / 1000}s` : `${value}ms`;
}

function version(num: number | undefined): string {
  if (!num) return 'unknown';
  return `${Math.floor(num / 10000)}.${num % 10000}`;
}

export function summaryLines(result: LintResult): string[] {
  const lines: string[] = [];
  if (result.notLinted.length) lines.push(pc.yellow(`not linted (an earlier migration failed): ${result.notLinted.join(', ')}`));
  if (result.errors.length) return lines;
  const took = pc.dim(`in ${ms(result.durationMs)}`);
  if (result.files.length === 0 && result.findings.length === 0) return [...lines, `nothing to lint: no pending migration (--all lints every one from an empty database) ${took}`];
  const open = result.findings.filter((finding) => finding.acknowledged === undefined).length;
  const acknowledged = result.findings.length - open;
  const files = `${result.files.length} migration${result.files.length === 1 ? '' : 's'}`;
  const acked = acknowledged ? `, ${acknowledged} acknowledged` : '';
  lines.push(pc.dim(`PostgreSQL ${version(result.pgVersion)}; every file ran with lock_timeout ${seconds(result.lockTimeoutMs ?? 0)} (updown's default unless --ddl-lock-timeout or timeouts.lock say otherwise)`));
  lines.push(open === 0 ? `${pc.green(`${files} linted: no finding${acked}`)} ${took}` : `${pc.red(`${files} linted: ${open} finding${open === 1 ? '' : 's'}${acked}`)} ${took}`);
  return lines;
}

/** The `--json` document: fields may be added, never renamed. */
export function lintJson(result: LintResult, errorJson: (error: Error) => Record<string, unknown>): Record<string, unknown> {
  return {
    ok: result.success,
    ...(result.scratch ? { scratch: { method: result.scratch.method, database: result.scratch.database, description: result.scratch.description } } : {}),
    ...(result.pgVersion ? { serverVersionNum: result.pgVersion } : {}),
    ...(result.lockTimeoutMs !== undefined ? { lockTimeoutMs: result.lockTimeoutMs } : {}),
    files: result.files,
    findings: result.findings,
    notLinted: result.notLinted,
    durationMs: result.durationMs,
    ...(result.errors[0] ? { error: errorJson(result.errors[0]) } : {}),
  };
}

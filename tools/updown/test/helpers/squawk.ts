/**
 * Lint measured against squawk on the same captured SQL: squawk reads the statements each file
 * really sent (from `lint --keepSql`), and every finding is sorted into agreed, lint only or
 * squawk only, each difference with its reason: one of the general reasons below, or the one
 * the fixture file gives in a `// lint-only: rule — reason` or `// squawk-differs: rule — reason` line.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LintResult } from '../../src/lint/types';

/** squawk's rule → the lint rules that find the same danger. */
export const EQUIVALENTS: Record<string, string[]> = {
  'require-concurrent-index-creation': ['index-not-concurrent'],
  'require-concurrent-index-deletion': ['index-not-concurrent'],
  'ban-concurrent-index-creation-in-transaction': ['concurrently-in-transaction'],
  'adding-required-field': ['not-null-without-default'],
  'adding-field-with-default': ['volatile-default', 'generated-column'],
  'adding-not-nullable-field': ['set-not-null'],
  'changing-column-type': ['column-type-change'],
  'adding-foreign-key-constraint': ['constraint-not-valid'],
  'constraint-missing-not-valid': ['constraint-not-valid', 'validate-in-same-transaction', 'primary-key', 'exclusion-constraint'],
  'disallowed-unique-constraint': ['constraint-not-valid'],
  'adding-primary-key-constraint': ['primary-key'],
  'adding-serial-primary-key-field': ['primary-key'],
  'renaming-column': ['rename'],
  'renaming-table': ['rename'],
  'ban-drop-column': ['drop'],
  'ban-drop-table': ['drop'],
  'require-lock-timeout': ['lock-timeout'],
};

/** Why squawk reports what lint does not, for rules whose reason does not depend on the file. */
const SQUAWK_ONLY: Record<string, string> = {
  'require-lock-timeout': "updown sets lock_timeout (5s) on every file's connection; squawk reads only the SQL text, which has no SET",
  'require-statement-timeout': "updown sets statement_timeout (15m) on every file's connection; the SQL text has no SET",
  'prefer-robust-stmts': 'about re-running a half-applied file; updown rolls a failed file back whole (its transaction)',
  'prefer-bigint-over-int': 'a column-type preference, not a lock or a rewrite',
  'prefer-bigint-over-smallint': 'a column-type preference, not a lock or a rewrite',
  'prefer-text-field': 'a column-type preference (varchar(n) vs text), not a lock or a rewrite',
  'prefer-timestamptz': 'a column-type preference, not a lock or a rewrite',
  'prefer-identity': 'a column-type preference (serial vs identity), not a lock or a rewrite',
  'ban-char-field': 'a column-type preference, not a lock or a rewrite',
  'require-enum-value-ordering': 'an ordering preference (BEFORE / AFTER), not a lock or a rewrite',
};

/** Differences whose reason is the same wherever they occur: listed once, with the files counted. */
export const GENERAL = new Set(Object.keys(SQUAWK_ONLY));

export interface Difference {
  file: string;
  side: 'lint only' | 'squawk only';
  rule: string;
  reason?: string;
}

export interface Comparison {
  agreed: { file: string; lint: string; squawk: string }[];
  differences: Difference[];
}

interface SquawkViolation {
  file: string;
  rule_name: string;
}

/** Runs squawk on each file's statements; transactional files with --assume-in-transaction. */
export function runSquawk(bin: string, result: LintResult, pgVersion: string): Map<string, string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-squawk-'));
  try {
    const groups = { inside: [] as string[], outside: [] as string[] };
    for (const file of result.files) {
      const text = (file.sql ?? []).map((statement) => `${statement.trim().replace(/;\s*$/, '')};`).join('\n');
      const where = path.join(dir, `${file.name}.sql`);
      fs.writeFileSync(where, `${text}\n`);
      (file.outsideTransaction ? groups.outside : groups.inside).push(where);
    }
    const found = new Map<string, string[]>();
    for (const [group, files] of Object.entries(groups)) {
      if (files.length === 0) continue;
      const args = ['--reporter', 'json', '--pg-version', pgVersion, ...(group === 'inside' ? ['--assume-in-transaction'] : []), ...files];
      const run = spawnSync(bin, args, { encoding: 'utf8' });
      if (run.error || !run.stdout.trim().startsWith('[')) throw new Error(`squawk failed: ${run.error?.message ?? run.stderr}`);
      for (const violation of JSON.parse(run.stdout) as SquawkViolation[]) {
        const name = path.basename(violation.file, '.sql');
        found.set(name, [...new Set([...(found.get(name) ?? []), violation.rule_name])]);
      }
    }
    return found;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `// lint-only: rule — reason` and `// squawk-differs: rule — reason` lines of a migration file. */
function statedReasons(source: string): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const match of source.matchAll(/\/\/ (lint-only|squawk-differs): ([\w-]+) — (.+)$/gm)) reasons.set(`${match[1] === 'lint-only' ? 'lint only' : 'squawk only'}:${match[2]}`, match[3].trim());
  return reasons;
}

export function compare(result: LintResult, squawk: Map<string, string[]>, sources: Map<string, string>): Comparison {
  const comparison: Comparison = { agreed: [], differences: [] };
  const lintHasEquivalent = new Set(Object.values(EQUIVALENTS).flat());
  for (const file of result.files) {
    const ours = [...new Set(result.findings.filter((finding) => finding.file === file.name).map((finding) => finding.rule))];
    const theirs = squawk.get(file.name) ?? [];
    const stated = statedReasons(sources.get(file.name) ?? '');
    for (const rule of ours) {
      const match = theirs.find((squawkRule) => EQUIVALENTS[squawkRule]?.includes(rule));
      if (match) comparison.agreed.push({ file: file.name, lint: rule, squawk: match });
      else {
        const reason = stated.get(`lint only:${rule}`) ?? (lintHasEquivalent.has(rule) ? undefined : 'squawk has no rule for this');
        comparison.differences.push({ file: file.name, side: 'lint only', rule, reason });
      }
    }
    for (const squawkRule of theirs) {
      if ((EQUIVALENTS[squawkRule] ?? []).some((rule) => ours.includes(rule))) continue;
      const reason = stated.get(`squawk only:${squawkRule}`) ?? SQUAWK_ONLY[squawkRule];
      comparison.differences.push({ file: file.name, side: 'squawk only', rule: squawkRule, reason });
    }
  }
  return comparison;
}

export function comparisonText(comparison: Comparison): string {
  const lines = [`lint and squawk agree on ${comparison.agreed.length} finding(s):`];
  for (const agreed of comparison.agreed) lines.push(`  = ${agreed.file}: ${agreed.lint} ~ squawk ${agreed.squawk}`);
  const specific = comparison.differences.filter((difference) => !(difference.side === 'squawk only' && GENERAL.has(difference.rule)));
  lines.push(`they differ on ${specific.length} finding(s) of these files:`);
  for (const difference of specific) lines.push(`  ${difference.side === 'lint only' ? '+' : '-'} ${difference.file}: ${difference.side} ${difference.rule} — ${difference.reason ?? 'UNEXPLAINED'}`);
  const general = new Map<string, number>();
  for (const difference of comparison.differences) if (!specific.includes(difference)) general.set(difference.rule, (general.get(difference.rule) ?? 0) + 1);
  lines.push('and on rules lint does not have, for the same reason in every file:');
  for (const [rule, count] of general) lines.push(`  - squawk only ${rule} (${count} file${count === 1 ? '' : 's'}) — ${SQUAWK_ONLY[rule]}`);
  return lines.join('\n');
}

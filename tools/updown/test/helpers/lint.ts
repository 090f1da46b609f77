/**
 * Lint scenarios written inline: a setup migration applied on a fresh target (the "existing"
 * tables), then one pending migration per case, linted on a scratch copy. Findings come back per
 * case, so a rule's test reads as "this triggers it, this does not".
 */
import fs from 'node:fs';
import path from 'node:path';
import { up } from '../../src/api';
import { resolveOptions } from '../../src/config';
import { lint, type LintOptions } from '../../src/lint/runner';
import type { LintFinding, LintResult } from '../../src/lint/types';
import type { RunOptions } from '../../src/types';
import { createScratchDatabase, dropScratchDatabase } from './database';
import { tempMigrations } from './fixtures';

export interface LintCase {
  /** camelCase, unique in the run: the file is `2024010101NNNN-<name>`. */
  name: string;
  /** Raw SQL, one statement per call of sequelize.query. */
  sql?: string[];
  /** Or TypeScript for the body of up({ context: { queryInterface, sequelize } }) (DataTypes is imported). */
  body?: string;
  transaction?: false;
  /** `export const lint = { allow: … }`. */
  allow?: Record<string, unknown>;
  /** Any other exports, as source. */
  extra?: string;
}

export interface LintRun {
  result: LintResult;
  /** The rules found in a case's file, sorted (acknowledged ones included). */
  rules(name: string): string[];
  findings(name: string): LintFinding[];
  /** The target database (dropped by `cleanUp`). */
  url: string;
  warnings: string[];
  cleanUp(): Promise<void>;
}

const stamp = (n: number) => `20240101${String(10000 + n).padStart(6, '0')}`;

function source(sqlOrBody: { sql?: string[]; body?: string }): string {
  if (sqlOrBody.body) return sqlOrBody.body;
  return (sqlOrBody.sql ?? []).map((statement) => `  await sequelize.query(${JSON.stringify(statement)});`).join('\n');
}

function moduleText(item: LintCase): string {
  return [
    "import { DataTypes, Sequelize } from 'sequelize';",
    'void DataTypes; void Sequelize;',
    item.transaction === false ? 'export const transaction = false;' : '',
    item.allow ? `export const lint = { allow: ${JSON.stringify(item.allow)} };` : '',
    item.extra ?? '',
    // eslint-disable-next-line no-template-curly-in-string
    'export const up = async ({ context: { queryInterface, sequelize } }: any) => {',
    '  void queryInterface; void sequelize;',
    source(item),
    '};',
    'export const down = async () => undefined;',
    '',
  ].join('\n');
}

export function writeCases(dir: string, setup: string[], cases: LintCase[]): string | undefined {
  const setupName = setup.length ? `${stamp(0)}-setup` : undefined;
  if (setupName) fs.writeFileSync(path.join(dir, `${setupName}.ts`), moduleText({ name: 'setup', sql: setup }));
  cases.forEach((item, i) => fs.writeFileSync(path.join(dir, `${stamp(i + 1)}-${item.name}.ts`), moduleText(item)));
  return setupName;
}

export function optionsFor(url: string, dir: string, warnings: string[], extra: Partial<RunOptions> = {}): RunOptions {
  const logger = { info: () => undefined, warn: (message: string) => warnings.push(message) };
  return { ...resolveOptions('migrations', { url, dir }, logger, {}, dir).options, url, ...extra } as RunOptions;
}

/** Applies `setup` on a new target, then lints the cases (pending) on a scratch copy of it. */
export async function lintCases(setup: string[], cases: LintCase[], extra: Partial<LintOptions> = {}, server?: string): Promise<LintRun> {
  const folder = tempMigrations();
  const url = server ?? (await createScratchDatabase('updown_lint'));
  const warnings: string[] = [];
  const cleanUp = async () => {
    await dropScratchDatabase(url).catch(() => undefined);
    folder.remove();
  };
  try {
    const setupName = writeCases(folder.dir, setup, cases);
    const options = optionsFor(url, folder.dir, warnings, extra);
    if (setupName) {
      const applied = await up({ ...options, to: setupName, lint: { mode: 'off' } });
      if (!applied.success) throw applied.errors[0];
    }
    const result = await lint({ ...options, ...extra });
    const findings = (name: string) => result.findings.filter((finding) => finding.file.endsWith(`-${name}`));
    return { result, url, warnings, cleanUp, findings, rules: (name) => findings(name).map((finding) => finding.rule).sort() };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

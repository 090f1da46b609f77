/**
 * Helpers for the legacy-project tests: the original tools (sequelize-cli, a project's own Umzug
 * runner) and updown, each run as a real process in the project's folder with DATABASE_URL in its
 * environment, the way a team runs them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startCli, stripAnsi, type CliResult } from './cli';
import { query } from './database';
import { fixtureDir } from './fixtures';

/** Variables that would change what a tool targets: removed before each run, as in helpers/cli.ts. */
const AMBIENT = ['DATABASE_URL', 'DATABASE_SCHEMA', 'UPDOWN_LOCK_TIMEOUT', 'NODE_ENV', 'FORCE_COLOR', 'TEST_DATABASE_URL'];

/**
 * sequelize-cli's own file filter (`src/core/migrator.js`, handed to Umzug 2 as
 * `migrations.pattern`): tested against the bare file name, no timestamp required.
 */
export const SEQUELIZE_CLI_PATTERN = /^(?!.*\.d\.ts$).*\.(cjs|js|cts|ts)$/;

/** sequelize-cli and Umzug both sort by plain file name, code unit by code unit (Array#sort). */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * sequelize-cli builds its config from the URL's protocol (`dialect: protocol`), so it needs
 * `postgres:`; `postgresql:` would ask Sequelize for a dialect it does not have.
 */
export function sequelizeCliUrl(url: string): string {
  return url.replace(/^postgresql:/, 'postgres:');
}

export interface ToolRun extends CliResult {
  /** stdout and stderr together, colours stripped: what a user sees. */
  output: string;
}

interface SpawnOptions {
  cwd: string;
  url: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Runs `node <script> …args` in `cwd` with DATABASE_URL; rejects (after killing it) when it hangs. */
function runNode(label: string, argv: string[], { cwd, url, timeoutMs = 30_000, env: extra }: SpawnOptions): Promise<ToolRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of AMBIENT) delete env[name];
  Object.assign(env, { NO_COLOR: '1', DATABASE_URL: sequelizeCliUrl(url) }, extra);
  const child = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not finish in ${timeoutMs / 1000} s (hung?)\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === null) return reject(new Error(`${label} was killed by ${signal}\n${stderr}`));
      const [out, err] = [stripAnsi(stdout), stripAnsi(stderr)];
      resolve({ code, stdout: out, stderr: err, output: `${out}\n${err}` });
    });
  });
}

const SEQUELIZE_CLI = path.join(REPO_ROOT, 'node_modules', 'sequelize-cli', 'lib', 'sequelize');
const TS_NODE = path.join(REPO_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

/** `npx sequelize-cli …` from the project's folder, as its team runs it. */
export function sequelizeCli(args: string[], options: SpawnOptions): Promise<ToolRun> {
  return runNode(`sequelize-cli ${args.join(' ')}`, [SEQUELIZE_CLI, ...args], options);
}

/** The Umzug project's own runner: `ts-node migrate.ts …` (Umzug's CLI: up, down, pending, executed). */
export function umzugRunner(args: string[], options: SpawnOptions): Promise<ToolRun> {
  return runNode(`ts-node migrate.ts ${args.join(' ')}`, [TS_NODE, 'migrate.ts', ...args], options);
}

/**
 * updown as a real process in the project's folder, DATABASE_URL in its environment. Killed and
 * failed after `timeoutMs`: a file's own transaction waiting on the lock of the migration's
 * transaction would otherwise hang the test until Jest's timeout.
 */
export async function updown(args: string[], { cwd, url, timeoutMs = 30_000, env }: SpawnOptions): Promise<ToolRun> {
  const started = startCli(args, { cwd, env: { DATABASE_URL: sequelizeCliUrl(url), ...env } });
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      started.child.kill('SIGKILL');
      reject(new Error(`updown ${args.join(' ')} did not finish in ${timeoutMs / 1000} s (a deadlock?)\n${started.output.stdout}\n${started.output.stderr}`));
    }, timeoutMs);
  });
  try {
    const { code, signal, stdout, stderr } = await Promise.race([started.exited, hung]);
    if (code === null) throw new Error(`updown ${args.join(' ')} was killed by ${signal}\n${stderr}`);
    return { code, stdout, stderr, output: `${stdout}\n${stderr}` };
  } finally {
    clearTimeout(timer);
  }
}

/** `db:migrate:status` as [state, file] pairs, in the order sequelize-cli prints them. */
export function sequelizeCliStatus(output: string): [string, string][] {
  return [...output.matchAll(/^(up|down) (\S+)$/gm)].map((match) => [match[1], match[2]]);
}

/** A migration's name without its extension(s) as sequelize-cli and Umzug store it: for lenient matches. */
export const stem = (name: string): string => name.replace(/(\.(c?js|c?ts))+$/, '');

/** The rows of a legacy tracking table in name order (code units); [] when the table does not exist. */
export async function legacyNames(url: string, table = 'SequelizeMeta', schema = 'public'): Promise<string[]> {
  const qualified = `"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`;
  const [found] = await query<{ found: string | null }>(url, 'SELECT to_regclass($1) AS found', [qualified]);
  if (!found?.found) return [];
  const rows = await query<{ name: string }>(url, `SELECT name FROM ${qualified}`);
  return rows.map((row) => row.name).sort(byCodeUnit);
}

export interface TableShape {
  columns: { column_name: string; data_type: string; character_maximum_length: number | null; is_nullable: string; column_default: string | null }[];
  constraints: { contype: string; def: string }[];
}

/** A table's columns and constraints from the catalogs (names of constraints left out). */
export async function tableShape(url: string, table: string, schema = 'public'): Promise<TableShape> {
  const columns = await query<TableShape['columns'][number]>(
    url,
    `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  const constraints = await query<TableShape['constraints'][number]>(
    url,
    `SELECT c.contype, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relname = $2 ORDER BY 1, 2`,
    [schema, table],
  );
  return { columns, constraints };
}

/**
 * What sequelize-cli 6.6.5 (Umzug 2's SequelizeStorage) and Umzug 3's SequelizeStorage create:
 * one column, `name varchar(255) NOT NULL`, primary key. Observed on PostgreSQL 15.
 */
export const SEQUELIZE_META_SHAPE: TableShape = {
  columns: [{ column_name: 'name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO', column_default: null }],
  constraints: [{ contype: 'p', def: 'PRIMARY KEY (name)' }],
};

/** Every relation (table, view) in the schema, by name. */
export async function relationsIn(url: string, schema = 'public'): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1`,
    [schema],
  );
  return rows.map((row) => row.name);
}

export interface ProjectCopy {
  /** The copied project folder: run the tools with this as their cwd. */
  dir: string;
  remove(): void;
}

/**
 * A copy of a legacy fixture project in a temporary folder, for tests that add files or keep only
 * part of a history. `keep` filters by path relative to the project (folders are always kept). The
 * temporary root links the repository's node_modules, so `sequelize`, `pg` and `umzug` resolve from
 * the copy as from the fixture.
 */
export function copyProject(fixture: string, keep: (relative: string) => boolean = () => true): ProjectCopy {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-legacy-'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const source = fixtureDir(fixture);
  const dir = path.join(root, fixture);
  fs.cpSync(source, dir, {
    recursive: true,
    filter: (from) => fs.statSync(from).isDirectory() || keep(path.relative(source, from)),
  });
  return { dir, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Lines of output that are updown warnings (`warning …` on stderr) and mention `text`. */
export function warningsAbout(stderr: string, text: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('warning') && line.includes(text));
}

/** Fails with the run's whole output when it did not exit with `code` (a bare "expected 0, got 2" says nothing). */
export function expectCode<T extends ToolRun>(run: T, code: number): T {
  if (run.code !== code) throw new Error(`exited ${run.code}, expected ${code}; its output:\n${run.output}`);
  return run;
}

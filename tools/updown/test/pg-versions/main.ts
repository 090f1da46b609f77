/**
 * `make test-pg-versions`: the engine, verify and dump suites on every supported PostgreSQL major.
 * For each one it installs that major's embedded binaries (binaries.ts), starts a server of its own
 * (own data folder, free port) with the same code the embedded fallback uses, checks that the server
 * is that major, runs the suites against it through TEST_DATABASE_URL (test/global-setup.ts), and
 * stops it. One major's failure does not hide another's: every major runs, then the exit code is 1
 * when any failed.
 *
 * Usage: node tools/updown/test/pg-versions/run.js [MAJOR...]   (or PG_VERSIONS=14,18; default: all)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbedded } from '../../src/embedded';
import { installBinaries } from './binaries';
import { selectVersions, type PgVersion } from './versions';

const UPDOWN_ROOT = path.resolve(__dirname, '../..');
const REPO_ROOT = path.resolve(UPDOWN_ROOT, '../..');
/** Binaries and clusters, kept between runs (gitignored, like the embedded fallback's .updown/embedded). */
const CACHE_ROOT = path.join(REPO_ROOT, '.updown', 'pg-versions');

/**
 * The suites whose behaviour depends on the server: the engine (transactions, locks, errors), a
 * file's COMMIT (commit-*: pipelined with its row, beginning the next file's transaction, overlapped
 * with the next file), verify (scratch databases, snapshots) and dump (verify-dump*, verify-backend:
 * the catalog's deparsed definitions, compared with committed files).
 */
const SUITES = [/^engine-.*\.test\.ts$/, /^commit-.*\.test\.ts$/, /^verify-.*\.test\.ts$/, /^executor\.test\.ts$/, /^schema-refresh\.test\.ts$/];

export function suiteFiles(): string[] {
  const dir = path.join(UPDOWN_ROOT, 'test', 'integration');
  return fs
    .readdirSync(dir)
    .filter((name) => SUITES.some((pattern) => pattern.test(name)))
    .sort()
    .map((name) => path.join(dir, name));
}

interface Outcome {
  major: number;
  ok: boolean;
  seconds: number;
  detail: string;
}

const say = (line: string) => process.stdout.write(`pg-versions: ${line}\n`);

export async function main(args: string[]): Promise<number> {
  let versions: PgVersion[];
  try {
    versions = selectVersions(args.length > 0 ? args : (process.env.PG_VERSIONS ?? '').split(',').filter(Boolean));
  } catch (error) {
    process.stderr.write(`pg-versions: ${(error as Error).message}\n`);
    return 2;
  }
  const files = suiteFiles();
  say(`${files.length} test files on PostgreSQL ${versions.map((v) => v.major).join(', ')}`);
  const outcomes: Outcome[] = [];
  for (const version of versions) outcomes.push(await onVersion(version, files));
  say('summary');
  for (const outcome of outcomes) {
    say(`  PostgreSQL ${outcome.major}: ${outcome.ok ? 'ok' : 'FAILED'} in ${outcome.seconds.toFixed(0)} s${outcome.detail ? ` (${outcome.detail})` : ''}`);
  }
  return outcomes.every((outcome) => outcome.ok) ? 0 : 1;
}

async function onVersion(version: PgVersion, files: string[]): Promise<Outcome> {
  const started = Date.now();
  const done = (ok: boolean, detail = ''): Outcome => ({ major: version.major, ok, seconds: (Date.now() - started) / 1000, detail });
  let server;
  try {
    const binariesPackageDir = await installBinaries(version, CACHE_ROOT, say);
    server = await startEmbedded({ dataDir: path.join(CACHE_ROOT, `data-${version.major}`), binariesPackageDir, log: say });
    const reported = await serverVersion(server.url);
    say(`PostgreSQL ${version.major}: server ${reported} at ${server.url}`);
    if (!reported.startsWith(`${version.major}.`)) return done(false, `the server reports ${reported}`);
    const code = await runJest(server.url, files);
    return done(code === 0, code === 0 ? '' : `jest exited ${code}`);
  } catch (error) {
    say(`PostgreSQL ${version.major}: ${(error as Error).message}`);
    return done(false, 'could not start the server');
  } finally {
    await server?.stop();
  }
}

async function serverVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  } finally {
    await client.end();
  }
}

/** Jest as a child process, its output passed through, with this server as the one the tests use. */
function runJest(url: string, files: string[]): Promise<number> {
  const jest = require.resolve('jest/bin/jest', { paths: [REPO_ROOT] });
  const args = [jest, '--config', path.join(UPDOWN_ROOT, 'jest.config.ts'), '--runTestsByPath', ...files];
  const env = { ...process.env, TEST_DATABASE_URL: url, DATABASE_URL: url };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Jest globalSetup / globalTeardown helpers: a test database on a real PostgreSQL, created when
 * missing and migrated (and optionally seeded) with updown before any test runs.
 */
import path from 'node:path';
import { up } from '../api';
import { loadConfig, resolveOptions } from '../config';
import { databaseName, dropDatabase, ensureDatabase, urlForDatabase } from '../database';
import { UntrustedHistoryError } from '../errors';
import type { Logger, RunOptions, RunResult } from '../types';
import { ensureTestServer, stopTestServer } from './server';

export interface TestDatabaseOptions {
  /** The project's updown.config.ts. */
  configPath: string;
  /** Database name; default: the development database's name with `_test` (e.g. updown_test). */
  database?: string;
  /** Also apply every seed. */
  seed?: boolean;
}

const quiet: Logger = { info: () => undefined, warn: (message) => process.stderr.write(`updown: ${message}\n`) };

function failOn(result: RunResult, what: string): void {
  if (result.success) return;
  const [error] = result.errors;
  throw new Error(`updown could not prepare the test database (${what}): ${error?.message ?? 'unknown error'}`, { cause: error });
}

/**
 * Creates the test database when missing, applies every migration (then every seed), and points
 * `process.env.DATABASE_URL` at it so the Jest workers, started after globalSetup, inherit it.
 * The server is TEST_DATABASE_URL's, else DATABASE_URL's, else the config's embedded PostgreSQL.
 */
export async function setupTestDatabase(options: TestDatabaseOptions): Promise<{ url: string }> {
  const loaded = loadConfig(options.configPath);
  const embedded = loaded.config.embedded;
  const server = await ensureTestServer({ dataDir: embedded ? path.resolve(loaded.dir, embedded.dataDir) : undefined });
  const given = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  const developmentName = given ? databaseName(given) : (embedded?.database ?? 'updown');
  const testName = options.database ?? `${developmentName.replace(/_(development|dev)$/, '').replace(/_test$/, '')}_test`;
  const url = process.env.TEST_DATABASE_URL || urlForDatabase(server.url, testName);
  const resolved = resolveOptions('migrations', { config: options.configPath, url, env: 'test' }, quiet);
  const base = { ...resolved.options, url };
  const seedsDir = options.seed ? resolved.seedsDir : undefined;
  const results = await migrate(base, seedsDir);
  if (results.some((result) => result.errors[0] instanceof UntrustedHistoryError)) {
    // A test database is disposable: a file edited since it was built means "build it again".
    process.stderr.write(`updown: ${databaseName(url)} was built from files that have changed since; rebuilding it\n`);
    await dropDatabase(url);
    results.splice(0, results.length, ...(await migrate(base, seedsDir)));
  }
  results.forEach((result, index) => failOn(result, index === 0 ? 'migrations' : 'seeds'));
  process.env.DATABASE_URL = url;
  return { url };
}

/** Migrations, then seeds when asked; stops at the first failure. */
async function migrate(base: RunOptions, seedsDir: string | undefined): Promise<RunResult[]> {
  await ensureDatabase(base.url);
  const results = [await up(base)];
  if (results[0].success && seedsDir) results.push(await up({ ...base, kind: 'seeds', dir: seedsDir }));
  return results;
}

/** Stops the embedded server if setup started one; the test database is kept for the next run. */
export async function teardownTestDatabase(): Promise<void> {
  await stopTestServer();
}

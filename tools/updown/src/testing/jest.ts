/**
 * Jest globalSetup / globalTeardown helpers: migrate once, clone per worker.
 *
 * globalSetup builds a template database (migrated, optionally seeded) when its fingerprint changed,
 * and hands every Jest worker a clean clone of its own (`<base>_w1` … `<base>_wN`); the setupFiles
 * module `updown/testing/setup-worker.ts` points each worker's DATABASE_URL at it. globalTeardown
 * clones the used workers again ahead of the next run, so a warm run waits for almost nothing.
 * With `tenants`, the template also holds that many tenant schemas, each migrated on its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { up } from '../api';
import { loadConfig, resolveOptions } from '../config';
import { databaseName, urlForDatabase } from '../database';
import { UsageError } from '../errors';
import type { Logger, RunOptions, RunResult } from '../types';
import { openAdmin, type Admin } from './admin';
import { HARNESS_ENV, TENANTS_ENV, type HarnessEnv } from './env';
import { fingerprintOf } from './fingerprint';
import { acquireRunLock, type RunLock } from './runlock';
import { ensureTestServer, type TestServer } from './server';
import { ensureTemplate } from './template';
import { checkTenantsAgainst, tenantNames, type TenantOptions } from './tenants';
import { dropAll, dropWorkers, prepareWorkers, releaseWorkers, workerName, type WorkerSet } from './workers';

export { resetDatabase, reseed, type ResetOptions, type ReseedOptions } from './reset';
export { ensureTestServer, stopTestServer, type TestServer } from './server';
export { testTenants } from './env';
export type { TenantOptions } from './tenants';

export interface TestDatabaseOptions extends TenantOptions {
  /** The project's updown.config.ts. */
  configPath: string;
  /**
   * Base name of the test databases: `<base>_template`, `<base>_w1` … Default: TEST_DATABASE_URL's
   * database, else the development database's name with `_test` (e.g. updown_test).
   */
  database?: string;
  /** Also apply every seed (environment `test`) to the template. */
  seed?: boolean;
  /** How many worker databases: pass Jest's `globalConfig.maxWorkers` (default 1). */
  workers?: number;
  /** A server URL to use instead of TEST_DATABASE_URL / DATABASE_URL / the embedded PostgreSQL. */
  serverUrl?: string;
  /** Anything else the template depends on (e.g. an environment variable a seed reads): part of the fingerprint. */
  fingerprintExtra?: string;
  /** How long to wait for another Jest run using the same databases (default 10 minutes). */
  lockTimeoutMs?: number;
  /** Progress messages (default: stderr, only when something is built or cleaned). */
  log?: (message: string) => void;
}

export interface TestDatabases {
  /** The worker databases' URLs; JEST_WORKER_ID n uses urls[n - 1]. */
  urls: string[];
  /** urls[0]: also put in this process's DATABASE_URL. */
  url: string;
  template: string;
  /** The tenant schemas each worker database holds besides the configured one ([] without `tenants`); also in UPDOWN_TEST_TENANTS. */
  tenants: string[];
  /** Whether the template was built in this call (its fingerprint changed or it was missing). */
  rebuilt: boolean;
  fingerprint: string;
  /** Worker databases handed over as they were, cloned now, and stale ones dropped. */
  reused: string[];
  cloned: string[];
  dropped: string[];
  timings: { templateMs: number; workersMs: number; totalMs: number };
}

interface Target {
  server: TestServer | undefined;
  serverUrl: string;
  base: string;
  set: WorkerSet;
  configPath: string;
  schema: string;
  /** Tenant schemas migrated (and seeded) besides `schema`, each with its own tracking tables. */
  tenants: string[];
  /** The engine's options for this project (environment `test`); each build adds its database's URL. */
  run: Omit<RunOptions, 'url'>;
  seedsDir?: string;
  /** The seeds stream's own layout (its tracking table is not the migrations'). */
  seedsLayout?: RunOptions['layout'];
}

interface RunState {
  target: Target;
  admin: Admin;
  lock: RunLock;
  names: string[];
  marks: string;
  env: Record<string, string | undefined>;
  signals: Array<[NodeJS.Signals, () => void]>;
}

const STATE = Symbol.for('updown.testing.run');
const holder = globalThis as unknown as Record<symbol, RunState | undefined>;

const quiet: Logger = { info: () => undefined, warn: (message) => process.stderr.write(`updown: ${message}\n`) };
const stderrLog = (message: string): void => void process.stderr.write(`updown: ${message}\n`);
const debug = (message: string): void => {
  if (process.env.UPDOWN_DEBUG) stderrLog(message);
};

function failOn(result: RunResult, what: string): void {
  if (result.success) return;
  const [error] = result.errors;
  throw new Error(`updown could not build the test template (${what}): ${error?.message ?? 'unknown error'}`, { cause: error });
}

/** Server, names and folders: from the options, the environment and updown.config.ts. */
async function resolveTarget(options: TestDatabaseOptions): Promise<Target> {
  const tenants = tenantNames(options); // before a server is started: bad input costs nothing
  const configPath = path.resolve(options.configPath);
  const loaded = loadConfig(configPath);
  const embedded = loaded.config.embedded;
  const given = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  const server = options.serverUrl
    ? undefined
    : await ensureTestServer({ dataDir: embedded ? path.resolve(loaded.dir, embedded.dataDir) : undefined });
  const serverUrl = options.serverUrl ?? server!.url;
  try {
    const developmentName = given ? databaseName(given) : (embedded?.database ?? 'updown');
    const base =
      options.database ??
      (process.env.TEST_DATABASE_URL && !options.serverUrl
        ? databaseName(process.env.TEST_DATABASE_URL)
        : `${developmentName.replace(/_(development|dev)$/, '').replace(/_test$/, '')}_test`);
    // The longest derived name, `<base>_template`, must fit PostgreSQL's 63 bytes.
    if (Buffer.byteLength(`${base}_template`) > 63) throw new UsageError(`test database base name ${base} is too long (at most 54 bytes)`);
    const resolved = resolveOptions('migrations', { config: configPath, url: serverUrl, env: 'test' }, quiet);
    const seedsDir = options.seed ? resolved.seedsDir : undefined;
    if (options.seed && !seedsDir) throw new UsageError(`seed: true, but ${configPath} names no seeds folder`);
    const seedsLayout = seedsDir ? resolved.seedsLayout : undefined;
    checkTenantsAgainst(tenants, resolved.options.schema, [
      ['migrations', resolved.options.layout],
      ['seeds', seedsLayout],
    ]);
    const fingerprint = fingerprintOf({
      migrationsDir: resolved.options.dir,
      seedsDir,
      schema: resolved.options.schema,
      tenants,
      extra: options.fingerprintExtra,
    });
    return {
      server,
      serverUrl,
      base,
      set: { base, template: `${base}_template`, fingerprint },
      configPath,
      schema: resolved.options.schema,
      tenants,
      run: resolved.options,
      seedsDir,
      seedsLayout,
    };
  } catch (error) {
    await server?.stop();
    throw error;
  }
}

/**
 * Migrations, then seeds when asked, into the template being built: the configured schema, then
 * each tenant schema in turn, as `up --schema` would (each its own tracking tables and lock).
 * up() closes its connections.
 */
async function buildTemplate(target: Target, name: string): Promise<void> {
  const url = urlForDatabase(target.serverUrl, name);
  for (const schema of [target.schema, ...target.tenants]) {
    const where = schema === target.schema ? '' : ` of tenant ${schema}`;
    const base = { ...target.run, url, schema };
    failOn(await up(base), `migrations${where}`);
    if (target.seedsDir) failOn(await up({ ...base, kind: 'seeds', dir: target.seedsDir, layout: target.seedsLayout }), `seeds${where}`);
  }
}

/**
 * globalSetup: waits for any other run on the same databases, (re)builds the template when its
 * fingerprint changed, hands `workers` clean worker databases over, and exports their URLs to the
 * Jest workers it starts next (DATABASE_URL here is the first one's). Cleans what a crashed or
 * interrupted run left behind, and drops this run's workers on SIGINT / SIGTERM / SIGHUP.
 */
export async function setupTestDatabase(options: TestDatabaseOptions): Promise<TestDatabases> {
  if (holder[STATE]) await teardownTestDatabase(); // watch mode, or a teardown that never ran
  const started = Date.now();
  const log = options.log ?? stderrLog;
  const count = Math.max(1, Math.floor(options.workers ?? 1));
  const target = await resolveTarget(options);
  const { set } = target;
  let admin: Admin | undefined;
  let lock: RunLock | undefined;
  try {
    lock = await acquireRunLock(target.serverUrl, target.base, {
      timeoutMs: options.lockTimeoutMs,
      onWait: (who) => log(`waiting for another Jest run on ${target.base}_* to finish (${who})`),
    });
    admin = openAdmin(target.serverUrl);
    const template = await ensureTemplate(admin, {
      name: set.template,
      fingerprint: set.fingerprint,
      build: async (name) => {
        const tenants = target.tenants.length > 0 ? `, ${target.tenants.length} tenant schema(s)` : '';
        log(`building the test template ${name}${tenants} (${target.seedsDir ? 'migrations and seeds' : 'migrations'} changed or never built)`);
        await buildTemplate(target, name);
      },
    });
    const workers = await prepareWorkers(admin, set, count, { templateRebuilt: template.rebuilt });
    if (workers.dropped.length > 0) log(`dropped stale test databases: ${workers.dropped.join(', ')}`);
    const urls = workers.names.map((name) => urlForDatabase(target.serverUrl, name));
    const marks = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-jest-'));
    const harness: HarnessEnv = { urls, schema: target.schema, tenants: target.tenants, configPath: target.configPath, marks };
    const state: RunState = {
      target,
      admin,
      lock,
      names: workers.names,
      marks,
      env: { DATABASE_URL: process.env.DATABASE_URL, [HARNESS_ENV]: process.env[HARNESS_ENV], [TENANTS_ENV]: process.env[TENANTS_ENV] },
      signals: [],
    };
    holder[STATE] = state;
    process.env.DATABASE_URL = urls[0];
    process.env[HARNESS_ENV] = JSON.stringify(harness);
    // Unset without tenants: a value left from elsewhere would name schemas these databases lack.
    if (target.tenants.length > 0) process.env[TENANTS_ENV] = target.tenants.join(',');
    else delete process.env[TENANTS_ENV];
    installSignalHandlers(state);
    const totalMs = Date.now() - started;
    debug(
      `test databases ready in ${totalMs} ms (template ${template.rebuilt ? 'built' : 'kept'} ${template.durationMs} ms; ` +
        `workers ${workers.durationMs} ms: ${workers.reused.length} reused, ${workers.cloned.length} cloned)`,
    );
    return {
      urls,
      url: urls[0],
      template: set.template,
      tenants: target.tenants,
      rebuilt: template.rebuilt,
      fingerprint: set.fingerprint,
      reused: workers.reused,
      cloned: workers.cloned,
      dropped: workers.dropped,
      timings: { templateMs: template.durationMs, workersMs: workers.durationMs, totalMs },
    };
  } catch (error) {
    await admin?.close().catch(() => undefined);
    await lock?.release();
    await target.server?.stop();
    throw error;
  }
}

/** Worker databases a test file ran on: the ones the setupFiles module marked (all of them without marks). */
function usedWorkers(state: RunState): { used: string[]; unused: string[] } {
  let marked: Set<string>;
  try {
    marked = new Set(fs.readdirSync(state.marks));
  } catch {
    return { used: state.names, unused: [] };
  }
  const used = state.names.filter((_, index) => marked.has(`w${index + 1}`));
  return { used, unused: state.names.filter((name) => !used.includes(name)) };
}

function restore(state: RunState): void {
  for (const [signal, handler] of state.signals) process.removeListener(signal, handler);
  for (const [key, value] of Object.entries(state.env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  fs.rmSync(state.marks, { recursive: true, force: true });
}

/**
 * globalTeardown: clones the worker databases this run used again (the unused ones stay as they
 * are), ahead of the next run; then lets other runs in and stops an embedded server setup started.
 */
export async function teardownTestDatabase(): Promise<void> {
  const state = holder[STATE];
  holder[STATE] = undefined;
  if (!state) return;
  const started = Date.now();
  try {
    const workers = usedWorkers(state);
    restore(state);
    await releaseWorkers(state.admin, state.target.set, workers);
    debug(`${workers.used.length} worker database(s) cloned again for the next run in ${Date.now() - started} ms`);
  } finally {
    await state.admin.close().catch(() => undefined);
    await state.lock.release();
    await state.target.server?.stop();
  }
}

/** Interrupted: drop this run's (dirty) worker databases quickly, then die by the same signal. */
function installSignalHandlers(state: RunState): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      if (holder[STATE] !== state) return;
      holder[STATE] = undefined;
      restore(state);
      const cleanup = dropWorkers(state.admin, state.names)
        .catch(() => undefined) // the server may be gone already (an embedded one stops on the same signal)
        .finally(() => Promise.all([state.admin.close().catch(() => undefined), state.lock.release()]));
      const timeout = new Promise((resolve) => setTimeout(resolve, 3_000).unref());
      void Promise.race([cleanup, timeout]).finally(() => process.kill(process.pid, signal));
    };
    state.signals.push([signal, handler]);
    process.on(signal, handler);
  }
}

/** Drops the template and every worker database of the set (e.g. `make clean`); returns the workers dropped. */
export async function dropTestDatabases(options: TestDatabaseOptions): Promise<string[]> {
  const target = await resolveTarget(options);
  const lock = await acquireRunLock(target.serverUrl, target.base, { timeoutMs: options.lockTimeoutMs });
  const admin = openAdmin(target.serverUrl);
  try {
    return await dropAll(admin, target.base, target.set.template);
  } finally {
    await admin.close().catch(() => undefined);
    await lock.release();
    await target.server?.stop();
  }
}

/** The worker database name for Jest worker `id` (1-based). */
export function testDatabaseName(base: string, id: number): string {
  return workerName(base, id);
}

/**
 * `export default globalSetup({ configPath, seed: true })` in a globalSetup module: the number of
 * worker databases follows Jest's maxWorkers.
 */
export function globalSetup(options: Omit<TestDatabaseOptions, 'workers'>): (globalConfig?: { maxWorkers?: number }) => Promise<void> {
  return async (globalConfig) => {
    await setupTestDatabase({ ...options, workers: globalConfig?.maxWorkers ?? 1 });
  };
}

/**
 * Issue 12's tenant fan-out, measured: N tenant schemas, created empty, on one PostgreSQL (a bench
 * database of its own), each migrated with the bench's first 10 generated migrations (updown's
 * idiom, src/peers/updown.ts). One `updown migrate up --schemas 'tenant%'` process does them all;
 * it is compared with what a project does without fan-out, a shell loop of one
 * `updown migrate up --schema tenant_i` process per tenant, of which a sample is timed one after the
 * other and scaled to N. Then `migrate status --schemas 'tenant%'`. Every tenant schema is counted
 * after each change (src/schema-check.ts), and status's JSON must say every tenant is up to date: a
 * run that did less fails the scenario.
 */
import path from 'node:path';
import { quoteIdent } from '../../updown/src/quote';
import { workload, type Workload } from './generate';
import { exitsZero, median, run, runTree } from './measure';
import { FLOOR_TRACKING_TABLE } from './peers/floor';
import { UPDOWN_BIN, updownDir, updownTools } from './peers/updown';
import { countTenants, differences, expectedAfterUp, readSchema, tenantDifferences } from './schema-check';
import type { BenchServer } from './server';

/** Migrations per tenant. */
export const TENANT_MIGRATIONS = 10;
export const TENANT_DATABASE = 'bench_tenants';
/** The SQL LIKE pattern given to `--schemas`: it matches every tenant schema and nothing else. */
export const TENANT_PATTERN = 'tenant%';

export interface FanOutRun {
  tenants: number;
  /** `migrate up --schemas`: wall time, GNU time's max RSS (largest process), the sampled tree's peak. */
  up?: { ms: number; maxRssMb?: number; treeRssMb?: number };
  /** Tenants at a time, as the fan-out printed it (`N tenants, K at a time`): the engine's default. */
  concurrency?: number;
  /** `migrate status --schemas` with every tenant migrated. */
  status?: { ms: number; maxRssMb?: number };
  /** Why this count failed (the step, and what the check found); the figures after it are missing. */
  failed?: string;
}

export interface LoopRun {
  /** Tenants the shell loop migrated (one process each, one after the other). */
  processes: number;
  /** Wall time of each process, ms. */
  ms: number[];
  maxRssMb?: number;
  failed?: string;
}

export interface TenantFigures {
  migrations: number;
  /** Whether the engine offers `--schemas` (`migrate up --help`); without it only the loop runs. */
  fanOut: boolean;
  /** The shell loop, timed once, at the largest tenant count. */
  loop?: LoopRun;
  counts: FanOutRun[];
}

export interface TenantOptions {
  /** Tenant counts, one fan-out run each. */
  counts: number[];
  /** Processes of the shell loop to time (0: no loop). */
  loop: number;
  log: (line: string) => void;
}

const repoRoot = path.resolve(__dirname, '../../..');
const benchDir = path.join(repoRoot, 'tools/bench');

/** `tenant_0001` …: zero-padded, so that the names sort as the tenants are numbered. */
export function tenantNames(n: number): string[] {
  const width = Math.max(4, String(n).length);
  return Array.from({ length: n }, (_, k) => `tenant_${String(k + 1).padStart(width, '0')}`);
}

/** The engine's fan-out flags are there (they are being added while the bench is written). */
export function hasFanOut(): boolean {
  return exitsZero(process.execPath, [UPDOWN_BIN, 'migrate', 'up', '--help'], repoRoot, '--schemas');
}

/** A new bench database holding the `schemas`, empty (one CREATE SCHEMA each, sent in one round trip). */
async function createTenants(server: BenchServer, schemas: string[]): Promise<void> {
  await server.dropDatabase(TENANT_DATABASE);
  await server.createBenchDatabase(TENANT_DATABASE);
  const client = await server.connect(TENANT_DATABASE);
  try {
    await client.query(schemas.map((schema) => `CREATE SCHEMA ${quoteIdent(schema)}`).join(';\n'));
  } finally {
    await client.end();
  }
}

/**
 * Throws unless every one of `schemas` holds the workload: one query counts tables, indexes and
 * tracking rows across all of them, and the first and last are compared column by column.
 */
async function checkTenants(server: BenchServer, schemas: string[], work: Workload, after: string): Promise<void> {
  const client = await server.connect(TENANT_DATABASE);
  try {
    const counted = await countTenants(client, TENANT_PATTERN, FLOOR_TRACKING_TABLE, work.migrations.map((m) => m.name));
    const wrong = tenantDifferences(counted, schemas, work);
    for (const schema of new Set([schemas[0], schemas[schemas.length - 1]])) {
      if (wrong.length) break;
      const columns = differences(await readSchema(client, FLOOR_TRACKING_TABLE, schema), expectedAfterUp(work));
      if (columns.length) wrong.push(`${schema}: ${columns.join('; ')}`);
    }
    if (wrong.length) throw new Error(`after ${after}, the tenants are not the workload's: ${wrong.join('; ')}`);
  } finally {
    await client.end();
  }
}

/** Status's JSON document (untimed, after the timed status) lists every tenant, each up to date. */
function checkStatus(stdout: string, schemas: string[]): void {
  const document = JSON.parse(stdout) as { ok?: boolean; tenants?: { schema: string; state: string }[] };
  const upToDate = new Set((document.tenants ?? []).filter((t) => t.state === 'up-to-date').map((t) => t.schema));
  const not = schemas.filter((schema) => !upToDate.has(schema));
  if (document.ok !== true || not.length) {
    throw new Error(`after migrate status --schemas: ${not.length} of ${schemas.length} tenants not reported up-to-date (e.g. ${not[0] ?? '—'}), ok ${document.ok}`);
  }
}

const firstLines = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 6).join(' | ');

/** `updown migrate <command> … --dir --url` on the tenant database. */
function updownArgs(work: Workload, server: BenchServer, ...command: string[]): string[] {
  return [UPDOWN_BIN, 'migrate', ...command, '--dir', updownDir(work.root), '--url', server.urlFor(TENANT_DATABASE)];
}

/** The shell loop: `migrate up --schema tenant_i`, one process after the other, as `for s in …; do …; done` runs them. */
async function timeLoop(server: BenchServer, work: Workload, schemas: string[]): Promise<LoopRun> {
  const result: LoopRun = { processes: schemas.length, ms: [] };
  try {
    for (const schema of schemas) {
      const sample = run(process.execPath, updownArgs(work, server, 'up', '--schema', schema), { cwd: repoRoot });
      result.ms.push(sample.ms);
      result.maxRssMb = Math.max(result.maxRssMb ?? 0, sample.maxRssMb ?? 0);
    }
    await checkTenants(server, schemas, work, `the loop's migrate up --schema (${schemas.length} tenants)`);
  } catch (error) {
    result.failed = firstLines(error);
  }
  return result;
}

/** One fan-out run on `n` fresh tenant schemas: up (checked), then status. */
async function timeFanOut(server: BenchServer, work: Workload, schemas: string[]): Promise<FanOutRun> {
  const result: FanOutRun = { tenants: schemas.length };
  try {
    const up = await runTree(process.execPath, updownArgs(work, server, 'up', '--schemas', TENANT_PATTERN), { cwd: repoRoot });
    result.up = { ms: up.ms, maxRssMb: up.maxRssMb, treeRssMb: up.treeRssMb };
    await checkTenants(server, schemas, work, `migrate up --schemas '${TENANT_PATTERN}' (${schemas.length} tenants)`);
    const concurrency = /(\d+) at a time/.exec(up.stdout);
    if (concurrency) result.concurrency = Number(concurrency[1]);
    const status = run(process.execPath, updownArgs(work, server, 'status', '--schemas', TENANT_PATTERN), { cwd: repoRoot });
    result.status = { ms: status.ms, maxRssMb: status.maxRssMb };
    checkStatus(run(process.execPath, updownArgs(work, server, 'status', '--schemas', TENANT_PATTERN, '--json'), { cwd: repoRoot }).stdout, schemas);
  } catch (error) {
    result.failed = firstLines(error);
  }
  return result;
}

/** The whole scenario: for each tenant count, fresh schemas and a fan-out run; the loop once, at the largest count. */
export async function measureTenants(server: BenchServer, options: TenantOptions): Promise<TenantFigures> {
  const work = workload(path.join(benchDir, '.generated', 'tenants'), TENANT_MIGRATIONS);
  updownTools(false)[0].prepare(work, path.join(work.root, 'updown'));
  const figures: TenantFigures = { migrations: TENANT_MIGRATIONS, fanOut: hasFanOut(), counts: [] };
  const counts = [...options.counts].sort((a, b) => a - b);
  const largest = counts[counts.length - 1];
  try {
    for (const n of counts) {
      const schemas = tenantNames(n);
      await createTenants(server, schemas);
      if (n === counts[0]) {
        // Warm-up (not counted): the transpile cache for the 10 files; a dry run changes nothing.
        run(process.execPath, updownArgs(work, server, 'up', '--dry-run', '--schema', schemas[0]), { cwd: repoRoot });
      }
      if (n === largest && options.loop > 0) {
        // First, on the empty schemas (the catalog a loop starts with), then the schemas are made afresh.
        figures.loop = await timeLoop(server, work, schemas.slice(0, options.loop));
        options.log(`tenants: shell loop, ${figures.loop.ms.length} processes: median ${median(figures.loop.ms).toFixed(0)} ms each${figures.loop.failed ? `; FAILED: ${figures.loop.failed}` : ''}`);
        await createTenants(server, schemas);
      }
      if (!figures.fanOut) continue;
      const fanOut = await timeFanOut(server, work, schemas);
      figures.counts.push(fanOut);
      options.log(
        `tenants: ${n} × ${TENANT_MIGRATIONS}: ${fanOut.failed ? `FAILED: ${fanOut.failed}` : `up --schemas ${fanOut.up!.ms.toFixed(0)} ms, status --schemas ${fanOut.status!.ms.toFixed(0)} ms`}`,
      );
    }
  } finally {
    await server.dropDatabase(TENANT_DATABASE);
  }
  return figures;
}

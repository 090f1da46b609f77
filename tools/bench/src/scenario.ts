/**
 * One run for one N: every tool's pass (updown, its peers, the psql floors) on fresh databases and
 * the fixed-cost processes, so each run gives its own ratios (the machine is shared: ratios within a
 * run are steadier than ratios of medians). updown's test-database figures for each run come after
 * every run of the N (provisionRuns).
 */
import { resetDatabase } from '../../updown/src/testing/reset';
import { measureFixed, type FixedKey } from './fixed-cost';
import type { Workload } from './generate';
import { run, timed } from './measure';
import type { Tool } from './peers';
import { FLOOR_TRACKING_TABLE } from './peers/floor';
import { UPDOWN_BIN, updownDir } from './peers/updown';
import type { BenchServer } from './server';
import { runTool, type Project, type ToolRun } from './tool-run';

/** A tool with its project written for this N. */
export interface Prepared {
  tool: Tool;
  project: Project;
}

/** Milliseconds of one run (tools' passes by tool key); the test-database figures are updown's. */
export interface RunFigures {
  tools: Record<string, ToolRun>;
  fixed: Record<FixedKey, number>;
  /** `migrate verify --all` on an empty database (first run only, when the engine has verify). */
  verify?: number;
  /** CREATE DATABASE (empty), the first step of provisioning by migrating. */
  createEmpty: number;
  /** CREATE DATABASE … TEMPLATE the migrated database (cold run: template just built). */
  clone: number;
  /** Warm run, reset: resetDatabase() on a kept worker database. */
  reset: number;
  /** Warm run, pre-made clone: connect to it and read its fingerprint (the tracking rows). */
  premade: number;
}

/** The tools in a different order each run, so no tool always runs first (or just after the slowest). */
function rotated<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** updown's test-database figures, on a freshly migrated database (no connection open on it). */
async function provisioning(server: BenchServer, work: Workload, migrated: string) {
  const clone = `bench_${work.n}_clone`;
  const empty = `bench_${work.n}_empty`;
  await server.dropDatabase(clone);
  await server.dropDatabase(empty);
  const createEmpty = await timed(() => server.createDatabase(empty));
  await server.dropDatabase(empty);
  const cloneMs = await timed(() => server.createDatabase(clone, migrated));
  // Warm: the worker database is kept; make it clean with the harness's resetDatabase() (its own
  // connection included), or take a clone made after the last run.
  const reset = await timed(() => resetDatabase({ url: server.urlFor(clone), schema: 'public' }));
  const premade = await timed(async () => {
    const client = await server.connect(clone);
    await client.query(`SELECT name FROM "${FLOOR_TRACKING_TABLE}" ORDER BY name`);
    await client.end();
  });
  await server.dropDatabase(clone);
  return { createEmpty, clone: cloneMs, reset, premade };
}

/** `verify --all` wants a database that starts empty (it works on a scratch copy of it). */
async function timeVerify(server: BenchServer, work: Workload): Promise<number> {
  const database = `bench_${work.n}_verify`;
  await server.dropDatabase(database);
  await server.createBenchDatabase(database);
  const ms = run(process.execPath, [UPDOWN_BIN, 'migrate', 'verify', '--all', '--dir', updownDir(work.root), '--url', server.urlFor(database)]).ms;
  await server.dropDatabase(database);
  return ms;
}

/** Run number `index` (0-based); `verify`: also time `migrate verify --all` (slow: once per N). */
export async function runOnce(server: BenchServer, prepared: Prepared[], work: Workload, index: number, verify: boolean): Promise<RunFigures> {
  const tools: Record<string, ToolRun> = {};
  const fixed = measureFixed(server);
  for (const { tool, project } of rotated(prepared, index)) tools[tool.key] = await runTool(server, tool, project, work);
  const figures: RunFigures = { createEmpty: NaN, clone: NaN, reset: NaN, premade: NaN, tools, fixed };
  if (verify) figures.verify = await timeVerify(server, work);
  return figures;
}

/**
 * updown's test-database figures, one set per run, after every run of the N. Cloning writes a
 * whole database, and the disk was still busy with it when the next step ran: updown's `down --all`
 * right after a clone took 17 % longer (medians of 9 alternating pairs, N=300), which is where the
 * clone used to be, inside updown's pass. Each clone is of a template migrated just before (untimed),
 * as a Jest globalSetup clones the one it has just built.
 */
export async function provisionRuns(server: BenchServer, work: Workload, runs: RunFigures[]): Promise<void> {
  const template = `bench_${work.n}_template`;
  for (const figures of runs) {
    await server.dropDatabase(template);
    await server.createBenchDatabase(template);
    run(process.execPath, [UPDOWN_BIN, 'migrate', 'up', '--dir', updownDir(work.root), '--url', server.urlFor(template)]);
    Object.assign(figures, await provisioning(server, work, template));
    await server.dropDatabase(template);
  }
}

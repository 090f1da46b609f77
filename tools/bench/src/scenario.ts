/**
 * One run for one N: every figure, updown and floor side by side, on fresh databases, so each
 * run gives its own ratios (the machine is shared: ratios within a run are steadier than medians).
 */
import { resetDatabase } from '../../updown/src/testing/reset';
import { TRACKING_TABLE } from './generate';
import { run, timed } from './measure';
import type { BenchServer } from './server';

export interface Tools {
  repoRoot: string;
  /** `node tools/updown/bin/updown.js`. */
  updown: string[];
  /** undefined: the floor is unavailable (no psql here). */
  psql?: string;
  /** `migrate verify` exists (someone else is writing it). */
  verify: boolean;
}

export interface Workload {
  n: number;
  dir: string;
  upSqlFile: string;
  downSqlFile: string;
  setupSql: string;
  tables: string[];
}

/** Milliseconds (and MB for *RssMb) of one run; floor* are psql, the rest updown or SQL on an open connection. */
export interface RunFigures {
  up: number;
  upRssMb?: number;
  status: number;
  statusRssMb?: number;
  down: number;
  downRssMb?: number;
  verify?: number;
  floorUp?: number;
  floorStatus?: number;
  floorDown?: number;
  /** CREATE DATABASE (empty), the first step of provisioning by migrating. */
  createEmpty: number;
  /** CREATE DATABASE … TEMPLATE the migrated database (cold run: template just built). */
  clone: number;
  /** Warm run, reset: connect to a kept worker database, TRUNCATE every table but the tracking one. */
  reset: number;
  /** Warm run, pre-made clone: connect to it and read its fingerprint (the tracking rows). */
  premade: number;
}

function psqlArgs(tools: Tools, server: BenchServer, database: string, ...rest: string[]): [string, string[]] {
  return [tools.psql!, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', server.urlFor(database), ...rest]];
}

function updown(tools: Tools, server: BenchServer, database: string, work: Workload, ...command: string[]) {
  const [node, ...script] = tools.updown;
  return run(node, [...script, 'migrate', ...command, '--dir', work.dir, '--url', server.urlFor(database)], { cwd: tools.repoRoot });
}

/** One run; `verify`: also time `migrate verify --all` (slow: one run per N is enough). */
export async function runOnce(server: BenchServer, tools: Tools, work: Workload, verify: boolean): Promise<RunFigures> {
  const db = { updown: `bench_${work.n}_updown`, floor: `bench_${work.n}_floor`, clone: `bench_${work.n}_clone`, verify: `bench_${work.n}_verify` };
  for (const name of Object.values(db)) await server.dropDatabase(name);

  // Floor: psql applies the same DDL, one transaction per migration, on a fresh database.
  let floorUp: number | undefined;
  if (tools.psql) {
    await server.createDatabase(db.floor);
    run(...psqlArgs(tools, server, db.floor, '-c', work.setupSql));
    floorUp = run(...psqlArgs(tools, server, db.floor, '-f', work.upSqlFile)).ms;
  }

  // updown on a fresh database; "migrate a new database" = CREATE DATABASE + migrate up.
  const createEmpty = await timed(() => server.createDatabase(db.updown));
  const up = updown(tools, server, db.updown, work, 'up');
  const status = updown(tools, server, db.updown, work, 'status');
  const floorStatus = tools.psql
    ? run(...psqlArgs(tools, server, db.floor, '-A', '-t', '-c', `SELECT name FROM "${TRACKING_TABLE}" ORDER BY name`)).ms
    : undefined;

  // Cold run: clone the freshly migrated database (no connection is open on it now).
  const clone = await timed(() => server.createDatabase(db.clone, db.updown));
  // Warm run: the worker database is kept; make it clean with the harness's resetDatabase() (its
  // own connection included), or take a clone made after the last run.
  const reset = await timed(() => resetDatabase({ url: server.urlFor(db.clone), schema: 'public' }));
  const premade = await timed(async () => {
    const client = await server.connect(db.clone);
    await client.query(`SELECT name FROM "${TRACKING_TABLE}" ORDER BY name`);
    await client.end();
  });
  await server.dropDatabase(db.clone);

  // `verify --all` wants a database that starts empty (it works on a scratch copy of it).
  let verifyMs: number | undefined;
  if (verify && tools.verify) {
    await server.createDatabase(db.verify);
    verifyMs = updown(tools, server, db.verify, work, 'verify', '--all').ms;
  }

  const floorDown = tools.psql ? run(...psqlArgs(tools, server, db.floor, '-f', work.downSqlFile)).ms : undefined;
  const down = updown(tools, server, db.updown, work, 'down', '--all');

  for (const name of Object.values(db)) await server.dropDatabase(name);
  return {
    up: up.ms,
    upRssMb: up.maxRssMb,
    status: status.ms,
    statusRssMb: status.maxRssMb,
    down: down.ms,
    downRssMb: down.maxRssMb,
    verify: verifyMs,
    floorUp,
    floorStatus,
    floorDown,
    createEmpty,
    clone,
    reset,
    premade,
  };
}

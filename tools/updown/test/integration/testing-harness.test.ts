import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { urlForDatabase } from '../../src/database';
import { HARNESS_ENV, harnessEnv } from '../../src/testing/env';
import { reseed, resetDatabase, setupTestDatabase, teardownTestDatabase, type TestDatabaseOptions } from '../../src/testing/jest';
import { appliedNames, query, tablesIn } from '../helpers/database';
import { harnessSuite } from '../helpers/harness';

// Real PostgreSQL: the harness runs programmatically, on databases named with a prefix of its own.

const BASE = `uh_${process.pid}_${randomBytes(3).toString('hex')}`;
const TEMPLATE = `${BASE}_template`;

const project = harnessSuite(() => options(), async () => [...(await databases()).keys()]);
const messages: string[] = [];

function options(extra: Partial<TestDatabaseOptions> = {}): TestDatabaseOptions {
  return { configPath: project.configPath, database: BASE, serverUrl: process.env.UPDOWN_TEST_SERVER_URL, seed: true, workers: 2, log: (m) => messages.push(m), ...extra };
}

const url = (name: string) => urlForDatabase(process.env.UPDOWN_TEST_SERVER_URL!, name);

interface Row extends Record<string, unknown> {
  name: string;
  oid: number;
  is_template: boolean;
  allow_connections: boolean;
  comment: string | null;
}

/** The harness's databases, by name. */
async function databases(): Promise<Map<string, Row>> {
  const rows = await query<Row>(
    url('postgres'),
    `SELECT datname AS name, oid::int AS oid, datistemplate AS is_template, datallowconn AS allow_connections,
            shobj_description(oid, 'pg_database') AS comment
       FROM pg_database WHERE left(datname, length($1)) = $1`,
    [`${BASE}_`],
  );
  return new Map(rows.map((row) => [row.name, row]));
}

const count = async (database: string, table = 'widgets') =>
  Number((await query<{ n: string }>(url(database), `SELECT count(*) AS n FROM "${table}"`))[0].n);

/** What the setupFiles module does in Jest worker `id`, run here in isolation. */
function runSetupWorker(id: number): string | undefined {
  const saved = { id: process.env.JEST_WORKER_ID, url: process.env.DATABASE_URL };
  process.env.JEST_WORKER_ID = String(id);
  try {
    jest.isolateModules(() => require('../../src/testing/setup-worker'));
    return process.env.DATABASE_URL;
  } finally {
    process.env.JEST_WORKER_ID = saved.id;
    process.env.DATABASE_URL = saved.url;
  }
}

it('builds the template once, sealed, and hands each worker an independent clone; a warm run reuses everything', async () => {
  const before = { url: process.env.DATABASE_URL, harness: process.env[HARNESS_ENV] };
  const first = await setupTestDatabase(options());
  expect(first).toMatchObject({ rebuilt: true, template: TEMPLATE, cloned: [`${BASE}_w1`, `${BASE}_w2`], reused: [] });
  expect(first.urls).toEqual([url(`${BASE}_w1`), url(`${BASE}_w2`)]);
  expect(process.env.DATABASE_URL).toBe(first.urls[0]);

  const dbs = await databases();
  expect(dbs.get(TEMPLATE)).toMatchObject({ is_template: true, allow_connections: false });
  expect(JSON.parse(dbs.get(TEMPLATE)!.comment!)).toEqual({ updown: 'template', fingerprint: first.fingerprint });
  await expect(query(url(TEMPLATE), 'SELECT 1')).rejects.toThrow(/not currently accepting connections/);
  for (const worker of [`${BASE}_w1`, `${BASE}_w2`]) {
    expect(JSON.parse(dbs.get(worker)!.comment!)).toMatchObject({ updown: 'worker', fingerprint: first.fingerprint, state: 'dirty' });
    expect(await tablesIn(url(worker))).toEqual(expect.arrayContaining(['SequelizeMeta', 'SequelizeData', 'widgets']));
    expect(await appliedNames(url(worker))).toHaveLength(3);
    expect(await count(worker)).toBe(2);
  }

  // Independent: a row written in one worker's database is not in the other's.
  await query(url(`${BASE}_w2`), "INSERT INTO widgets (name) VALUES ('only-in-w2')");
  expect([await count(`${BASE}_w1`), await count(`${BASE}_w2`)]).toEqual([2, 3]);

  // The setupFiles module: worker 2 gets the second database and marks it used.
  expect(runSetupWorker(2)).toBe(first.urls[1]);
  const marks = harnessEnv()!.marks;
  expect(fs.readdirSync(marks)).toEqual(['w2']);

  await teardownTestDatabase();
  // The environment is back as it was (in a run of both projects, the backend's globalSetup set it).
  expect(process.env.DATABASE_URL).toBe(before.url);
  expect(process.env[HARNESS_ENV]).toBe(before.harness);
  expect(fs.existsSync(marks)).toBe(false);
  const after = await databases();
  // w2 was used: cloned again (clean, the extra row gone); w1 was not: kept as it was.
  expect(after.get(`${BASE}_w1`)!.oid).toBe(dbs.get(`${BASE}_w1`)!.oid);
  expect(after.get(`${BASE}_w2`)!.oid).not.toBe(dbs.get(`${BASE}_w2`)!.oid);
  expect(await count(`${BASE}_w2`)).toBe(2);
  for (const worker of [`${BASE}_w1`, `${BASE}_w2`]) expect(JSON.parse(after.get(worker)!.comment!).state).toBe('clean');

  const warm = await setupTestDatabase(options());
  expect(warm).toMatchObject({ rebuilt: false, fingerprint: first.fingerprint, reused: [`${BASE}_w1`, `${BASE}_w2`], cloned: [], dropped: [] });
  expect((await databases()).get(TEMPLATE)!.oid).toBe(dbs.get(TEMPLATE)!.oid);
  await teardownTestDatabase();
  process.stderr.write(`testing harness: cold setup ${first.timings.totalMs} ms (template ${first.timings.templateMs} ms), warm ${warm.timings.totalMs} ms\n`);
});

it('rebuilds the template when a migration file changes, and replaces the clones of the old one', async () => {
  const before = await setupTestDatabase(options());
  await teardownTestDatabase();
  const oldTemplate = (await databases()).get(TEMPLATE)!.oid;

  fs.writeFileSync(
    path.join(project.temp.dir, '20240104000000-createGears.ts'),
    `import type { Migration } from 'updown';
export const up: Migration = async ({ context: { sequelize } }) => { await sequelize.query('CREATE TABLE gears (id serial PRIMARY KEY)'); };
export const down: Migration = async ({ context: { sequelize } }) => { await sequelize.query('DROP TABLE gears'); };
`,
  );
  const after = await setupTestDatabase(options());
  await teardownTestDatabase();
  expect(after.rebuilt).toBe(true);
  expect(after.fingerprint).not.toBe(before.fingerprint);
  expect(after.cloned).toEqual([`${BASE}_w1`, `${BASE}_w2`]);
  const dbs = await databases();
  expect(dbs.get(TEMPLATE)!.oid).not.toBe(oldTemplate);
  expect(await tablesIn(url(`${BASE}_w1`))).toContain('gears');

  // An edit to an existing file counts as much as a new one.
  fs.appendFileSync(path.join(project.temp.dir, '20240104000000-createGears.ts'), '// edited\n');
  const edited = await setupTestDatabase(options());
  await teardownTestDatabase();
  expect(edited).toMatchObject({ rebuilt: true });
  expect(edited.fingerprint).not.toBe(after.fingerprint);
});

it('cleans stale worker databases: left dirty by a run that died, from another fingerprint, beyond the worker count', async () => {
  const current = await setupTestDatabase(options());
  await teardownTestDatabase();
  // What a run that crashed with 3 workers, and an older set, leave behind.
  const admin = url('postgres');
  await query(admin, `CREATE DATABASE "${BASE}_w3" TEMPLATE "${TEMPLATE}"`);
  await query(admin, `CREATE DATABASE "${BASE}_w7" TEMPLATE "${TEMPLATE}"`);
  await query(admin, `COMMENT ON DATABASE "${BASE}_w2" IS '${JSON.stringify({ updown: 'worker', fingerprint: current.fingerprint, state: 'dirty' })}'`);
  await query(admin, `COMMENT ON DATABASE "${BASE}_w3" IS '${JSON.stringify({ updown: 'worker', fingerprint: current.fingerprint, state: 'dirty' })}'`);
  await query(admin, `COMMENT ON DATABASE "${BASE}_w7" IS '${JSON.stringify({ updown: 'worker', fingerprint: 'old', state: 'clean' })}'`);

  const next = await setupTestDatabase(options());
  await teardownTestDatabase();
  expect(next).toMatchObject({ rebuilt: false, reused: [`${BASE}_w1`], cloned: [`${BASE}_w2`] });
  expect(next.dropped.sort()).toEqual([`${BASE}_w3`, `${BASE}_w7`]);
  expect([...(await databases()).keys()].sort()).toEqual([TEMPLATE, `${BASE}_w1`, `${BASE}_w2`].sort());
});

/** Runs setupTestDatabase in a process of its own, which prints `ready` and then waits to be killed. */
function startRun(workers: number) {
  const script = `
    require('ts-node').register({ swc: true, transpileOnly: true, compilerOptions: { module: 'commonjs' } });
    const { setupTestDatabase } = require(${JSON.stringify(path.resolve(__dirname, '../../src/testing/jest.ts'))});
    setupTestDatabase(${JSON.stringify({ ...options({ workers }), log: undefined })}).then(
      () => { process.stdout.write('ready\\n'); setInterval(() => undefined, 1000); },
      (error) => { console.error(error); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`the run exited (${code}) before it was ready: ${stderr}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  return { child, ready, exited };
}

it('a run killed with SIGKILL leaves its workers dirty; the next run cleans them without waiting for it', async () => {
  const run = startRun(3);
  await run.ready;
  run.child.kill('SIGKILL');
  await run.exited;
  for (const id of [1, 2, 3]) expect(JSON.parse((await databases()).get(`${BASE}_w${id}`)!.comment!).state).toBe('dirty');

  const next = await setupTestDatabase(options({ lockTimeoutMs: 5_000 }));
  await teardownTestDatabase();
  expect(next).toMatchObject({ reused: [], cloned: [`${BASE}_w1`, `${BASE}_w2`], dropped: [`${BASE}_w3`] });
});

it('a run interrupted with SIGINT drops its worker databases and dies by the signal', async () => {
  const run = startRun(2);
  await run.ready;
  run.child.kill('SIGINT');
  expect(await run.exited).toBe('SIGINT');
  expect([...(await databases()).keys()]).toEqual([TEMPLATE]);
});

it('a second run on the same databases waits for the first one, naming it', async () => {
  const run = startRun(1);
  await run.ready;
  try {
    messages.length = 0;
    await expect(setupTestDatabase(options({ lockTimeoutMs: 600 }))).rejects.toThrow(/another Jest run still uses the test databases/);
    expect(messages).toEqual([expect.stringMatching(new RegExp(`^waiting for another Jest run on ${BASE}_\\* to finish \\(updown jest run on ${BASE} \\(pid ${run.child.pid} `))]);
  } finally {
    run.child.kill('SIGINT');
    await run.exited;
  }
});

it('resetDatabase() empties every table and restarts sequences, keeping the tracking rows; reseed() applies the seeds again', async () => {
  const { urls } = await setupTestDatabase(options({ workers: 1 }));
  try {
    const [worker] = urls;
    await query(worker, "INSERT INTO widgets (name) VALUES ('extra')");
    const meta = await appliedNames(worker);
    const seeds = await appliedNames(worker, 'public', 'SequelizeData');
    const metadata = await query(worker, 'SELECT * FROM updown_metadata');

    let started = Date.now();
    const emptied = await resetDatabase({ url: worker });
    const resetMs = Date.now() - started;
    expect(emptied).toEqual(['gears', 'widgets']); // gears: the migration added by an earlier test
    expect(await count(`${BASE}_w1`)).toBe(0);
    expect(await appliedNames(worker)).toEqual(meta);
    expect(await appliedNames(worker, 'public', 'SequelizeData')).toEqual(seeds);
    expect(await query(worker, 'SELECT * FROM updown_metadata')).toEqual(metadata);
    const [row] = await query<{ id: number }>(worker, "INSERT INTO widgets (name) VALUES ('first') RETURNING id");
    expect(row.id).toBe(1);

    started = Date.now();
    await reseed({ url: worker, configPath: project.configPath });
    const reseedMs = Date.now() - started;
    expect((await query<{ name: string }>(worker, 'SELECT name FROM widgets ORDER BY id')).map((r) => r.name)).toEqual(['seeded-a', 'seeded-b']);
    expect(await appliedNames(worker, 'public', 'SequelizeData')).toEqual(seeds);
    process.stderr.write(`testing harness: resetDatabase ${resetMs} ms, reseed ${reseedMs} ms\n`);
  } finally {
    await teardownTestDatabase();
  }
});

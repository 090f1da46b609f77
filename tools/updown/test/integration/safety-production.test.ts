/**
 * Issue 3, production guards: destructive commands refuse (exit 2) when the environment is
 * production, given (--env, NODE_ENV) or recorded in the database by the first `migrate up`, unless
 * --allow-production; `up` and `status` always run. Real PostgreSQL, in-process CLI.
 */
import { runCli } from '../helpers/cli';
import { allUserTables, appliedNames, createScratchDatabase, dropScratchDatabase, query, resetDatabase, schemaSnapshot, trackingRows } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

const MIGRATION = '20240310000000-createPlansAndAccounts';
const SEEDS = ['20240311000000-plans', '20240312000000-demoAccounts'];
const DIRS = { migrate: fixtureDir('seeds-environments/migrations'), seed: fixtureDir('seeds-environments/seeds'), db: fixtureDir('seeds-environments/migrations') };

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_safety_production');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

function cli(args: string[], ...extra: string[]) {
  const group = args[0] as keyof typeof DIRS;
  return runCli([...args, '--url', url, '--dir', DIRS[group], ...extra]);
}

const recordedEnvironment = async () =>
  (await query<{ value: string }>(url, "SELECT value FROM updown_metadata WHERE key = 'environment'")).map((row) => row.value);

/** A database migrated by a first `migrate up --env <recordedAs>`, with both seeds applied. */
async function prepare(recordedAs: 'development' | 'production'): Promise<void> {
  await resetDatabase(url);
  expect((await cli(['migrate', 'up'], '--env', recordedAs)).code).toBe(0);
  expect((await cli(['seed', 'up'], '--env', 'development')).code).toBe(0);
  expect(await recordedEnvironment()).toEqual([recordedAs]);
  expect(await appliedNames(url, 'public', 'SequelizeData')).toEqual(SEEDS);
}

/** Everything a destructive command could change. */
async function everything(): Promise<unknown> {
  return {
    tables: await allUserTables(url),
    schema: await schemaSnapshot(url),
    meta: await trackingRows(url),
    data: await trackingRows(url, 'SequelizeData'),
    plans: await query(url, 'SELECT * FROM plans ORDER BY code'),
    accounts: await query(url, 'SELECT * FROM demo_accounts ORDER BY email'),
    environment: await recordedEnvironment(),
  };
}

const DESTRUCTIVE: [string, string[]][] = [
  ['db fresh', ['db', 'fresh']],
  ['db drop', ['db', 'drop']],
  ['migrate down', ['migrate', 'down']],
  ['migrate redo', ['migrate', 'redo']],
  ['seed down', ['seed', 'down']],
  ['repair', ['migrate', 'repair', '--accept', MIGRATION]],
];

async function expectRefused(command: string, why: RegExp, run: () => ReturnType<typeof cli>): Promise<void> {
  const before = await everything();
  const result = await run();
  expect(result.code).toBe(2);
  const error = result.stderr.split('\n').find((line) => line.startsWith('error'))!;
  expect(error).toContain(`refusing \`${command}\``);
  expect(error).toMatch(why);
  expect(error).toContain('--allow-production');
  expect(result.stdout).not.toMatch(/migrated|reverted|seeded|dropped|forgot|accepted|cleared/);
  expect(await everything()).toEqual(before);
}

describe.each(DESTRUCTIVE)('%s', (command, args) => {
  it('refuses with --env production, touching nothing', async () => {
    await prepare('development');
    await expectRefused(command, /the environment is production \(--env or NODE_ENV\)/, () => cli(args, '--env', 'production'));
  });

  it('refuses with --env development when the database is recorded as production', async () => {
    await prepare('production');
    await expectRefused(command, /this database is recorded as production \(public\.updown_metadata\)/, () => cli(args, '--env', 'development'));
  });
});

it('NODE_ENV=production counts as --env production', async () => {
  await prepare('development');
  await expectRefused('db drop', /the environment is production \(--env or NODE_ENV\)/, () =>
    runCli(['db', 'drop', '--url', url, '--dir', DIRS.db], { env: { NODE_ENV: 'production' } }),
  );
});

describe('--allow-production lets each of them run', () => {
  beforeEach(() => prepare('production'));
  const allowed = (args: string[]) => cli(args, '--env', 'production', '--allow-production');

  it('db drop drops everything', async () => {
    const result = await allowed(['db', 'drop']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await allUserTables(url)).toEqual([]);
  });

  it('db fresh rebuilds the schema from the migrations (the seeded rows are gone)', async () => {
    expect((await allowed(['db', 'fresh'])).code).toBe(0);
    expect(await appliedNames(url)).toEqual([MIGRATION]);
    expect(await query(url, 'SELECT * FROM plans')).toEqual([]);
  });

  it('migrate down reverts, migrate redo reverts and re-applies', async () => {
    const redo = await allowed(['migrate', 'redo']);
    expect(redo.code).toBe(0);
    expect(redo.stdout).toMatch(new RegExp(`reverted +${MIGRATION}[\\s\\S]*migrated +${MIGRATION}`));
    expect((await allowed(['migrate', 'down'])).code).toBe(0);
    expect(await appliedNames(url)).toEqual([]);
    expect(await allUserTables(url)).toEqual(['public.SequelizeData', 'public.SequelizeMeta', 'public.updown_metadata']);
  });

  it('seed down reverts the newest seed', async () => {
    const result = await allowed(['seed', 'down']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`reverted +${SEEDS[1]}`));
    expect(await appliedNames(url, 'public', 'SequelizeData')).toEqual([SEEDS[0]]);
    expect(await query(url, 'SELECT * FROM demo_accounts')).toEqual([]);
  });

  it('repair runs', async () => {
    const result = await allowed(['migrate', 'repair', '--accept', MIGRATION]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nothing to repair');
  });
});

describe('up and status always run', () => {
  it('in production, on a database recorded as production', async () => {
    await resetDatabase(url);
    const first = await cli(['migrate', 'up'], '--env', 'production');
    expect(first.code).toBe(0);
    expect(await recordedEnvironment()).toEqual(['production']);
    for (const args of [['migrate', 'status'], ['migrate', 'status', '--check'], ['migrate', 'up'], ['seed', 'up'], ['seed', 'status'], ['seed', 'status', '--check']]) {
      const result = await cli(args, '--env', 'production');
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
    expect(await appliedNames(url, 'public', 'SequelizeData')).toEqual([SEEDS[0]]);
  });

  it('the recorded environment is written once, by the first migrate up, and never overwritten', async () => {
    await resetDatabase(url);
    expect((await cli(['migrate', 'up'], '--env', 'production')).code).toBe(0);
    expect((await cli(['seed', 'up'], '--env', 'development')).code).toBe(0);
    expect((await cli(['migrate', 'up'], '--env', 'development')).code).toBe(0);
    expect(await recordedEnvironment()).toEqual(['production']);
  });
});

/**
 * Issue 3, seeds with an environment policy: a seed runs only where its `environments` (default
 * development and test) allow, says what it skipped, and is tracked in SequelizeData with a
 * checksum like a migration. Real PostgreSQL, in-process CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, query, resetDatabase, trackingRows } from '../helpers/database';
import { fixtureDir, tempMigrations, type TempMigrations } from '../helpers/fixtures';

const [PLANS, DEMO] = ['20240311000000-plans', '20240312000000-demoAccounts'];
const MIGRATIONS = fixtureDir('seeds-environments/migrations');
const SEEDS = fixtureDir('seeds-environments/seeds');

interface StatusDoc {
  ok: boolean;
  items: { name: string; state: string; skipped?: string }[];
}

let url: string;
let temp: TempMigrations | undefined;

beforeAll(async () => {
  url = await createScratchDatabase('updown_safety_seeds');
});
beforeEach(async () => {
  await resetDatabase(url);
  expect((await runCli(['migrate', 'up', '--url', url, '--dir', MIGRATIONS])).code).toBe(0);
});
afterEach(() => {
  temp?.remove();
  temp = undefined;
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

function seed(args: string[], env = 'development', dir = SEEDS) {
  return runCli(['seed', ...args, '--url', url, '--dir', dir, '--env', env]);
}

const seeded = () => appliedNames(url, 'public', 'SequelizeData');
const plans = async () => (await query<{ code: string }>(url, 'SELECT code FROM plans ORDER BY code')).map((row) => row.code);
const accounts = async () => (await query<{ email: string }>(url, 'SELECT email FROM demo_accounts ORDER BY email')).map((row) => row.email);

describe('in production', () => {
  it('seed up runs only the seed that allows production, and says which one it skipped and why', async () => {
    const result = await seed(['up'], 'production');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`seeded +${PLANS}`));
    expect(result.stdout).not.toMatch(new RegExp(`seeded +${DEMO}`));
    expect(result.stdout).toContain(`skipped seed ${DEMO}: only for development, test (environment is production)`);
    expect(await seeded()).toEqual([PLANS]);
    expect(await plans()).toEqual(['free', 'pro']);
    expect(await accounts()).toEqual([]);

    // Nothing left to run here: the skipped seed stays skipped, it is not an error.
    const again = await seed(['up'], 'production');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to do/);
    expect(await seeded()).toEqual([PLANS]);
  });

  it('seed status shows the skipped seed as pending with a note, and --check does not fail for it', async () => {
    expect((await seed(['up'], 'production')).code).toBe(0);
    const json = await seed(['status', '--json'], 'production');
    expect(json.code).toBe(0);
    expect(onlyJson<StatusDoc>(json.stdout)).toEqual({
      ok: true,
      items: [expect.objectContaining({ name: PLANS, state: 'applied' }), { name: DEMO, state: 'pending', skipped: 'only for development, test' }],
    });
    const human = await seed(['status'], 'production');
    expect(human.stdout).toMatch(new RegExp(`^pending +${DEMO} \\(skipped here: only for development, test\\)$`, 'm'));
    expect((await seed(['status', '--check'], 'production')).code).toBe(0);

    // In development the same seed is simply pending: --check fails.
    const development = onlyJson<StatusDoc>((await seed(['status', '--json'], 'development')).stdout);
    expect(development.items[1]).toEqual({ name: DEMO, state: 'pending' });
    expect((await seed(['status', '--check'], 'development')).code).toBe(1);
  });

  it('seed run NAME of a seed not meant for production exits 2 and runs nothing', async () => {
    expect((await seed(['up'], 'production')).code).toBe(0);
    const result = await seed(['run', DEMO], 'production');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${SEEDS}/${DEMO}.ts is only for development, test; the environment is production`);
    expect(await seeded()).toEqual([PLANS]);
    expect(await accounts()).toEqual([]);
  });

  it('a seed skipped here is not an out-of-order file: --strict-order does not refuse it forever', async () => {
    temp = tempMigrations('seeds-environments/seeds');
    // A newer seed that production also gets: from now on the skipped demo seed is older than it.
    fs.writeFileSync(
      path.join(temp.dir, '20240313000000-morePlans.ts'),
      "export const environments = ['development', 'test', 'production'];\n" +
        "export const up = async ({ context }: any) => { await context.sequelize.query(\"INSERT INTO plans (code, name) VALUES ('team', 'Team')\"); };\n" +
        "export const down = async ({ context }: any) => { await context.sequelize.query(\"DELETE FROM plans WHERE code = 'team'\"); };\n",
    );
    expect((await seed(['up', '--strict-order'], 'production', temp.dir)).code).toBe(0);
    expect(await seeded()).toEqual([PLANS, '20240313000000-morePlans']);

    const again = await seed(['up', '--strict-order'], 'production', temp.dir);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`skipped seed ${DEMO}`);
    expect(await accounts()).toEqual([]);
  });
});

describe('in development', () => {
  it('seed run NAME runs that seed alone and records it; running it again is nothing to do', async () => {
    expect((await seed(['run', PLANS])).code).toBe(0);
    const result = await seed(['run', `${DEMO}.ts`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`seeded +${DEMO}`));
    expect(await seeded()).toEqual([PLANS, DEMO]);
    expect(await accounts()).toEqual(['demo-free@example.com', 'demo-pro@example.com']);

    const again = await seed(['run', DEMO]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${DEMO} is already applied`);
    expect(again.stdout).not.toMatch(/seeded/);
    expect(await accounts()).toHaveLength(2);

    const unknown = await seed(['run', '20990101000000-nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no file named 20990101000000-nope');
  });

  it('seed down goes newest first: the seed whose rows reference another is reverted before it', async () => {
    expect((await seed(['up'])).code).toBe(0);
    expect(await seeded()).toEqual([PLANS, DEMO]);
    const result = await seed(['down', '--all', '--json']);
    expect(result.code).toBe(0);
    const doc = onlyJson<{ ok: boolean; executed: { name: string; direction: string }[] }>(result.stdout);
    expect(doc.executed.map(({ name, direction }) => [name, direction])).toEqual([
      [DEMO, 'down'],
      [PLANS, 'down'],
    ]);
    expect(await seeded()).toEqual([]);
    expect(await plans()).toEqual([]);
    expect(await accounts()).toEqual([]);
  });

  it('seeds have checksums: an edited applied seed is refused, and repair accepts it', async () => {
    temp = tempMigrations('seeds-environments/seeds');
    expect((await seed(['up'], 'development', temp.dir)).code).toBe(0);
    const rows = await trackingRows(url, 'SequelizeData');
    expect(rows.map((row) => [row.name, row.checksum?.length, row.source_file])).toEqual([
      [PLANS, 64, `${PLANS}.ts`],
      [DEMO, 64, `${DEMO}.ts`],
    ]);

    const file = path.join(temp.dir, `${PLANS}.ts`);
    fs.appendFileSync(file, '// edited after it was seeded\n');
    const status = onlyJson<StatusDoc>((await seed(['status', '--json'], 'development', temp.dir)).stdout);
    expect(status.items.map((item) => item.state)).toEqual(['edited', 'applied']);
    for (const args of [['down'], ['down', '--all'], ['up']]) {
      const refused = await seed(args, 'development', temp.dir);
      expect({ args, code: refused.code }).toEqual({ args, code: 2 });
      expect(refused.stderr).toContain(`${file} was edited after it was applied`);
      expect(refused.stderr).toContain(rows[0].checksum!);
    }
    expect(await seeded()).toEqual([PLANS, DEMO]);
    expect(await accounts()).toHaveLength(2);

    const repaired = await runCli(['seed', 'repair', '--accept', PLANS, '--url', url, '--dir', temp.dir]);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain(`accepted the edit of ${PLANS}: checksum ${rows[0].checksum} ->`);
    expect((await seed(['down', '--all'], 'development', temp.dir)).code).toBe(0);
    expect(await seeded()).toEqual([]);
  });
});

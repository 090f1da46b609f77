import { onlyJson, spawnCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

const COUNTED = ['20240501000000-createRuns', '20240502000000-countSlowly', '20240503000000-countAgain'];

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_concurrency');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

it('eight CLI processes started at once on a fresh database apply each migration exactly once', async () => {
  const runs = await Promise.all(
    Array.from({ length: 8 }, () => spawnCli(['migrate', 'up', '--json', '--url', url, '--dir', fixtureDir('counted'), '--lock-timeout', '60s'])),
  );
  for (const run of runs) expect(run).toMatchObject({ code: 0 });

  // Every file ran once: one "runs" row each (the files insert them), one tracking row each.
  const counts = await query<{ migration: string; n: string }>(url, 'SELECT migration, count(*) AS n FROM runs GROUP BY 1 ORDER BY 1');
  expect(counts).toEqual([
    { migration: 'countAgain', n: '1' },
    { migration: 'countSlowly', n: '1' },
    { migration: 'createRuns', n: '1' },
  ]);
  expect(await appliedNames(url)).toEqual(COUNTED);
  expect(await query(url, `SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'SequelizeMeta'`)).toEqual([
    { nspname: 'public' },
  ]);

  // Between them the processes report each file once, and the others found nothing to do.
  const executed = runs.flatMap((run) => onlyJson<{ ok: boolean; executed: { name: string }[] }>(run.stdout).executed.map((item) => item.name));
  expect(executed.sort()).toEqual(COUNTED);
  expect(runs.every((run) => onlyJson<{ ok: boolean }>(run.stdout).ok)).toBe(true);
});

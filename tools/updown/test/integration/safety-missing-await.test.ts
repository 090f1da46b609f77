/**
 * Issue 3, a forgotten `await` in a migration: the query it left running would land outside the
 * transaction or after the commit. The run must fail naming the file, and leave nothing behind.
 */
import { onlyJson, runCli } from '../helpers/cli';
import { advisoryLocks, appliedNames, createScratchDatabase, dropScratchDatabase, tableExists, tablesIn, updownSessions } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

const FILE = '20240101000000-forgetsAwait';

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_safety_await');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

it('exits 1 naming the file; the table it created is rolled back, no row, no lock, no session left', async () => {
  const result = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('missing-await')]);
  expect(result.code).toBe(1);
  const error = result.stderr.split('\n').find((line) => line.startsWith('error'))!;
  expect(error).toContain(`${fixtureDir('missing-await')}/${FILE}.ts failed (up)`);
  expect(error).toMatch(/missing `await`/);
  expect(error).toMatch(/rolled back and nothing was recorded/);
  expect(result.stdout).not.toMatch(/migrated/);

  // Give a stray query every chance to land late, then look.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await tableExists(url, 'gadgets')).toBe(false);
  expect(await tablesIn(url)).toEqual(['SequelizeMeta', 'updown_metadata']); // only updown's own tables
  expect(await appliedNames(url)).toEqual([]);
  expect(await advisoryLocks(url)).toEqual([]);
  expect(await updownSessions(url)).toEqual([]);
});

it('--json names the migration in the error', async () => {
  const result = await runCli(['migrate', 'up', '--json', '--url', url, '--dir', fixtureDir('missing-await')]);
  expect(result.code).toBe(1);
  const doc = onlyJson<{ ok: boolean; executed: unknown[]; error: { migration: string; message: string } }>(result.stdout);
  expect(doc).toMatchObject({ ok: false, executed: [], error: { migration: FILE } });
  expect(doc.error.message).toMatch(/missing `await`/);
  expect(await tableExists(url, 'gadgets')).toBe(false);
  expect(await appliedNames(url)).toEqual([]);
});

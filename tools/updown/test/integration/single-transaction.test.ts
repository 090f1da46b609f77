/**
 * --single-transaction: every planned file in one transaction (each a savepoint), all or nothing;
 * a plan holding a file that must run outside a transaction is refused before anything runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, indexExists, query, resetSchema, tableExists } from '../helpers/database';
import { fixtureDir, tempMigrations } from '../helpers/fixtures';

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_single');
});
afterEach(async () => {
  await resetSchema(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const migrate = (dir: string, ...args: string[]) => runCli(['migrate', ...args, '--url', url, '--dir', dir]);

it('applies every file in one transaction: every row stamped with the same transaction start', async () => {
  const result = await migrate(fixtureDir('basic'), 'up', '--single-transaction');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/migrated\s+20240101000000-createWidgets/);
  expect(await appliedNames(url)).toHaveLength(3);
  // applied_at defaults to now(), the start of the transaction that wrote the row.
  expect(await query(url, 'SELECT count(DISTINCT applied_at)::int AS transactions FROM "SequelizeMeta"')).toEqual([{ transactions: 1 }]);
  const perFile = await migrate(fixtureDir('basic'), 'down', '--all');
  expect(perFile.code).toBe(0);
  expect((await migrate(fixtureDir('basic'), 'up')).code).toBe(0);
  expect(await query(url, 'SELECT count(DISTINCT applied_at)::int AS transactions FROM "SequelizeMeta"')).toEqual([{ transactions: 3 }]);
});

it('a failing file rolls back the files before it too, and reports none of them as applied', async () => {
  const result = await migrate(fixtureDir('fails-halfway'), 'up', '--single-transaction', '--json');
  expect(result.code).toBe(1);
  const report = onlyJson<{ ok: boolean; executed: unknown[]; error: { message: string } }>(result.stdout);
  expect(report.ok).toBe(false);
  expect(report.executed).toEqual([]);
  expect(report.error.message).toContain('createDoomed fails on purpose');
  expect(await tableExists(url, 'gadgets')).toBe(false);
  expect(await tableExists(url, 'SequelizeMeta')).toBe(true);
  expect(await appliedNames(url)).toEqual([]);
});

it('refuses, exit 2 and nothing changed, a plan holding a transaction = false file, naming it', async () => {
  const result = await migrate(fixtureDir('concurrently'), 'up', '--single-transaction');
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/20240\d+-\w+\.ts runs outside a transaction/);
  expect(result.stderr).toContain('without --single-transaction');
  expect(await appliedNames(url)).toEqual([]);
  expect(await tableExists(url, 'events')).toBe(false);
  expect(await indexExists(url, 'idx_events_kind')).toBe(false);
});

it('down --all and redo run all or nothing too', async () => {
  expect((await migrate(fixtureDir('basic'), 'up')).code).toBe(0);
  const redo = await migrate(fixtureDir('basic'), 'redo', '--step', '2', '--single-transaction');
  expect(redo.code).toBe(0);
  expect(redo.stdout.match(/^reverted/gm)).toHaveLength(2);
  expect(redo.stdout.match(/^migrated/gm)).toHaveLength(2);
  const down = await migrate(fixtureDir('basic'), 'down', '--all', '--single-transaction');
  expect(down.code).toBe(0);
  expect(await appliedNames(url)).toEqual([]);
  expect(await tableExists(url, 'widgets')).toBe(false);
});

it('updown.config.ts can make it the default', async () => {
  const temp = tempMigrations('fails-halfway');
  try {
    const config = path.join(temp.root, 'updown.config.ts');
    fs.writeFileSync(config, "export default { migrations: { dir: 'migrations' }, singleTransaction: true };\n");
    const result = await runCli(['migrate', 'up', '--url', url, '--config', config]);
    expect(result.code).toBe(1);
    expect(await tableExists(url, 'gadgets')).toBe(false);
  } finally {
    temp.remove();
  }
});

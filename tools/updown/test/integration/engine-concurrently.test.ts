import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, indexExists, query, resetSchema, tableExists } from '../helpers/database';
import { fixtureDir, tempMigrations } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

const FILES = ['20240401000000-createEvents', '20240402000000-indexEventsKind'];

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_concurrently');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

it('a file that exports transaction = false runs CREATE INDEX CONCURRENTLY, and its down DROP INDEX CONCURRENTLY', async () => {
  const migrate = (...args: string[]) => runCli(['migrate', ...args, '--url', url, '--dir', fixtureDir('concurrently')]);
  const result = await migrate('up');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(await appliedNames(url)).toEqual(FILES);
  const [index] = await query<{ indisvalid: boolean; indisready: boolean }>(
    url,
    "SELECT i.indisvalid, i.indisready FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'idx_events_kind'",
  );
  expect(index).toEqual({ indisvalid: true, indisready: true });

  const down = await migrate('down');
  expect(down.code).toBe(0);
  expect(await indexExists(url, 'idx_events_kind')).toBe(false);
  expect(await appliedNames(url)).toEqual([FILES[0]]);
  await resetSchema(url);
});

it('without the opt-out the same file fails (25001) inside its transaction, and nothing of it stays', async () => {
  const temp = tempMigrations('concurrently');
  try {
    const file = path.join(temp.dir, `${FILES[1]}.ts`);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('export const transaction = false;', ''));
    const result = await runCli(['migrate', 'up', '--url', url, '--dir', temp.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file} failed (up) [25001]`);
    expect(result.stderr).toMatch(/CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
    // updown's own format says how to fix it; it does not retry the file outside a transaction.
    expect(result.stderr).toContain('add `export const transaction = false` to run this file outside a transaction');
    expect(await appliedNames(url)).toEqual([FILES[0]]);
    expect(await tableExists(url, 'events')).toBe(true);
    expect(await indexExists(url, 'idx_events_kind')).toBe(false);
  } finally {
    temp.remove();
  }
});

it('a file with transaction = false that fails halfway is marked failed, and later runs refuse until repaired', async () => {
  await resetSchema(url);
  const temp = tempMigrations();
  try {
    const file = path.join(temp.dir, '20240403000000-halfOutside.ts');
    fs.writeFileSync(
      file,
      [
        'export const transaction = false;',
        'export const up = async ({ context }: any) => {',
        "  await context.sequelize.query('CREATE TABLE half_outside (id int)');",
        "  throw new Error('halfOutside fails after its first statement');",
        '};',
        "export const down = async ({ context }: any) => { await context.sequelize.query('DROP TABLE half_outside'); };",
        '',
      ].join('\n'),
    );
    const migrate = (...args: string[]) => runCli(['migrate', ...args, '--url', url, '--dir', temp.dir]);
    const result = await migrate('up');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file} failed (up)`);
    expect(result.stderr).toMatch(/outside a transaction/);
    // No transaction to roll back: the table stays, and the history says so.
    expect(await tableExists(url, 'half_outside')).toBe(true);
    const status = await migrate('status', '--json');
    expect(JSON.parse(status.stdout).items).toEqual([expect.objectContaining({ name: '20240403000000-halfOutside', state: 'failed' })]);
    const again = await migrate('up');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(file);
  } finally {
    temp.remove();
  }
});

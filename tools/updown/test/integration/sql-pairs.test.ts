/**
 * Up/down pairs (test/fixtures/sql-pairs) and dbmate sections (test/fixtures/sql-sections) in
 * updown's own tracking: up, status, down, verify; CREATE INDEX CONCURRENTLY in a no-transaction
 * pair; a statement failing halfway through a file rolls the whole file back and is named with
 * its line and PostgreSQL's position; a file's own COMMIT refused before anything runs; dry runs
 * print the statements as they will be sent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onlyJson, runCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, indexExists, query, resetSchema, tableExists, tablesIn } from '../helpers/database';
import { fixtureDir, tempMigrations } from '../helpers/fixtures';

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_sqlpairs');
});
afterAll(() => dropScratchDatabase(url));
afterEach(() => resetSchema(url));

const PAIRS = fixtureDir('sql-pairs/migrations');
const SECTIONS = fixtureDir('sql-sections/db/migrations');
const run = (dir: string, ...args: string[]) => runCli([...args, '--url', url, '--dir', dir, '--format', 'sql']);

it('pairs: up, status, down one by one (CONCURRENTLY outside a transaction), in updown\'s own table', async () => {
  const up = await run(PAIRS, 'migrate', 'up');
  expect(up.stderr).toBe('');
  expect(up.code).toBe(0);
  expect(await indexExists(url, 'posts_title_idx')).toBe(true);
  // CONCURRENTLY leaves an index valid only when it ran outside a transaction block.
  expect(await query(url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'posts_title_idx'::regclass")).toEqual([{ indisvalid: true }]);
  expect(await query(url, 'SELECT name, source_file FROM "SequelizeMeta" ORDER BY name')).toEqual([
    { name: '001_initial_schema', source_file: '001_initial_schema.sql' },
    { name: '002_add_post_status', source_file: '002_add_post_status.sql' },
    { name: '003_index_posts_title', source_file: '003_index_posts_title.sql' },
  ]);
  const status = onlyJson<{ items: { name: string; state: string }[] }>((await run(PAIRS, 'migrate', 'status', '--json')).stdout);
  expect(status.items.map((item) => item.state)).toEqual(['applied', 'applied', 'applied']);

  expect((await run(PAIRS, 'migrate', 'down')).code).toBe(0);
  expect(await indexExists(url, 'posts_title_idx')).toBe(false);
  expect((await run(PAIRS, 'migrate', 'down', '--to', '001_initial_schema.sql')).code).toBe(0);
  expect(await tablesIn(url)).toEqual(['SequelizeMeta', 'updown_metadata']);
  const enums = await query(url, "SELECT 1 FROM pg_type WHERE typname = 'post_status'");
  expect(enums).toEqual([]);
});

it('verify proves each pair\'s down on a scratch database', async () => {
  const verify = await run(PAIRS, 'migrate', 'verify', '--all', '--json');
  const report = onlyJson<{ ok: boolean; migrations: { name: string; reversible: boolean }[] }>(verify.stdout);
  expect(report.migrations.map((verdict) => [verdict.name, verdict.reversible])).toEqual([
    ['001_initial_schema', true],
    ['002_add_post_status', true],
    ['003_index_posts_title', true],
  ]);
  expect(report.ok).toBe(true);
  expect(verify.code).toBe(0);
  expect(await tablesIn(url)).toEqual([]);
});

it('verify finds a down that forgets something', async () => {
  const temp = tempMigrations('sql-pairs/migrations');
  try {
    fs.writeFileSync(path.join(temp.dir, '002_add_post_status_down.sql'), 'ALTER TABLE posts DROP COLUMN status;\n');
    const verify = await run(temp.dir, 'migrate', 'verify', '--all', '--json');
    const report = onlyJson<{ migrations: { name: string; reversible: boolean; differences: { message: string }[] }[] }>(verify.stdout);
    const wrong = report.migrations.find((verdict) => verdict.name === '002_add_post_status')!;
    expect(wrong.reversible).toBe(false);
    expect(wrong.differences.map((difference) => difference.message).join('\n')).toMatch(/post_status/);
    expect(verify.code).toBe(1);
  } finally {
    temp.remove();
  }
});

it('sections: -- migrate:up runs up, -- migrate:down runs down', async () => {
  expect((await run(SECTIONS, 'migrate', 'up')).code).toBe(0);
  expect(await query(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts' ORDER BY ordinal_position")).toEqual([
    { column_name: 'id' },
    { column_name: 'email' },
    { column_name: 'name' },
  ]);
  expect((await run(SECTIONS, 'migrate', 'down', '--all')).code).toBe(0);
  expect(await tableExists(url, 'accounts')).toBe(false);
});

it('a statement failing halfway rolls the whole file back and is named with its line and PostgreSQL\'s position', async () => {
  const temp = tempMigrations();
  try {
    const file = path.join(temp.dir, '001_halfway.sql');
    fs.writeFileSync(
      file,
      ['CREATE TABLE invoices (id serial PRIMARY KEY, total numeric NOT NULL);', '', 'INSERT INTO invoices (total) VALUES (10);', '', 'UPDATE invoices', '   SET total = total * tax_rate;', '', 'CREATE TABLE never (id int);', ''].join('\n'),
    );
    const failed = await run(temp.dir, 'migrate', 'up');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${file} failed (up) [42703]: statement 3 of 4 (line 5, error at line 6): column "tax_rate" does not exist`);
    expect(failed.stderr).toContain('its changes were rolled back and nothing was recorded');
    expect(failed.stderr).toContain('  at character 40 (line 6 of the file):');
    expect(failed.stderr).toContain('       SET total = total * tax_rate\n                           ^');
    expect(await tablesIn(url)).toEqual(['SequelizeMeta', 'updown_metadata']);
    const json = onlyJson<{ error: { position: number; line: number; code: string; migration: string } }>((await run(temp.dir, 'migrate', 'up', '--json')).stdout);
    expect(json.error).toMatchObject({ migration: '001_halfway', code: '42703', position: 40, line: 6 });
  } finally {
    temp.remove();
  }
});

it("a file's own COMMIT is refused (exit 2) before any file runs", async () => {
  const temp = tempMigrations();
  try {
    fs.writeFileSync(path.join(temp.dir, '001_first.sql'), 'CREATE TABLE first (id int);\n');
    fs.writeFileSync(path.join(temp.dir, '002_own.sql'), 'BEGIN;\nCREATE TABLE second (id int);\nCOMMIT;\n');
    const refused = await run(temp.dir, 'migrate', 'up');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${path.join(temp.dir, '002_own.sql')}: line 1: BEGIN inside a file that runs in a transaction`);
    expect(await tableExists(url, 'first')).toBe(false);
  } finally {
    temp.remove();
  }
});

it('a dry run prints the statements as they will be sent, also those of a no-transaction file, and changes nothing', async () => {
  const dry = await run(PAIRS, 'migrate', 'up', '--dry-run');
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain('-- 002_add_post_status (up)\nCREATE TYPE post_status AS ENUM (\'draft\', \'published\');\nALTER TABLE posts ADD COLUMN status post_status NOT NULL DEFAULT \'draft\';\n');
  expect(dry.stdout).toContain('-- 003_index_posts_title (up)\n-- runs outside a transaction: not previewable, not run\nCREATE INDEX CONCURRENTLY posts_title_idx ON posts (title);\n');
  expect(await tablesIn(url)).toEqual([]);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onlyJson, runCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// db dump: a deterministic schema file, and --check against it.

let url: string;
let dir: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_vdump');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-dump-'));
  expect((await db('migrate', 'up')).code).toBe(0);
});
afterAll(async () => {
  await dropScratchDatabase(url);
  fs.rmSync(dir, { recursive: true, force: true });
});

function db(group: string, ...args: string[]) {
  return runCli([group, ...args, '--url', url, '--dir', fixtureDir('basic')]);
}

it('is stable across runs and across a rebuild of the same schema', async () => {
  const file = path.join(dir, 'db', 'schema.txt');
  expect(await db('db', 'dump', '--file', file)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^wrote /m) });
  const first = fs.readFileSync(file, 'utf8');
  expect(first).toContain('table widgets\n  id integer not null');
  expect(first).toContain('CREATE INDEX idx_widgets_name ON public.widgets USING btree (name)');
  expect(first).toContain("enum enum_widgets_kind ('small', 'large')");
  expect(first).not.toMatch(/SequelizeMeta|updown_metadata/);
  expect(await db('db', 'dump', '--file', file)).toMatchObject({ code: 0, stdout: expect.stringMatching(/is up to date/) });

  expect((await db('migrate', 'down', '--all')).code).toBe(0);
  expect((await db('migrate', 'up')).code).toBe(0);
  const again = path.join(dir, 'again.txt');
  expect((await db('db', 'dump', '--file', again)).code).toBe(0);
  expect(fs.readFileSync(again, 'utf8')).toBe(first);
});

it('--check exits 0 when equal and 1 with a diff after a manual ALTER TABLE', async () => {
  const file = path.join(dir, 'db', 'schema.txt');
  expect(await db('db', 'dump', '--check', '--file', file)).toMatchObject({ code: 0, stdout: expect.stringMatching(/matches the database/) });

  await query(url, 'ALTER TABLE widgets ADD COLUMN secret text');
  try {
    const result = await db('db', 'dump', '--check', '--file', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('--- schema.txt (committed)\n+++ database (migrated)\n@@');
    expect(result.stdout).toMatch(/^\+ {2}secret text$/m);
    expect(result.stderr).toMatch(/the database differs from/);
    const json = await db('db', 'dump', '--check', '--file', file, '--json');
    expect(json.code).toBe(1);
    expect(onlyJson<{ ok: boolean; changed: boolean; diff: string }>(json.stdout)).toMatchObject({ ok: false, changed: true, diff: expect.stringContaining('+  secret text') });
  } finally {
    await query(url, 'ALTER TABLE widgets DROP COLUMN secret');
  }
});

it('--check without a file exits 1 and says how to make one', async () => {
  const result = await db('db', 'dump', '--check', '--file', path.join(dir, 'none.txt'));
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/no schema file at .*none\.txt: run `updown db dump`/);
});

import { Client } from 'pg';
import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, query, schemaSnapshot } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// verify works on a scratch database built from the target: the target is never touched.

const BASIC = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_vtarget');
  expect((await migrate('up', '--step', '1')).code).toBe(0);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

function migrate(...args: string[]) {
  return runCli(['migrate', ...args, '--url', url, '--dir', fixtureDir('basic')]);
}

async function scratchDatabasesLeft(): Promise<string[]> {
  const name = new URL(url).pathname.slice(1);
  const rows = await query<{ datname: string }>(url, "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_verify\\_%'", [name]);
  return rows.map((row) => row.datname);
}

it('verifies the pending migrations on a copy made with CREATE DATABASE … TEMPLATE, and leaves the target as it was', async () => {
  const before = await schemaSnapshot(url);
  const result = await migrate('verify', '--json');
  expect(result.code).toBe(0);
  const doc = onlyJson<{ ok: boolean; scratch: { method: string }; migrations: { name: string; reversible: boolean }[] }>(result.stdout);
  expect(doc.ok).toBe(true);
  expect(doc.scratch.method).toBe('template');
  expect(doc.migrations).toEqual(BASIC.slice(1).map((name) => expect.objectContaining({ name, reversible: true, differences: [], notes: [] })));
  expect(await appliedNames(url)).toEqual([BASIC[0]]);
  expect(await schemaSnapshot(url)).toEqual(before);
  expect(await scratchDatabasesLeft()).toEqual([]);
});

it('falls back to replaying the history when another session holds the target open, and says so', async () => {
  const other = new Client({ connectionString: url });
  await other.connect();
  try {
    const result = await migrate('verify');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/an empty database brought to \S+'s state by replaying \S+ history up to 20240101000000-createWidgets \(no copy: 1 other session\(s\) are connected/);
    expect(result.stdout).toMatch(/reversible\s+20240102000000-addWidgetColour/);
  } finally {
    await other.end();
  }
  expect(await appliedNames(url)).toEqual([BASIC[0]]);
  expect(await scratchDatabasesLeft()).toEqual([]);
});

it('refuses bad flags with exit 2, touching nothing', async () => {
  expect((await migrate('verify', '--all', '--from', BASIC[1])).code).toBe(2);
  expect((await migrate('verify', '--to', 'nope')).code).toBe(2);
  expect((await migrate('verify', '--step', '1')).code).toBe(2);
  const json = await migrate('verify', '--from', 'nope', '--json');
  expect(json.code).toBe(2);
  expect(onlyJson<{ ok: boolean; error: { message: string } }>(json.stdout)).toMatchObject({ ok: false, error: { message: expect.stringContaining('--from nope') } });
  expect(await scratchDatabasesLeft()).toEqual([]);
});

it('--in-place runs on the target itself, which ends migrated', async () => {
  const result = await migrate('verify', '--in-place', '--to', BASIC[1]);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/itself \(--in-place\)/);
  expect(await appliedNames(url)).toEqual(BASIC.slice(0, 2));
});

it('says there is nothing to verify when nothing is pending', async () => {
  expect((await migrate('up')).code).toBe(0);
  const result = await migrate('verify');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/nothing to verify: no pending migration/);
});

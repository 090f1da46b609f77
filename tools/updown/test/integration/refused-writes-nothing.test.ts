/**
 * Issue 10: a refused run writes nothing. A missing folder, a file that cannot load, a bad option:
 * exit 2, and no schema, no tracking table, no `updown_metadata` appears (they used to be created
 * before the files were even listed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { allUserTables, createScratchDatabase, dropScratchDatabase, query, resetDatabase, tableExists } from '../helpers/database';
import { fixtureDir, tempMigrations, type TempMigrations } from '../helpers/fixtures';

let url: string;
let temp: TempMigrations;
beforeAll(async () => {
  url = await createScratchDatabase('updown_refused_nothing');
});
beforeEach(() => {
  temp = tempMigrations('basic');
});
afterEach(async () => {
  temp.remove();
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const SCHEMA = 'refused_here';
const schemaExists = async (schema: string) => (await query(url, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).length === 1;

/** Exit 2, and the database is as it was: no schema of the run's, no table anywhere. */
async function expectRefusedAndUntouched(result: { code: number; stderr: string }, reason: RegExp): Promise<void> {
  expect(result.stderr).toMatch(reason);
  expect(result.code).toBe(2);
  expect(await schemaExists(SCHEMA)).toBe(false);
  expect(await allUserTables(url)).toEqual([]);
}

const BROKEN = "import type { Migration } from 'updown';\n\nexport const up: Migration = async ({ context: { sequelize } }) => {\n  await sequelize.query('SELECT 1'\n};\n";

describe.each([
  ['in a schema of its own', ['--schema', SCHEMA]],
  ['in public', []],
])('a refused migrate up %s', (_where, schemaArgs) => {
  const up = (...args: string[]) => runCli(['migrate', 'up', '--url', url, ...schemaArgs, ...args]);

  it('a folder that does not exist', async () => {
    await expectRefusedAndUntouched(await up('--dir', path.join(temp.root, 'nosuch')), /the folder \S+nosuch does not exist/);
  });

  it('a file that cannot be loaded (a syntax error), even after good files', async () => {
    fs.writeFileSync(path.join(temp.dir, '20240104000000-brokenSyntax.ts'), BROKEN);
    await expectRefusedAndUntouched(await up('--dir', temp.dir), /20240104000000-brokenSyntax\.ts: cannot be loaded/);
  });

  it('a file that exports no up()', async () => {
    fs.writeFileSync(path.join(temp.dir, '20240104000000-noUp.ts'), 'export const down = async () => undefined;\n');
    await expectRefusedAndUntouched(await up('--dir', temp.dir), /20240104000000-noUp\.ts: exports no up\(\) function/);
  });

  it('a bad option: --to a name no file has, --to with --step', async () => {
    await expectRefusedAndUntouched(await up('--dir', temp.dir, '--to', '20990101000000-nope'), /--to 20990101000000-nope: no file has that name/);
    await expectRefusedAndUntouched(await up('--dir', temp.dir, '--to', '20240101000000-createWidgets', '--step', '1'), /--to and --step cannot be used together/);
  });
});

it('a sequelize-cli folder with a file that cannot load: no SequelizeMeta, no updown_history', async () => {
  fs.writeFileSync(path.join(temp.dir, '20240101000000-create-things.js'), "module.exports = { async up(queryInterface) { await queryInterface.sequelize.query('SELECT 1') }, \n");
  const result = await runCli(['migrate', 'up', '--url', url, '--schema', SCHEMA, '--dir', temp.dir, '--format', 'sequelize-cli']);
  await expectRefusedAndUntouched(result, /20240101000000-create-things\.js: cannot be loaded/);
});

it('seed up with a missing folder, and seed run of a seed that cannot load', async () => {
  await expectRefusedAndUntouched(await runCli(['seed', 'up', '--url', url, '--schema', SCHEMA, '--dir', path.join(temp.root, 'seeds')]), /does not exist/);
  fs.writeFileSync(path.join(temp.dir, '20240201000000-brokenSeed.ts'), BROKEN.replace('Migration', 'Seed').replace('Migration', 'Seed'));
  await expectRefusedAndUntouched(await runCli(['seed', 'run', '20240201000000-brokenSeed', '--url', url, '--schema', SCHEMA, '--dir', temp.dir]), /cannot be loaded/);
});

it('down through a file without down() after a good up: nothing reverted, nothing written beyond the up', async () => {
  const dir = fixtureDir('no-down');
  expect((await runCli(['migrate', 'up', '--url', url, '--schema', SCHEMA, '--dir', dir])).code).toBe(0);
  const before = await allUserTables(url);
  const down = await runCli(['migrate', 'down', '--all', '--url', url, '--schema', SCHEMA, '--dir', dir]);
  expect(down.code).toBe(2);
  expect(await allUserTables(url)).toEqual(before);
});

it('db fresh with a file that cannot load refuses before it drops anything', async () => {
  expect((await runCli(['migrate', 'up', '--url', url, '--dir', temp.dir])).code).toBe(0);
  fs.writeFileSync(path.join(temp.dir, '20240104000000-brokenSyntax.ts'), BROKEN);
  const fresh = await runCli(['db', 'fresh', '--url', url, '--dir', temp.dir]);
  expect(fresh.code).toBe(2);
  expect(fresh.stderr).toMatch(/brokenSyntax\.ts: cannot be loaded/);
  expect(await tableExists(url, 'widgets')).toBe(true); // not dropped
});

it('a run that is not refused still creates its tables (the first write happens after the checks, not never)', async () => {
  const result = await runCli(['migrate', 'up', '--url', url, '--schema', SCHEMA, '--dir', temp.dir]);
  expect(result.code).toBe(0);
  expect(await allUserTables(url)).toEqual(expect.arrayContaining([`${SCHEMA}.SequelizeMeta`, `${SCHEMA}.updown_metadata`, `${SCHEMA}.widgets`]));
});

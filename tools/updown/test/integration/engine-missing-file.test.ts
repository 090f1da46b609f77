import fs from 'node:fs';
import path from 'node:path';
import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, indexExists, query, resetDatabase, schemaSnapshot, tableExists } from '../helpers/database';
import { tempMigrations, type TempMigrations } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

const BASIC = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];

let url: string;
let temp: TempMigrations;

beforeAll(async () => {
  url = await createScratchDatabase('updown_missing');
});
beforeEach(async () => {
  temp = tempMigrations('basic');
  expect((await migrate('up')).code).toBe(0);
});
afterEach(async () => {
  temp.remove();
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

function migrate(...args: string[]) {
  return runCli(['migrate', ...args, '--url', url, '--dir', temp.dir]);
}

async function expectRefusedNaming(name: string, ...args: string[]): Promise<void> {
  const result = await migrate(...args);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`${name} is recorded as applied but its file is missing`);
  expect(result.stdout).not.toMatch(/migrated|reverted/);
}

it('a deleted applied file in the middle: up and down refuse with exit 2 naming it, nothing changes', async () => {
  const before = await schemaSnapshot(url);
  fs.rmSync(path.join(temp.dir, `${BASIC[1]}.ts`));
  // A new pending file must not be applied past the hole either.
  fs.writeFileSync(
    path.join(temp.dir, '20240104000000-createSprockets.ts'),
    "export const up = async ({ context }: any) => { await context.sequelize.query('CREATE TABLE sprockets (id int)'); };\n" +
      "export const down = async ({ context }: any) => { await context.sequelize.query('DROP TABLE sprockets'); };\n",
  );

  await expectRefusedNaming(BASIC[1], 'up');
  await expectRefusedNaming(BASIC[1], 'down');
  await expectRefusedNaming(BASIC[1], 'down', '--all');
  await expectRefusedNaming(BASIC[1], 'redo');

  expect(await appliedNames(url)).toEqual(BASIC);
  expect(await tableExists(url, 'sprockets')).toBe(false);
  expect(await schemaSnapshot(url)).toEqual(before);
});

it('a deleted newest file: down refuses instead of skipping it or reverting the one before', async () => {
  fs.rmSync(path.join(temp.dir, `${BASIC[2]}.ts`));
  await expectRefusedNaming(BASIC[2], 'down');
  await expectRefusedNaming(BASIC[2], 'down', '--step', '2');
  expect(await appliedNames(url)).toEqual(BASIC);
  expect(await indexExists(url, 'idx_widgets_name')).toBe(true);
  expect(await query(url, "SELECT 1 FROM information_schema.columns WHERE table_name = 'widgets' AND column_name = 'colour'")).toHaveLength(1);
});

it('status shows the file as missing (and --check fails) without changing anything', async () => {
  fs.rmSync(path.join(temp.dir, `${BASIC[1]}.ts`));
  const status = await migrate('status', '--json');
  expect(status.code).toBe(0);
  const doc = onlyJson<{ ok: boolean; items: { name: string; state: string }[] }>(status.stdout);
  expect(doc.ok).toBe(false);
  expect(doc.items.map(({ name, state }) => [name, state])).toEqual([
    [BASIC[0], 'applied'],
    [BASIC[1], 'missing'],
    [BASIC[2], 'applied'],
  ]);
  expect((await migrate('status', '--check')).code).toBe(1);
  expect(await appliedNames(url)).toEqual(BASIC);
});

it('an edited applied file is refused the same way, naming the file', async () => {
  const file = path.join(temp.dir, `${BASIC[1]}.ts`);
  fs.appendFileSync(file, '\n// edited after it was applied\n');
  const result = await migrate('down');
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`${file} was edited after it was applied`);
  expect(await appliedNames(url)).toEqual(BASIC);
  expect(await indexExists(url, 'idx_widgets_name')).toBe(true);
});

/**
 * An Umzug project taken over as it is (DESIGN "Additions", module shapes: `umzug`): the files of
 * test/fixtures/legacy-umzug/migrations are in Umzug's README shape, `({ context: queryInterface })`,
 * most of them inside a `queryInterface.sequelize.transaction(…)` of their own, and the project has
 * its own runner (migrate.ts, Umzug 3 + SequelizeStorage). updown applies them in its own
 * transaction without deadlocking on theirs, stores the names as Umzug does, and the project's runner
 * agrees with the result. Real PostgreSQL, real processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onlyJson } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query, resetDatabase } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';
import {
  byCodeUnit,
  copyProject,
  expectCode,
  legacyNames,
  relationsIn,
  SEQUELIZE_META_SHAPE,
  stem,
  tableShape,
  umzugRunner,
  updown,
  type ProjectCopy,
} from '../helpers/legacy';

const PROJECT = fixtureDir('legacy-umzug');

/** As Umzug 3 names them: the file's base name, extension included (`path.basename`). */
const NAMES = [
  '2022-12-01_00_init.ts',
  '2022-12-02_01_add-posts.ts',
  '2022-12-03_00_add-summary_and_view.ts.ts',
  '2022-12-10_00_seed-default-author.ts',
  '2023-01-05_00_unique-author-name.ts',
];
const SCHEMA = ['SequelizeMeta', 'authors', 'posts', 'published_posts'];
const FORMAT = ['--format', 'umzug', '--dir', 'migrations'];

interface StatusDoc {
  ok: boolean;
  items: { name: string; state: string }[];
}
interface RunDoc {
  ok: boolean;
  executed: { name: string; direction: string }[];
}

let url: string;
let copy: ProjectCopy | undefined;
beforeAll(async () => {
  url = await createScratchDatabase('updown_legacy_umzug');
});
afterEach(async () => {
  copy?.remove();
  copy = undefined;
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const run = (...args: string[]) => updown(args, { cwd: PROJECT, url, timeoutMs: 25_000 });
const runner = (...args: string[]) => umzugRunner(args, { cwd: PROJECT, url });
/** `migrate.ts pending|executed`: one name a line. */
const listed = (output: string) => output.split('\n').filter((line) => line.trim() !== '');

/** What the migrations leave when every one of them is applied. */
async function expectMigrated(): Promise<void> {
  expect((await relationsIn(url)).filter((name) => !/updown/i.test(name))).toEqual(SCHEMA);
  expect(await query(url, 'SELECT name FROM authors')).toEqual([{ name: 'Editorial team' }]);
  expect(await query(url, "SELECT conname FROM pg_constraint WHERE conname = 'authors_name_key'")).toEqual([{ conname: 'authors_name_key' }]);
  const [summary] = await query(url, "SELECT data_type FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'summary'");
  expect(summary).toEqual({ data_type: 'text' });
}

describe("the fixture is a valid Umzug project (checked with its own runner, Umzug 3's SequelizeStorage)", () => {
  test("migrate.ts up applies it, storing file names with their extension; down --to 0 reverts it", async () => {
    expect(listed((await runner('pending')).stdout)).toEqual(NAMES);
    expect([...NAMES].sort(byCodeUnit)).toEqual(NAMES);
    const up = await runner('up');
    expectCode(up, 0);
    expect(await legacyNames(url)).toEqual(NAMES);
    expect(await tableShape(url, 'SequelizeMeta')).toEqual(SEQUELIZE_META_SHAPE);
    await expectMigrated();
    expectCode(await runner('down', '--to', '0'), 0);
    expect(await relationsIn(url)).toEqual(['SequelizeMeta']);
  });
});

describe('updown --format umzug in the Umzug project folder', () => {
  test("up applies every file, each file's own transaction joining updown's (no deadlock); names stored as Umzug stores them", async () => {
    const up = await run('migrate', 'up', ...FORMAT, '--json');
    expectCode(up, 0);
    const doc = onlyJson<RunDoc>(up.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.executed.map((item) => stem(item.name))).toEqual(NAMES.map(stem));
    expect(await legacyNames(url)).toEqual(NAMES);
    expect(await tableShape(url, 'SequelizeMeta')).toEqual(SEQUELIZE_META_SHAPE);
    await expectMigrated();
  });

  test("the project's own runner afterwards sees every file executed and nothing pending", async () => {
    expectCode(await run('migrate', 'up', ...FORMAT), 0);
    const pending = await runner('pending');
    expectCode(pending, 0);
    expect(listed(pending.stdout)).toEqual([]);
    expect(listed((await runner('executed')).stdout)).toEqual(NAMES);
  });

  test("status --json shows every file applied; down --all reverts them all, and Umzug's runner sees them pending again", async () => {
    expectCode(await run('migrate', 'up', ...FORMAT), 0);
    const status = onlyJson<StatusDoc>(expectCode(await run('migrate', 'status', ...FORMAT, '--json'), 0).stdout);
    expect(status.ok).toBe(true);
    expect(status.items.map((item) => [stem(item.name), item.state])).toEqual(NAMES.map((name) => [stem(name), 'applied']));

    const down = await run('migrate', 'down', '--all', ...FORMAT, '--json');
    expectCode(down, 0);
    expect(onlyJson<RunDoc>(down.stdout).executed.map((item) => [stem(item.name), item.direction])).toEqual(
      [...NAMES].reverse().map((name) => [stem(name), 'down']),
    );
    expect(await legacyNames(url)).toEqual([]);
    expect((await relationsIn(url)).filter((name) => !/updown/i.test(name))).toEqual(['SequelizeMeta']);
    expect(listed((await runner('pending')).stdout)).toEqual(NAMES);
  });

  test("a history applied by Umzug's own runner is adopted: every file applied, up has nothing to do", async () => {
    expectCode(await runner('up'), 0);
    const status = await run('migrate', 'status', ...FORMAT, '--json');
    expectCode(status, 0);
    expect(onlyJson<StatusDoc>(status.stdout).items.map((item) => [stem(item.name), item.state])).toEqual(NAMES.map((name) => [stem(name), 'applied']));
    const up = await run('migrate', 'up', ...FORMAT, '--json');
    expectCode(up, 0);
    expect(onlyJson<RunDoc>(up.stdout)).toMatchObject({ ok: true, executed: [] });
    expect(await legacyNames(url)).toEqual(NAMES);
  });
});

describe("updown.config.ts with migrations: { dir, format: 'umzug' }", () => {
  test('needs no flags: up applies every file and stores the names as Umzug does', async () => {
    copy = copyProject('legacy-umzug');
    fs.writeFileSync(
      path.join(copy.dir, 'updown.config.ts'),
      "import type { UpdownConfig } from 'updown';\n\n" +
        "const config: UpdownConfig = { migrations: { dir: 'migrations', format: 'umzug' } };\n\n" +
        'export default config;\n',
    );
    const up = expectCode(await updown(['migrate', 'up', '--json'], { cwd: copy.dir, url, timeoutMs: 25_000 }), 0);
    expect(onlyJson<RunDoc>(up.stdout).executed.map((item) => stem(item.name))).toEqual(NAMES.map(stem));
    expect(await legacyNames(url)).toEqual(NAMES);
    await expectMigrated();
    const pending = await umzugRunner(['pending'], { cwd: copy.dir, url });
    expect(listed(pending.stdout)).toEqual([]);
  });
});

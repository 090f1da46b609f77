import { runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, enumTypes, pgDumpSchema, query, schemaSnapshot, tablesIn } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

/** updown's own bookkeeping tables, which stay when every migration is reverted. */
const BOOKKEEPING = ['SequelizeMeta', 'updown_metadata'];

const BASIC = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_roundtrip');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const migrate = (...args: string[]) => runCli(['migrate', ...args, '--url', url, '--dir', fixtureDir('basic')]);

it('up all, down --all, up all again leaves the same schema as the first up', async () => {
  const first = await migrate('up');
  expect(first).toMatchObject({ code: 0 });
  for (const name of BASIC) expect(first.stdout).toMatch(new RegExp(`migrated\\s+${name} \\(\\d+(\\.\\d+)? m?s\\)`));
  expect(first.stdout).toMatch(/3 migrations applied/);
  expect(await appliedNames(url)).toEqual(BASIC);
  const afterUp = await schemaSnapshot(url);
  const dumpAfterUp = await pgDumpSchema(url); // undefined when no pg_dump matches the server
  expect(afterUp.columns).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ table_name: 'widgets', column_name: 'colour', character_maximum_length: 32 }),
      expect.objectContaining({ table_name: 'widgets', column_name: 'kind', udt_name: 'enum_widgets_kind' }),
    ]),
  );
  expect(afterUp.indexes).toEqual(expect.arrayContaining([expect.objectContaining({ indexname: 'idx_widgets_name' })]));

  const down = await migrate('down', '--all');
  expect(down).toMatchObject({ code: 0 });
  expect(down.stdout.indexOf(BASIC[2])).toBeLessThan(down.stdout.indexOf(BASIC[0])); // newest first
  expect(down.stdout).toMatch(/reverted\s+20240101000000-createWidgets/);

  // Nothing left but the bookkeeping: no tables, no enum types, no sequences, no rows.
  const left = await tablesIn(url);
  expect(left.filter((table) => !BOOKKEEPING.includes(table))).toEqual([]);
  expect(left).toContain('SequelizeMeta');
  expect(await enumTypes(url)).toEqual([]);
  expect(await query(url, "SELECT relname FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace")).toEqual([]);
  expect(await appliedNames(url)).toEqual([]);

  expect(await migrate('up')).toMatchObject({ code: 0 });
  expect(await schemaSnapshot(url)).toEqual(afterUp);
  if (dumpAfterUp !== undefined) expect(await pgDumpSchema(url)).toBe(dumpAfterUp);
  expect(await appliedNames(url)).toEqual(BASIC);
});

it('--to is inclusive both ways and --step counts files', async () => {
  // Continues from the previous test: everything is applied.
  expect(await migrate('down', '--to', BASIC[1])).toMatchObject({ code: 0 });
  expect(await appliedNames(url)).toEqual([BASIC[0]]);
  expect(await query(url, "SELECT 1 FROM information_schema.columns WHERE table_name = 'widgets' AND column_name = 'colour'")).toEqual([]);

  expect(await migrate('up', '--to', `${BASIC[1]}.ts`)).toMatchObject({ code: 0 });
  expect(await appliedNames(url)).toEqual(BASIC.slice(0, 2));

  expect(await migrate('up', '--step', '1')).toMatchObject({ code: 0 });
  expect(await appliedNames(url)).toEqual(BASIC);

  expect(await migrate('down', '--step', '2')).toMatchObject({ code: 0 });
  expect(await appliedNames(url)).toEqual([BASIC[0]]);

  expect(await migrate('down')).toMatchObject({ code: 0 });
  expect(await appliedNames(url)).toEqual([]);
  expect((await tablesIn(url)).filter((table) => !BOOKKEEPING.includes(table))).toEqual([]);
});

import { METADATA_TABLE, TRACKING_TABLES } from '../../src/storage';
import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, enumTypes, indexExists, pgDumpSchema, query, schemaSnapshot, tablesIn } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL, the CLI in process: `change` migrations whose down updown derives itself.

const BOOKKEEPING = [TRACKING_TABLES.migrations, TRACKING_TABLES.seeds, METADATA_TABLE];
const REVERSIBLE = ['20240701000000-createAccounts', '20240702000000-addProjects', '20240703000000-seedAndReshape'];
const IRREVERSIBLE = ['20240801000000-createNotes', '20240802000000-dropNoteNickname', '20240803000000-addNoteTitle'];

type Snapshot = Record<string, unknown[]>;

/**
 * The schema's shape from the catalogs, without updown's own tables. A column's position is its
 * rank in its table: PostgreSQL's ordinal_position (attnum) also counts dropped columns, so a
 * column that removeColumn dropped and down added back as the last one has a higher number.
 */
async function userSchema(url: string): Promise<Snapshot> {
  const snapshot = await schemaSnapshot(url);
  const ours = (value: unknown) => typeof value === 'string' && BOOKKEEPING.some((table) => value.replace(/"/g, '').startsWith(table));
  const mine = (rows: unknown[]) => rows.filter((row) => !Object.values(row as Record<string, unknown>).some(ours)) as Record<string, unknown>[];
  const columns = mine(snapshot.columns).map((column, _, all) => ({
    ...column,
    ordinal_position: all.filter((other) => other.table_name === column.table_name).indexOf(column) + 1,
  }));
  return { ...Object.fromEntries(Object.entries(snapshot).map(([kind, rows]) => [kind, mine(rows)])), columns };
}

const EMPTY: Snapshot = { columns: [], indexes: [], constraints: [], sequences: [], enums: [] };

describe('a reversible change migration', () => {
  let url: string;
  beforeAll(async () => {
    url = await createScratchDatabase('updown_change');
  });
  afterAll(async () => {
    await dropScratchDatabase(url);
  });
  const migrate = (...args: string[]) => runCli(['migrate', ...args, '--url', url, '--dir', fixtureDir('change-reversible')]);

  it('goes up, and each file comes down to exactly the schema it started from', async () => {
    expect(await userSchema(url)).toEqual(EMPTY);
    const before: Snapshot[] = [EMPTY];
    for (const name of REVERSIBLE) {
      const result = await migrate('up', '--to', name);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toMatch(new RegExp(`migrated\\s+${name}`));
      before.push(await userSchema(url));
    }
    const afterUp = before.pop()!;

    // What up did, so the comparisons below are not comparing nothing with nothing.
    expect(afterUp.enums).toEqual([
      expect.objectContaining({ typname: 'enum_accounts_plan' }),
      expect.objectContaining({ typname: 'enum_accounts_status' }),
    ]);
    expect(afterUp.columns).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table_name: 'projects', column_name: 'name', character_maximum_length: 200 }),
        expect.objectContaining({ table_name: 'accounts', column_name: 'status', udt_name: 'enum_accounts_status' }),
      ]),
    );
    expect(afterUp.constraints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ conname: 'accounts_email_uk', contype: 'u' }),
        expect.objectContaining({ conname: 'projects_accountId_accounts_fk', def: expect.stringContaining('ON DELETE CASCADE') }),
      ]),
    );
    expect(await indexExists(url, 'projects_account_name')).toBe(true);
    expect(await indexExists(url, 'accounts_created_at')).toBe(false); // removed by the third file
    expect(await query(url, 'SELECT id FROM accounts ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);

    for (const name of [...REVERSIBLE].reverse()) {
      const result = await migrate('down');
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toMatch(new RegExp(`reverted\\s+${name}`));
      expect(await userSchema(url)).toEqual(before.pop());
      if (name === REVERSIBLE[2]) {
        expect(await query(url, 'SELECT id FROM accounts')).toEqual([]); // the inserted rows, by key
        expect(await indexExists(url, 'accounts_created_at')).toBe(true);
      }
    }
    expect(await userSchema(url)).toEqual(EMPTY);
    expect(await enumTypes(url)).toEqual([]);
    expect((await tablesIn(url)).filter((table) => !BOOKKEEPING.includes(table))).toEqual([]);
    expect(await appliedNames(url)).toEqual([]);
  });

  it('up, down --all, up again: the same schema both times', async () => {
    expect(await migrate('up')).toMatchObject({ code: 0 });
    const afterUp = await userSchema(url);
    const dumpAfterUp = await pgDumpSchema(url); // undefined when no pg_dump matches the server

    const down = await migrate('down', '--all');
    expect(down).toMatchObject({ code: 0 });
    expect(down.stdout.indexOf(REVERSIBLE[2])).toBeLessThan(down.stdout.indexOf(REVERSIBLE[0])); // newest first
    expect(await userSchema(url)).toEqual(EMPTY);

    expect(await migrate('up')).toMatchObject({ code: 0 });
    expect(await userSchema(url)).toEqual(afterUp);
    if (dumpAfterUp !== undefined) expect(await pgDumpSchema(url)).toBe(dumpAfterUp);
    expect(await appliedNames(url)).toEqual(REVERSIBLE);
  });

  it('redo reverts and re-applies the newest file', async () => {
    const before = await userSchema(url);
    const redo = await migrate('redo');
    expect(redo).toMatchObject({ code: 0 });
    expect(redo.stdout).toMatch(new RegExp(`reverted\\s+${REVERSIBLE[2]}`));
    expect(redo.stdout).toMatch(new RegExp(`migrated\\s+${REVERSIBLE[2]}`));
    expect(await userSchema(url)).toEqual(before);
  });
});

describe('an irreversible change migration', () => {
  let url: string;
  const FILE = `${fixtureDir('change-irreversible')}/${IRREVERSIBLE[1]}.ts`;
  const REFUSAL = `${FILE}: removeColumn('notes', 'nickname') cannot be reversed`;
  beforeAll(async () => {
    url = await createScratchDatabase('updown_change_irr');
  });
  afterAll(async () => {
    await dropScratchDatabase(url);
  });
  const migrate = (...args: string[]) => runCli(['migrate', ...args, '--url', url, '--dir', fixtureDir('change-irreversible')]);
  const notesColumns = async () =>
    (await query<{ column_name: string }>(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'notes' ORDER BY ordinal_position")).map(
      (row) => row.column_name,
    );

  it('goes up like any migration', async () => {
    expect(await migrate('up')).toMatchObject({ code: 0 });
    expect(await appliedNames(url)).toEqual(IRREVERSIBLE);
    expect(await notesColumns()).toEqual(['id', 'body', 'title']);
  });

  it.each([
    ['--step 2', ['--step', '2']],
    ['--all', ['--all']],
    ['--to the first file', ['--to', IRREVERSIBLE[0]]],
  ])('down %s is refused with exit 2 before anything, even the reversible newer file, is reverted', async (_, flags) => {
    const result = await migrate('down', ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(REFUSAL);
    expect(result.stdout).not.toMatch(/reverted/);
    expect(await appliedNames(url)).toEqual(IRREVERSIBLE);
    expect(await notesColumns()).toEqual(['id', 'body', 'title']);
  });

  it('--json carries the refusal', async () => {
    const result = await migrate('down', '--all', '--json');
    expect(result.code).toBe(2);
    const doc = onlyJson<{ ok: boolean; executed: unknown[]; error: { message: string } }>(result.stdout);
    expect(doc).toMatchObject({ ok: false, executed: [] });
    expect(doc.error.message).toContain(REFUSAL);
  });

  it('the newer file goes down on its own; then the irreversible one is refused, saying how to make it reversible', async () => {
    const newest = await migrate('down');
    expect(newest).toMatchObject({ code: 0 });
    expect(newest.stdout).toMatch(new RegExp(`reverted\\s+${IRREVERSIBLE[2]}`));
    expect(await notesColumns()).toEqual(['id', 'body']);

    const result = await migrate('down');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(REFUSAL);
    expect(result.stderr).toMatch(/pass the column's definition so down can add it back: removeColumn\('notes', 'nickname', \{ from: \{ type: DataTypes\.STRING \} \}\)/);
    expect(result.stderr).toMatch(/or write up\(\) and down\(\) instead of change\(\)/);
    expect(result.stdout).not.toMatch(/reverted/);
    // Nothing reverted, the tracking row kept.
    expect(await appliedNames(url)).toEqual(IRREVERSIBLE.slice(0, 2));
    expect(await notesColumns()).toEqual(['id', 'body']);
  });
});

import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, query, resetSchema, tableExists } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_atomic');
});
afterEach(async () => {
  await resetSchema(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const up = (scenario: string, ...args: string[]) => runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir(scenario), ...args]);

describe('a migration that throws after creating a table (fails-halfway/)', () => {
  it('exits 1, rolls its table back, records nothing for it, keeps the earlier ones, runs none after it', async () => {
    const result = await up('fails-halfway');
    expect(result.code).toBe(1);
    expect(await tableExists(url, 'gadgets')).toBe(true);
    expect(await tableExists(url, 'doomed')).toBe(false);
    expect(await tableExists(url, 'never_reached')).toBe(false);
    expect(await appliedNames(url)).toEqual(['20240201000000-createGadgets']);

    // The output names the file and the direction, and says what happened to its changes.
    expect(result.stdout).toMatch(/migrated\s+20240201000000-createGadgets/);
    expect(result.stderr).toContain(`${fixtureDir('fails-halfway')}/20240202000000-createDoomed.ts failed (up)`);
    expect(result.stderr).toContain('createDoomed fails on purpose after creating its table');
    expect(result.stderr).toMatch(/rolled back/);
    expect(result.stdout).toMatch(/1 migration applied before the failure/);
  });

  it('running again fails the same way and changes nothing more', async () => {
    expect((await up('fails-halfway')).code).toBe(1);
    const again = await up('fails-halfway');
    expect(again.code).toBe(1);
    expect(again.stdout).not.toMatch(/migrated/);
    expect(await appliedNames(url)).toEqual(['20240201000000-createGadgets']);
    expect(await tableExists(url, 'doomed')).toBe(false);
  });
});

describe('a migration whose SQL PostgreSQL rejects (bad-sql/)', () => {
  const file = `${fixtureDir('bad-sql')}/20240212000000-selectMissingTable.ts`;

  it("shows the file, the direction, PostgreSQL's code and message, and a caret at its position", async () => {
    const result = await up('bad-sql');
    expect(result.code).toBe(1);
    expect(await tableExists(url, 'sprockets')).toBe(true);
    expect(await tableExists(url, 'half_done')).toBe(false);
    expect(await appliedNames(url)).toEqual(['20240211000000-createSprockets']);

    expect(result.stderr).toContain(`${file} failed (up) [42P01]: relation "no_such_table" does not exist`);
    // PostgreSQL reports the position of no_such_table (on the statement's third line): the caret
    // sits under its first character.
    const lines = result.stderr.split('\n');
    const statementLine = lines.findIndex((line) => line.includes('FROM no_such_table'));
    expect(statementLine).toBeGreaterThan(-1);
    const caretLine = lines[statementLine + 1];
    expect(caretLine.trim()).toBe('^');
    expect(caretLine.indexOf('^')).toBe(lines[statementLine].indexOf('no_such_table'));
    const position = 'SELECT id,\n       teeth\n  FROM '.length + 1;
    expect(result.stderr).toContain(`at character ${position}`);
  });

  it('--json carries the code, the migration and the position', async () => {
    const result = await up('bad-sql', '--json');
    expect(result.code).toBe(1);
    const doc = onlyJson<{ ok: boolean; executed: { name: string }[]; error: Record<string, unknown> }>(result.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.executed.map((item) => item.name)).toEqual(['20240211000000-createSprockets']);
    expect(doc.error).toMatchObject({ migration: '20240212000000-selectMissingTable', code: '42P01', position: 'SELECT id,\n       teeth\n  FROM '.length + 1 });
    expect(doc.error.message).toContain('relation "no_such_table" does not exist');
  });
});

describe('a migration whose tracking row cannot be written (tracking-write-fails/)', () => {
  it('exits 1 and rolls back its DDL together with the failed INSERT', async () => {
    const result = await up('tracking-write-fails');
    expect(result.code).toBe(1);
    // Its up() succeeded: the table and the CHECK it added to "SequelizeMeta" existed until the
    // INSERT of its row failed, and both are gone with the rollback.
    expect(await tableExists(url, 'nuts')).toBe(false);
    expect(await query(url, "SELECT 1 FROM pg_constraint WHERE conname = 'no_reject_own_row'")).toEqual([]);
    expect(await appliedNames(url)).toEqual(['20240301000000-createBolts']);
    expect(await tableExists(url, 'bolts')).toBe(true);
    expect(result.stderr).toContain(`${fixtureDir('tracking-write-fails')}/20240302000000-rejectOwnRow.ts failed (up) [23514]`);
    expect(result.stderr).toContain('no_reject_own_row');
  });
});

describe('a down that fails', () => {
  it('keeps the table and the row, names the file and the direction', async () => {
    expect((await up('bad-sql', '--to', '20240211000000-createSprockets')).code).toBe(0);
    // Make the down fail: its DROP TABLE finds a view depending on the table.
    await query(url, 'CREATE VIEW sprocket_view AS SELECT * FROM sprockets');
    const result = await runCli(['migrate', 'down', '--url', url, '--dir', fixtureDir('bad-sql')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${fixtureDir('bad-sql')}/20240211000000-createSprockets.ts failed (down) [2BP01]`);
    expect(await tableExists(url, 'sprockets')).toBe(true);
    expect(await appliedNames(url)).toEqual(['20240211000000-createSprockets']);
  });
});

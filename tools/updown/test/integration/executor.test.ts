/**
 * The executor owns one file's life: what it reports when the file fails at COMMIT, when its
 * failed mark cannot be written, and what a file's own `sequelize.transaction()` becomes.
 */
import { resolveOptions } from '../../src/config';
import { openForChange } from '../../src/history';
import { withSession } from '../../src/session';
import { runCli, spawnCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, query, resetSchema, tableExists, updownSessions } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_executor');
});
afterEach(async () => {
  await resetSchema(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

// A second connection waiting for the file's own locks would fail within 2 s instead of hanging.
const up = (scenario: string) => runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir(scenario), '--ddl-lock-timeout', '2s', '--lock-retries', '0']);

describe('a file whose work fails only at COMMIT (a deferred foreign key)', () => {
  it('says PostgreSQL rolled it back, exits 1, and records nothing for it', async () => {
    const result = await up('deferred-fk-fails-at-commit');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('20240902000000-addOrphanPlayer.ts failed (up) [23503]');
    expect(result.stderr).toContain('it failed at COMMIT, so PostgreSQL rolled it back: its changes were rolled back and nothing was recorded');
    expect(result.stderr).not.toMatch(/outside a transaction/);
    expect(await appliedNames(url)).toEqual(['20240901000000-createTeamsAndPlayers']);
    expect(await tableExists(url, 'orphan_marker')).toBe(false);
    expect(await query(url, 'SELECT * FROM players')).toEqual([]);
  });

  it('leaves the connection usable: the next run says the same and changes nothing', async () => {
    await up('deferred-fk-fails-at-commit');
    const again = await up('deferred-fk-fails-at-commit');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('it failed at COMMIT');
    expect(await appliedNames(url)).toEqual(['20240901000000-createTeamsAndPlayers']);
  });
});

describe("the next file's transaction, begun in the round trip of this file's COMMIT", () => {
  it('is not begun when that COMMIT fails: the files after it do not run, and the run can be repeated', async () => {
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const result = await up('deferred-fk-fails-at-commit-then-more');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('20240902000000-addOrphanPlayer.ts failed (up) [23503]');
      expect(result.stderr).toContain('it failed at COMMIT, so PostgreSQL rolled it back');
      expect(result.stderr).not.toMatch(/createAfterOrphan|current transaction is aborted/);
      expect(await appliedNames(url)).toEqual(['20240901000000-createTeamsAndPlayers']);
      expect(await tableExists(url, 'orphan_marker')).toBe(false);
      expect(await tableExists(url, 'after_orphan')).toBe(false);
      expect(await updownSessions(url)).toEqual([]);
    }
  });

  it.each<[string, string[], string[], string[]]>([
    ['one transaction per file', [], ['20241001000000-createInvoices'], ['invoices']],
    ['--single-transaction', ['--single-transaction'], [], []],
  ])('is not begun when the tracking row sent with that COMMIT fails (%s): the file is rolled back and says why', async (_mode, flags, applied, tables) => {
    const result = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('tracking-dropped-mid-run'), '--lock-retries', '0', ...flags]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('20241002000000-dropsTrackingTable.ts failed (up)');
    expect(result.stderr).toContain('dropped the tracking table SequelizeMeta');
    expect(result.stderr).toContain('its changes were rolled back and nothing was recorded');
    expect(result.stderr).not.toMatch(/createRefunds|current transaction is aborted|at COMMIT/);
    expect(await tableExists(url, 'SequelizeMeta')).toBe(true);
    expect(await appliedNames(url)).toEqual(applied);
    for (const table of ['invoices', 'receipts', 'refunds']) expect(await tableExists(url, table)).toBe(tables.includes(table));
    expect(await updownSessions(url)).toEqual([]);
  });

  it('is ended when the run stops before the next file, and the session goes on with a connection that is idle', async () => {
    const resolved = resolveOptions('migrations', { url, dir: fixtureDir('basic') }, { info: () => undefined, warn: () => undefined }, {}, __dirname).options;
    const options = { ...resolved, url };
    const states: string[][] = [];
    await withSession(options, 'migrate up', 'locked', async (session) => {
      const { stream, files } = await openForChange(session, 'migrations', options.dir);
      // The first file commits (beginning the second's transaction), then the run stops before the second.
      await expect(
        stream.run('up', files, () => {
          throw new Error('stopped after the first file');
        }),
      ).rejects.toThrow('stopped after the first file');
      states.push((await updownSessions(url)).map((session) => session.state));
      await stream.run('up', files.slice(1), () => undefined);
      states.push((await updownSessions(url)).map((session) => session.state));
    });
    for (const seen of states) expect(seen).not.toContain('idle in transaction');
    expect(await appliedNames(url)).toEqual(['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName']);
    expect(await updownSessions(url)).toEqual([]);
  });
});

describe('a transaction = false file whose failed mark cannot be written', () => {
  it('says the mark was not written and that nothing records the half-applied state', async () => {
    const result = await up('mark-failed-fails');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('dropsTrackingThenFails fails on purpose');
    expect(result.stderr).toContain('its failed mark could not be written');
    expect(result.stderr).toContain('relation "public.SequelizeMeta" does not exist');
    expect(result.stderr).not.toMatch(/it is marked failed until/);
    // What it did outside a transaction stays: that is why the message tells the user to look.
    expect(await tableExists(url, 'half_done')).toBe(true);
  });
});

describe("a file that opens its own transaction", () => {
  it('joins the file transaction as a savepoint on the same connection, managed or not, passed on or not', async () => {
    const result = await up('own-transaction');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await appliedNames(url)).toEqual([
      '20240904000000-createLedger',
      '20240905000000-managedInnerTransaction',
      '20240906000000-unmanagedInnerTransaction',
    ]);
    const rows = await query<{ note: string; backend: number }>(url, 'SELECT note, backend FROM ledger_entries ORDER BY id');
    expect(rows.map((row) => row.note)).toEqual(['outer', 'managed', 'unmanaged, passed', 'unmanaged, not passed']);
    // One backend per file: the inner transactions were not second connections.
    expect(rows[1]!.backend).toBe(rows[0]!.backend);
    expect(rows[3]!.backend).toBe(rows[2]!.backend);
    expect(await updownSessions(url)).toEqual([]);
  });

  it('reverts the same way: down --all runs the managed inner transactions as savepoints', async () => {
    expect((await up('own-transaction')).code).toBe(0);
    const down = await runCli(['migrate', 'down', '--all', '--url', url, '--dir', fixtureDir('own-transaction'), '--ddl-lock-timeout', '2s', '--lock-retries', '0']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(await appliedNames(url)).toEqual([]);
    expect(await tableExists(url, 'ledger_entries')).toBe(false);
  });

  it('stays atomic: a throw after the inner block rolls the inner work back too', async () => {
    const result = await up('own-transaction-throws');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('throwsAfterInnerBlock fails on purpose');
    expect(result.stderr).toContain('its changes were rolled back and nothing was recorded');
    expect(await tableExists(url, 'made_inside')).toBe(false);
    expect(await query(url, "SELECT note FROM ledger_entries WHERE note = 'inside'")).toEqual([]);
    expect(await appliedNames(url)).toEqual(['20240904000000-createLedger']);
  });
});

describe('a table with two ENUM columns (Sequelize overlaps queries on one client)', () => {
  it("applies without pg's deprecation warning in the output", async () => {
    const result = await spawnCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('two-enums')]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/DeprecationWarning|already executing a query/);
    expect(await tableExists(url, 'tickets')).toBe(true);
  });
});

describe('ES modules', () => {
  it.each([
    ['an .mjs file', 'esm-modules/mjs', 'things', '20240930000000-createThings'],
    ['a .js file in a "type": "module" package', 'esm-modules/type-module', 'module_things', '20240930000000-createModuleThings'],
  ])('%s is imported, applied and reverted', async (_what, scenario, table, name) => {
    const dir = fixtureDir(scenario);
    const applied = await spawnCli(['migrate', 'up', '--url', url, '--dir', dir]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(await tableExists(url, table)).toBe(true);
    expect(await appliedNames(url)).toEqual([name]);
    const reverted = await spawnCli(['migrate', 'down', '--url', url, '--dir', dir]);
    expect(reverted.code).toBe(0);
    expect(await tableExists(url, table)).toBe(false);
  });
});

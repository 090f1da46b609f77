import { runCli, spawnCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, resetDatabase, tableExists } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_exit');
});
afterEach(async () => {
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const migrate = (args: string[], scenario = 'basic') => runCli(['migrate', ...args, '--url', url, '--dir', fixtureDir(scenario)]);

describe('the exit code of a real process', () => {
  // The only spawns here: the code must reach the shell, not only main()'s return value.
  it('is 0 when done and 1 when a migration fails', async () => {
    const done = await spawnCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('counted')]);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/3 migrations applied/);
    const failed = await spawnCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('fails-halfway'), '--schema', 'other']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('20240202000000-createDoomed.ts failed (up)');
  });

  it('is 2 for a refusal', async () => {
    const refused = await spawnCli(['migrate', 'up', '--step', '0', '--url', url, '--dir', fixtureDir('basic')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--step/);
  });
});

describe('0: done, or nothing to do', () => {
  it('up on a fresh database, then again', async () => {
    expect((await migrate(['up'])).code).toBe(0);
    const again = await migrate(['up']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to do/);
    expect(again.stdout).not.toMatch(/migrated/);
  });

  it('DATABASE_URL is used when --url is not given', async () => {
    const result = await runCli(['migrate', 'up', '--dir', fixtureDir('counted')], { env: { DATABASE_URL: url } });
    expect(result.code).toBe(0);
    expect(await appliedNames(url)).toHaveLength(3);
  });

  it('down with nothing applied', async () => {
    const result = await migrate(['down']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/nothing to do/);
  });
});

describe('1: a migration failed, or status --check found something', () => {
  it('a failing migration', async () => {
    const result = await migrate(['up'], 'fails-halfway');
    expect(result.code).toBe(1);
    expect(await tableExists(url, 'doomed')).toBe(false);
  });

  it('status --check exits 1 while anything is pending and 0 once all is applied; plain status exits 0', async () => {
    expect((await migrate(['status'])).code).toBe(0);
    const pending = await migrate(['status', '--check']);
    expect(pending.code).toBe(1);
    expect(pending.stdout).toMatch(/3 pending/);
    expect((await migrate(['up'])).code).toBe(0);
    expect((await migrate(['status', '--check'])).code).toBe(0);
  });
});

describe('2: refused, and nothing touched', () => {
  it.each([
    ['--step 0', ['up', '--step', '0']],
    ['--step -1', ['down', '--step', '-1']],
    ['--step abc', ['up', '--step', 'abc']],
    ['--to an unknown name', ['up', '--to', '20990101000000-nope']],
    ['down --to an unknown name', ['down', '--to', 'nope']],
    ['an unknown option', ['up', '--bogus']],
    ['an unknown command', ['sideways']],
    ['--to with --step', ['up', '--to', '20240101000000-createWidgets', '--step', '1']],
    ['--all with --step', ['down', '--all', '--step', '1']],
    ['a lock timeout that is not a duration', ['up', '--lock-timeout', 'soon']],
  ])('%s', async (_, args) => {
    const result = await migrate(args);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toBe('');
    expect(await appliedNames(url)).toEqual([]);
    expect(await tableExists(url, 'widgets')).toBe(false);
  });

  it('a missing --dir folder', async () => {
    const result = await runCli(['migrate', 'up', '--url', url, '--dir', '/nonexistent/updown/migrations']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/nonexistent/updown/migrations does not exist');
  });
});

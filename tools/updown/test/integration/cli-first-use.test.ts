/**
 * Issue 10, the rough edges a new user hits first: `--help` of every command shows examples and
 * the exit codes; every error and warning has the same prefix; `seed run` of an unknown name points
 * at `seed status`; `--url` is checked before connecting; `up --to` an applied file is nothing to do.
 */
import { onlyJson, runCli, spawnCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, resetDatabase } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_first_use');
});
afterEach(async () => {
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

/** The subcommands a group's help lists (`up`, `down`, …), from commander's own listing. */
async function subcommands(group: string[]): Promise<string[]> {
  const { stdout } = await runCli([...group, '--help']);
  const listing = stdout.split('Commands:\n')[1]?.split('\n\n')[0] ?? '';
  return listing
    .split('\n')
    .map((line) => /^ {2}(\S+)/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name) && name !== 'help');
}

describe('--help', () => {
  it('of every command shows examples of that command and the exit codes, and exits 0', async () => {
    const leaves: string[][] = [];
    for (const top of await subcommands([])) {
      const below = await subcommands([top]);
      if (below.length === 0) leaves.push([top]);
      for (const name of below) leaves.push([top, name]);
    }
    expect(leaves).toEqual(expect.arrayContaining([['migrate', 'up'], ['migrate', 'create'], ['seed', 'run'], ['db', 'fresh'], ['adopt']]));
    for (const leaf of leaves) {
      const help = await runCli([...leaf, '--help']);
      const shown = { command: leaf.join(' '), code: help.code };
      expect(shown).toEqual({ command: leaf.join(' '), code: 0 });
      const [, examples = ''] = help.stdout.split('\nExamples:\n');
      expect({ command: shown.command, example: examples.includes(`$ updown ${leaf.join(' ')}`) || examples.includes(`updown ${leaf.join(' ')}`) }).toEqual({
        command: shown.command,
        example: true,
      });
      expect(help.stdout).toMatch(/\nExit codes:\n +0 {2}done/);
      expect(help.stdout).toMatch(/\n +2 {2}refused/);
    }
  });

  it('of a command that changes the database lists every code of the contract, with what 1 means there', async () => {
    const up = (await runCli(['migrate', 'up', '--help'])).stdout;
    for (const code of [0, 1, 2, 3, 4, 130, 143]) expect(up).toMatch(new RegExp(`\\n +${code} {2}\\S`));
    expect((await runCli(['migrate', 'status', '--help'])).stdout).toMatch(/\n +1 {2}with --check: something is pending, invalid/);
  });
});

describe('one prefix style', () => {
  it('a usage error from commander, a refusal from updown and a warning all read `error: …` / `warning: …`', async () => {
    const unknownOption = await runCli(['migrate', 'up', '--nosuch']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/^error: unknown option '--nosuch'/m);

    const refused = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('basic'), '--to', '20990101000000-nope']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: --to 20990101000000-nope: no file has that name/m);

    const failed = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('bad-sql')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: \S+selectMissingTable\.ts failed \(up\)/m);
    // Nothing on stderr starts with another prefix (`updown:`, a bare `error `, `Error:`).
    for (const result of [unknownOption, refused, failed]) {
      for (const line of result.stderr.split('\n')) expect(line).not.toMatch(/^(updown:|error |warning |Error:)/);
    }
  });
});

describe('seed run NAME', () => {
  it('of a name that is not there refuses (exit 2) and points at `updown seed status`', async () => {
    const dir = `${fixtureDir('seeds-environments')}/seeds`;
    const result = await runCli(['seed', 'run', 'nosuch', '--url', url, '--dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: no file named nosuch in \S+seeds: `updown seed status` lists the names/m);
  });
});

describe('--url is checked before connecting', () => {
  const status = (args: string[], env?: Record<string, string>) => runCli(['migrate', 'status', '--dir', fixtureDir('basic'), ...args], { env });

  it.each([
    ['notaurl', /the database URL notaurl \(from --url\) is not a URL \(no scheme such as postgres:\/\/\): write it as postgres:\/\/user:password@host:5432\/database/],
    ['mysql://root:s3cret@db:3306/app', /the database URL mysql:\/\/root:\*\*\*\*@db:3306\/app \(from --url\) is a mysql: URL; updown works with PostgreSQL only/],
    ['postgres://app@db:fivefourthreetwo/app', /\(from --url\) cannot be read as a URL \(a port that is not a number\?/],
  ])('%s: exit 2 with what is wrong, no connection attempted, no password shown', async (given, message) => {
    const result = await status(['--url', given]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/cannot connect|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|s3cret/);
    expect(result.stdout).toBe('');
  });

  it('names DATABASE_URL when the URL came from there, and --json says it in one document', async () => {
    const result = await status(['--json'], { DATABASE_URL: 'localhost:5432/app' });
    expect(result.code).toBe(2);
    const doc = onlyJson<{ ok: boolean; error: { type: string; message: string } }>(result.stdout);
    expect(doc).toMatchObject({ ok: false, error: { type: 'UsageError' } });
    expect(doc.error.message).toMatch(/the database URL localhost:5432\/app \(from DATABASE_URL\) is not a URL \(no scheme/);
  });

  it('a real PostgreSQL URL (postgres:// or postgresql://) still works', async () => {
    expect((await status(['--url', url])).code).toBe(0);
    expect((await status(['--url', url.replace(/^postgres:/, 'postgresql:')])).code).toBe(0);
  });
});

describe('up --to NAME where NAME is already applied', () => {
  const BASIC = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];
  const up = (...args: string[]) => runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('basic'), ...args]);

  it('is nothing to do (exit 0), so a deploy step can be rerun; the pending files after it stay pending', async () => {
    const first = await up('--to', BASIC[1]);
    expect(first.code).toBe(0);
    expect(await appliedNames(url)).toEqual(BASIC.slice(0, 2));

    for (const to of [BASIC[1], BASIC[0], `${BASIC[1]}.ts`]) {
      const again = await up('--to', to);
      expect({ to, code: again.code, stderr: again.stderr }).toEqual({ to, code: 0, stderr: '' });
      expect(again.stdout).toMatch(new RegExp(`nothing to do: every migration up to ${to.replace('.', '\\.')} is applied`));
    }
    expect(await appliedNames(url)).toEqual(BASIC.slice(0, 2));
  });

  it('in a real process too, with --json: exit 0 and an empty executed list', async () => {
    expect((await up()).code).toBe(0);
    const rerun = await spawnCli(['migrate', 'up', '--to', BASIC[2], '--json', '--url', url, '--dir', fixtureDir('basic')]);
    expect(rerun.code).toBe(0);
    expect(onlyJson(rerun.stdout)).toMatchObject({ ok: true, executed: [] });
  });
});

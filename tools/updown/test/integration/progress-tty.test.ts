/**
 * Issue 10: on a terminal, a file that runs for more than a second shows that it is running and
 * for how long, and `db fresh` and `verify` show `n of N`. A real pseudo-terminal (`script` from
 * util-linux) proves the wiring end to end; the timing logic itself is unit-tested with a fake
 * clock (test/unit/progress.test.ts). The sleeping file sleeps 2.5 s, well past the 1 s threshold.
 */
import { execFile } from 'node:child_process';
import { BIN, REPO_ROOT, spawnCli, stripAnsi } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, resetDatabase } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

const SLEEPER = '20240102000000-sleepsLong';
const hasScript = new Promise<boolean>((resolve) => execFile('script', ['--version'], (error) => resolve(!error)));

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_progress_tty');
});
afterEach(async () => {
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI with stdout (and stderr) on a pseudo-terminal; returns what the terminal received. */
function onTerminal(args: string[]): Promise<{ code: number; screen: string }> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', UPDOWN_FIXTURE_SLEEP: '2.5' };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    execFile('script', ['--quiet', '--return', '--command', command, '/dev/null'], { cwd: REPO_ROOT, env }, (error, stdout) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, screen: stripAnsi(stdout) });
    });
  });
}

it('db fresh on a terminal: the long file is shown running, with n of N and its time, then its migrated line', async () => {
  if (!(await hasScript)) return console.warn('skipped: no `script` (util-linux) to make a pseudo-terminal');
  const { code, screen } = await onTerminal(['db', 'fresh', '--url', url, '--dir', fixtureDir('sleeps')]);
  expect(code).toBe(0);
  expect(screen).toMatch(new RegExp(`\\r\\u001b\\[Kmigrating ${SLEEPER} \\(2 of 2, [12]\\.\\d s\\)`));
  // Erased before the line that reports it, and never shown for the quick first file.
  expect(screen).toMatch(new RegExp(`\\r\\u001b\\[K(\\r\\n)?migrated  ${SLEEPER} \\(\\d+ ms\\)`));
  expect(screen).not.toMatch(/migrating 20240101000000-createTimers/);
});

it('migrate verify on a terminal shows the file being verified, n of N', async () => {
  if (!(await hasScript)) return;
  const { code, screen } = await onTerminal(['migrate', 'verify', '--all', '--url', url, '--dir', fixtureDir('sleeps')]);
  expect(code).toBe(0);
  expect(screen).toMatch(new RegExp(`verifying ${SLEEPER} \\(2 of 2, \\d\\.\\d s\\)`));
  expect(screen).toMatch(/reversible +20240102000000-sleepsLong/);
});

it('piped (not a terminal), the same run prints no status line', async () => {
  const result = await spawnCli(['db', 'fresh', '--url', url, '--dir', fixtureDir('sleeps')], { env: { UPDOWN_FIXTURE_SLEEP: '1.5' } });
  expect(result.code).toBe(0);
  expect(result.stdout).not.toMatch(/migrating|\u001b\[K/);
});

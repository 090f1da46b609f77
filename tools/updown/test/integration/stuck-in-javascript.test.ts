/**
 * Issue 10: a migration stuck in JavaScript (an `await` that never resolves, with a timer keeping
 * the event loop alive) stops on the first SIGINT/SIGTERM within a few seconds: its transaction
 * rolled back, the lock released, exit 130/143 with a message. The run used to print the message
 * and then hang, held open by the migration's own timer.
 */
import { spawnCli, startCli, type Started } from '../helpers/cli';
import { advisoryLocks, appliedNames, createScratchDatabase, dropScratchDatabase, resetDatabase, tableExists, updownSessions } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';
import { waitUntil } from '../helpers/wait';

const DIR = fixtureDir('stuck-in-javascript');
const FILES = ['20240101000000-createTimers', '20240102000000-waitsForever'];

let url: string;
const started: Started[] = [];
beforeAll(async () => {
  url = await createScratchDatabase('updown_stuck_js');
});
afterEach(async () => {
  for (const run of started.splice(0)) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s while a file awaits forever', (signal, exitCode) => {
  it.each([[[]], [['--json']]])(`exits ${exitCode} within a few seconds, rolled back and unlocked (%j)`, async (extra) => {
    const run = startCli(['migrate', 'up', '--url', url, '--dir', DIR, ...extra], { env: { UPDOWN_FIXTURE_WAIT: 'forever' } });
    started.push(run);
    await waitUntil('the file to be stuck', () => run.output.stderr.includes('waiting forever'), 20_000);
    expect(await advisoryLocks(url)).toEqual([expect.objectContaining({ granted: true })]);

    const signalled = Date.now();
    run.child.kill(signal); // once
    const result = await run.exited;
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(exitCode);
    const said = extra.length ? (JSON.parse(result.stdout) as { error: { message: string } }).error.message : result.stderr;
    expect(said).toContain(`interrupted by ${signal} while running ${DIR}/${FILES[1]}.ts: any running statement was cancelled and its transaction rolled back, nothing was recorded for it`);

    expect(await advisoryLocks(url)).toEqual([]);
    await waitUntil('updown sessions to end', async () => (await updownSessions(url)).length === 0, 5_000);
    expect(await tableExists(url, 'waiters')).toBe(false);
    expect(await appliedNames(url)).toEqual([FILES[0]]);

    const rerun = await spawnCli(['migrate', 'up', '--url', url, '--dir', DIR], { env: { UPDOWN_FIXTURE_WAIT: '0' } });
    expect(rerun.code).toBe(0);
    expect(await appliedNames(url)).toEqual(FILES);
  });
});

it('a run that finishes while a migration left a timer running still exits, with its code', async () => {
  // Without the exit after main(), this process would never end (and the test would time out).
  const run = await spawnCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('leaves-timer')]);
  expect(run.code).toBe(0);
  expect(await appliedNames(url)).toEqual(['20240101000000-startsTimer']);
});

/**
 * Issue 3, interrupts: a real CLI process stopped while a migration runs (SIGTERM, SIGINT, SIGKILL).
 * The file in flight must be rolled back on the server, its statement must stop, the runner lock
 * must be released, and a rerun must apply the file exactly once.
 */
import { spawnCli, startCli, type Started } from '../helpers/cli';
import { advisoryLocks, appliedNames, backendsRunning, createScratchDatabase, dropScratchDatabase, resetDatabase, tableExists, trackingRows, updownSessions } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';
import { waitUntil } from '../helpers/wait';

const SLEEPS = ['20240101000000-createTimers', '20240102000000-sleepsLong'];
const SLEEPER = `${fixtureDir('sleeps')}/${SLEEPS[1]}.ts`;

let url: string;
const started: Started[] = [];

beforeAll(async () => {
  url = await createScratchDatabase('updown_safety_interrupts');
});
afterEach(async () => {
  // Only after a failed test: a runner still alive is stopped, so the database can be reset.
  for (const run of started.splice(0)) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const upArgs = () => ['migrate', 'up', '--url', url, '--dir', fixtureDir('sleeps')];

/** Starts `migrate up` on sleeps/ (or another folder) and returns once the server is inside pg_sleep for it. */
async function startSleeping(args = upArgs()) {
  const run = startCli(args, { env: { UPDOWN_FIXTURE_SLEEP: '30' } });
  started.push(run);
  const [sleeper] = await waitUntil('pg_sleep to run on the server', async () => {
    const rows = await backendsRunning(url, 'pg_sleep');
    return rows.length > 0 && rows;
  }, 20_000);
  expect(sleeper.application_name).toMatch(/^updown migrations up \(pid \d+/);
  return { run, sleeperPid: sleeper.pid };
}

/** After the runner is gone: no statement, no lock, no session, nothing of the file. */
async function expectNothingLeft(): Promise<void> {
  expect(await advisoryLocks(url)).toEqual([]);
  expect(await updownSessions(url)).toEqual([]);
  expect(await tableExists(url, 'sleepers')).toBe(false);
  expect(await appliedNames(url)).toEqual([SLEEPS[0]]);
}

/** A rerun that does not sleep applies the interrupted file, once. */
async function expectRerunAppliesItOnce(): Promise<void> {
  const rerun = await spawnCli(upArgs(), { env: { UPDOWN_FIXTURE_SLEEP: '0' } });
  expect(rerun.stderr).toBe('');
  expect(rerun.code).toBe(0);
  expect(rerun.stdout.match(/migrated +\S+/g)).toEqual([`migrated  ${SLEEPS[1]}`]);
  expect(await appliedNames(url)).toEqual(SLEEPS);
  expect(await tableExists(url, 'sleepers')).toBe(true);
  const again = await spawnCli(upArgs(), { env: { UPDOWN_FIXTURE_SLEEP: '0' } });
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/nothing to do/);
}

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s while a migration runs', (signal, exitCode) => {
  it(`exits ${exitCode}, names the file, cancels its statement, rolls it back and releases the lock`, async () => {
    const { run, sleeperPid } = await startSleeping();
    expect(await advisoryLocks(url)).toEqual([expect.objectContaining({ granted: true })]);
    const signalled = Date.now();
    run.child.kill(signal);
    const result = await run.exited;

    expect(result.signal).toBeNull();
    expect(result.code).toBe(exitCode);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    const error = result.stderr.split('\n').find((line) => line.startsWith('error'))!;
    expect(error).toContain(`interrupted by ${signal} while running ${SLEEPER}`);
    expect(error).toMatch(/rolled back, nothing was recorded for it/);
    expect(result.stdout).toMatch(new RegExp(`migrated +${SLEEPS[0]}`));
    expect(result.stdout).not.toMatch(new RegExp(`migrated +${SLEEPS[1]}`));

    // The server stopped the sleep within a couple of seconds (it would run 30 s otherwise).
    await waitUntil('the cancelled pg_sleep to end', async () => (await backendsRunning(url, 'pg_sleep')).every((row) => row.pid !== sleeperPid), 2_000);
    await expectNothingLeft();
    await expectRerunAppliesItOnce();
  });
});

it('SIGKILL: the server notices the dead runner, rolls back its transaction and drops its lock; a rerun applies the file once', async () => {
  const { run, sleeperPid } = await startSleeping();
  run.child.kill('SIGKILL');
  const result = await run.exited;
  expect(result.signal).toBe('SIGKILL');

  // No cleanup ran in the client: the server finds the closed socket (client_connection_check_interval = 2s).
  const killed = Date.now();
  await waitUntil('the killed runner’s backend to end', async () => (await backendsRunning(url, 'pg_sleep')).every((row) => row.pid !== sleeperPid), 10_000);
  expect(Date.now() - killed).toBeLessThan(5_000); // not the 30 s of the sleep
  await waitUntil('the runner lock to be released', async () => (await advisoryLocks(url)).length === 0, 5_000);
  await expectNothingLeft();
  await expectRerunAppliesItOnce();
});

it('SIGTERM during a file that runs outside a transaction: exit 143, and the file is marked failed, not forgotten', async () => {
  const dir = fixtureDir('sleeps-outside-transaction');
  const name = '20240102000000-sleepsOutside';
  const { run, sleeperPid } = await startSleeping(['migrate', 'up', '--url', url, '--dir', dir]);
  run.child.kill('SIGTERM');
  const result = await run.exited;

  // Nothing could be rolled back: what it did stays, and the history must say so.
  await waitUntil('the cancelled pg_sleep to end', async () => (await backendsRunning(url, 'pg_sleep')).every((row) => row.pid !== sleeperPid), 2_000);
  expect(await tableExists(url, 'outside_sleepers')).toBe(true);
  expect((await trackingRows(url)).map(({ name, state }) => [name, state])).toEqual([[name, 'failed']]);
  expect(await advisoryLocks(url)).toEqual([]);
  expect(result.stderr).toContain(`${dir}/${name}.ts`);
  expect(result.stderr).toMatch(/outside a transaction/);
  expect(result.code).toBe(143); // interrupted, as for any other file (1 would say the migration itself failed)

  const rerun = await spawnCli(['migrate', 'up', '--url', url, '--dir', dir], { env: { UPDOWN_FIXTURE_SLEEP: '0' } });
  expect(rerun.code).toBe(2);
  expect(rerun.stderr).toContain(`repair --accept ${name}`);
});

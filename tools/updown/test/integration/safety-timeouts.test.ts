/**
 * Issue 3, timeouts and retries: lock_timeout against a table another session holds, retried with
 * backoff and rolled back each time; a file's own `timeouts`; statement_timeout; and the session
 * settings really in force inside a migration. Real PostgreSQL, a real blocking session.
 */
import { Client } from 'pg';
import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, columnExists, createScratchDatabase, dropScratchDatabase, query, resetDatabase, tableExists } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';
import { sleep, waitUntil } from '../helpers/wait';

const LEDGERS = ['20240801000000-createLedgers', '20240802000000-addLedgerMemo'];
const PATIENT = '20240802000000-addLedgerMemoPatiently';
const SLEEPS = ['20240101000000-createTimers', '20240102000000-sleepsLong'];

let url: string;
let blocker: Client | undefined;

beforeAll(async () => {
  url = await createScratchDatabase('updown_safety_timeouts');
});
afterEach(async () => {
  await blocker?.end().catch(() => undefined);
  blocker = undefined;
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

function migrate(scenario: string, ...args: string[]) {
  return runCli(['migrate', ...args, '--url', url, '--dir', fixtureDir(scenario)]);
}

/** Another session that holds ACCESS EXCLUSIVE on `table` in an open transaction until it commits. */
async function holdTable(table: string): Promise<Client> {
  blocker = new Client({ connectionString: url, application_name: 'safety-timeouts blocker' });
  await blocker.connect();
  await blocker.query('BEGIN');
  await blocker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return blocker;
}

/** The lines of stderr that report a lock_timeout retry, as [attempt, of]. */
function retryLines(stderr: string): [number, number][] {
  return stderr
    .split('\n')
    .filter((line) => line.includes('55P03') && /attempt \d+ of \d+/.test(line))
    .map((line) => {
      const [, attempt, of] = /attempt (\d+) of (\d+)/.exec(line)!;
      return [Number(attempt), Number(of)];
    });
}

describe('a table held ACCESS EXCLUSIVE by another session', () => {
  beforeEach(async () => {
    expect((await migrate('blocked-alter', 'up', '--to', LEDGERS[0])).code).toBe(0);
  });

  it('each attempt waits lock_timeout, is rolled back and logged; after the last one it exits 1 with 55P03, nothing changed', async () => {
    await holdTable('ledgers');
    const started = Date.now();
    const result = await migrate('blocked-alter', 'up', '--ddl-lock-timeout', '200ms', '--lock-retries', '2');
    const elapsed = Date.now() - started;

    expect(result.code).toBe(1);
    expect(retryLines(result.stderr)).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(result.stderr).toMatch(/attempt 1 of 3; rolled back, retrying in 500 ms/);
    expect(result.stderr).toMatch(/attempt 2 of 3; rolled back, retrying in 1000 ms/);
    const error = result.stderr.split('\n').find((line) => line.startsWith('error'))!;
    expect(error).toContain(`${LEDGERS[1]}.ts failed (up) [55P03]`);
    expect(error).toMatch(/lock timeout/i);
    expect(error).toMatch(/rolled back and nothing was recorded/);
    // Three attempts of 200 ms, and the backoff between them (500 + 1000 ms).
    expect(elapsed).toBeGreaterThanOrEqual(3 * 200 + 1_500);
    expect(elapsed).toBeLessThan(15_000);

    expect(await columnExists(url, 'ledgers', 'memo')).toBe(false);
    expect(await tableExists(url, 'ledger_notes')).toBe(false); // each attempt's first statement rolled back too
    expect(await appliedNames(url)).toEqual([LEDGERS[0]]);
  });

  it('--json reports the failure with code 55P03', async () => {
    await holdTable('ledgers');
    const result = await migrate('blocked-alter', 'up', '--ddl-lock-timeout', '100ms', '--lock-retries', '0', '--json');
    expect(result.code).toBe(1);
    expect(onlyJson(result.stdout)).toMatchObject({ ok: false, executed: [], error: { code: '55P03', migration: LEDGERS[1] } });
    expect(retryLines(result.stderr)).toEqual([]); // --lock-retries 0: no retry
  });

  it('when the other session lets go during the retries, the next attempt succeeds', async () => {
    const holder = await holdTable('ledgers');
    const run = migrate('blocked-alter', 'up', '--ddl-lock-timeout', '200ms', '--lock-retries', '3');
    await waitUntil('the first retry to be logged', () => run.output.stderr.includes('attempt 1 of 4'));
    await holder.query('COMMIT');
    const result = await run;

    expect(result.code).toBe(0);
    expect(retryLines(result.stderr).length).toBeGreaterThanOrEqual(1);
    expect(result.stdout).toMatch(new RegExp(`migrated +${LEDGERS[1]}`));
    expect(await columnExists(url, 'ledgers', 'memo')).toBe(true);
    expect(await tableExists(url, 'ledger_notes')).toBe(true);
    expect(await appliedNames(url)).toEqual(LEDGERS);
  });
});

it("a file's own `timeouts = { lock }` beats --ddl-lock-timeout: it waits for the lock instead of failing", async () => {
  expect((await migrate('lock-timeout-override', 'up', '--to', LEDGERS[0])).code).toBe(0);
  const holder = await holdTable('ledgers');
  const started = Date.now();
  const run = migrate('lock-timeout-override', 'up', '--ddl-lock-timeout', '200ms', '--lock-retries', '0');
  // Well past the flag's 200 ms, the ALTER is still waiting for the lock (not failed, not retried).
  await waitUntil('the ALTER to wait for the lock', async () => (await query(url, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE ledgers%'")).length > 0);
  await sleep(1_000);
  expect(run.output.stderr).toBe('');
  expect(await query(url, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE ledgers%'")).toHaveLength(1);
  await holder.query('COMMIT');

  const result = await run;
  // The only thing said: lint's warning that the file raises lock_timeout past the run's (src/lint/rules/lock-timeout.ts).
  expect(result.stderr).toMatch(/^warning: lock-timeout \S+-addLedgerMemoPatiently: took ACCESS EXCLUSIVE on ledgers with lock_timeout 10s, raised past the run's 200ms\n/);
  expect(result.stderr.split('\n').filter((line) => /^(warning|error)/.test(line))).toHaveLength(1);
  expect(result.code).toBe(0);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  expect(result.stdout).toMatch(new RegExp(`migrated +${PATIENT}`));
  expect(await columnExists(url, 'ledgers', 'memo')).toBe(true);
  expect(await appliedNames(url)).toEqual([LEDGERS[0], PATIENT]);
});

it('pg_sleep past --statement-timeout exits 1 with 57014, and nothing of the file is recorded or left', async () => {
  const started = Date.now();
  const result = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('sleeps'), '--statement-timeout', '1s'], {
    env: { UPDOWN_FIXTURE_SLEEP: '5' },
  });
  expect(result.code).toBe(1);
  expect(Date.now() - started).toBeLessThan(5_000); // stopped by the timeout, not by the end of the 5 s sleep
  const error = result.stderr.split('\n').find((line) => line.startsWith('error'))!;
  expect(error).toContain(`${SLEEPS[1]}.ts failed (up) [57014]`);
  expect(error).toMatch(/statement timeout/);
  expect(await appliedNames(url)).toEqual([SLEEPS[0]]);
  expect(await tableExists(url, 'timers')).toBe(true);
  expect(await tableExists(url, 'sleepers')).toBe(false);
});

describe('the session settings inside a migration', () => {
  interface Seen extends Record<string, unknown> {
    file: string;
    lock_ms: number;
    statement_ms: number;
    check_ms: number;
    in_transaction: boolean;
  }
  const seen = () =>
    query<Seen>(url, 'SELECT file, lock_ms, statement_ms, check_ms, in_transaction FROM settings_seen ORDER BY file');

  it('are the flags, or a file’s own timeouts, in a transaction and outside one', async () => {
    const result = await migrate('records-settings', 'up', '--ddl-lock-timeout', '700ms', '--statement-timeout', '20s');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await seen()).toEqual([
      { file: 'createSettingsSeen', lock_ms: 700, statement_ms: 20_000, check_ms: 2_000, in_transaction: true },
      { file: 'outsideTransaction', lock_ms: 700, statement_ms: 20_000, check_ms: 2_000, in_transaction: false },
      { file: 'ownTimeouts', lock_ms: 1_500, statement_ms: 45_000, check_ms: 2_000, in_transaction: true },
    ]);
    const [text] = await query(url, "SELECT lock_timeout, statement_timeout, check_interval FROM settings_seen WHERE file = 'ownTimeouts'");
    expect(text).toEqual({ lock_timeout: '1500ms', statement_timeout: '45s', check_interval: '2s' });
  });

  it('are the documented defaults without flags (lock 5s, statement 15m)', async () => {
    expect((await migrate('records-settings', 'up')).code).toBe(0);
    expect(await seen()).toEqual([
      { file: 'createSettingsSeen', lock_ms: 5_000, statement_ms: 900_000, check_ms: 2_000, in_transaction: true },
      { file: 'outsideTransaction', lock_ms: 5_000, statement_ms: 900_000, check_ms: 2_000, in_transaction: false },
      { file: 'ownTimeouts', lock_ms: 1_500, statement_ms: 45_000, check_ms: 2_000, in_transaction: true },
    ]);
  });
});

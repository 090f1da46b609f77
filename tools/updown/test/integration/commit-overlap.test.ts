/**
 * While the server flushes one file's COMMIT, the next file's JavaScript already runs (executor.ts).
 * What must hold: none of its statements is sent before that COMMIT has landed; a COMMIT that fails
 * is reported as its own file's failure, first; a lock timeout at COMMIT is retried as before;
 * files are reported started and done in order; and reporting a file does not hold back the next
 * file's statements, only its COMMIT.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { up as upApi } from '../../src/api';
import { resolveOptions } from '../../src/config';
import { runCli, startCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, query, resetSchema, tableExists, updownSessions } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';
import { waitUntil } from '../helpers/wait';

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_overlap');
});
afterEach(async () => {
  await resetSchema(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const upArgs = (scenario: string, ...flags: string[]) => ['migrate', 'up', '--url', url, '--dir', fixtureDir(scenario), ...flags];

/** Another session holding the lock `lockSql` takes, in an open transaction, while `during` runs. */
async function whileHeld(lockSql: string, during: (held: Client) => Promise<void>): Promise<void> {
  const held = new Client({ connectionString: url, application_name: 'commit-overlap blocker' });
  await held.connect();
  try {
    await held.query('BEGIN');
    await held.query(lockSql);
    await during(held);
  } finally {
    await held.end();
  }
}

it("runs the next file's JavaScript while the COMMIT before it is on its way, and sends its statement after", async () => {
  const startedAtFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'updown-overlap-')), 'started-at');
  const result = await runCli(upArgs('commit-overlap'), { env: { UPDOWN_TEST_STARTED_AT_FILE: startedAtFile } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const startedAt = Number(fs.readFileSync(startedAtFile, 'utf8'));
  const [{ ended_at: committedAt }] = await query<{ ended_at: Date }>(url, 'SELECT ended_at FROM commit_marks');
  // The trigger sleeps 300 ms inside the first file's COMMIT: the second file started before it ended.
  expect(startedAt).toBeLessThan(committedAt.getTime());
  expect(await appliedNames(url)).toEqual(['20241201000000-slowCommit', '20241202000000-notesWhenItStarts']);
  expect(await tableExists(url, 'after_slow')).toBe(true);
  expect(result.stdout.indexOf('20241201000000-slowCommit')).toBeLessThan(result.stdout.indexOf('20241202000000-notesWhenItStarts'));
});

it.each([
  ['one transaction per file', []],
  ['--single-transaction', ['--single-transaction']],
])('reports the failed COMMIT, not the next file that threw while it was on its way (%s)', async (_mode, flags) => {
  const result = await runCli(upArgs('commit-fails-next-throws', '--lock-retries', '0', ...flags));
  expect(result.code).toBe(1);
  // In one transaction the deferred key is checked at the end, after every file.
  if (flags.length === 0) {
    expect(result.stderr).toContain('20240902000000-addOrphanPlayer.ts failed (up) [23503]');
    expect(result.stderr).toContain('it failed at COMMIT, so PostgreSQL rolled it back');
    expect(result.stderr).not.toContain('throwsAtOnce ran');
    expect(await appliedNames(url)).toEqual(['20240901000000-createTeamsAndPlayers']);
    expect(result.stdout).toContain('20240901000000-createTeamsAndPlayers');
    expect(result.stdout).not.toContain('20240902000000-addOrphanPlayer');
  } else {
    expect(result.stderr).toContain('throwsAtOnce ran although the file before it did not commit');
    expect(await appliedNames(url)).toEqual([]);
  }
  expect(await tableExists(url, 'orphan_marker')).toBe(false);
  expect(await updownSessions(url)).toEqual([]);
});

describe('a lock timeout at COMMIT (a deferred foreign key waiting for a row lock)', () => {
  beforeEach(async () => {
    await query(
      url,
      `CREATE TABLE accounts (id integer PRIMARY KEY);
       CREATE TABLE transfers (account_id integer NOT NULL REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED);
       INSERT INTO accounts VALUES (1)`,
    );
  });

  it('is retried for that file while the next one waits; both then apply, in order', async () => {
    await whileHeld('SELECT * FROM accounts WHERE id = 1 FOR UPDATE', async (held) => {
      const run = startCli(upArgs('commit-lock-timeout-retried', '--ddl-lock-timeout', '300ms', '--lock-retries', '2'));
      await waitUntil('the first attempt to time out at COMMIT', () => run.output.stderr.includes('attempt 1 of 3'), 20_000);
      await held.query('COMMIT');
      const { code, stdout, stderr } = await run.exited;
      expect(code).toBe(0);
      expect(stderr).toContain('20241101000000-addTransfer: could not get a lock in time (55P03), attempt 1 of 3');
      expect(stderr).not.toContain('createAfterTransfer');
      expect(stdout.indexOf('20241101000000-addTransfer')).toBeLessThan(stdout.indexOf('20241102000000-createAfterTransfer'));
    });
    expect(await appliedNames(url)).toEqual(['20241101000000-addTransfer', '20241102000000-createAfterTransfer']);
    // The timed-out attempt was rolled back: one row, from the retry.
    expect(await query(url, 'SELECT account_id FROM transfers')).toEqual([{ account_id: 1 }]);
    expect(await tableExists(url, 'after_transfer')).toBe(true);
    expect(await updownSessions(url)).toEqual([]);
  });

  it('with no retries left, fails that file and sends nothing of the next', async () => {
    await whileHeld('SELECT * FROM accounts WHERE id = 1 FOR UPDATE', async () => {
      const result = await runCli(upArgs('commit-lock-timeout-retried', '--ddl-lock-timeout', '300ms', '--lock-retries', '0'));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('20241101000000-addTransfer.ts failed (up) [55P03]');
      expect(result.stderr).not.toContain('createAfterTransfer');
    });
    expect(await appliedNames(url)).toEqual([]);
    expect(await query(url, 'SELECT * FROM transfers')).toEqual([]);
    expect(await tableExists(url, 'after_transfer')).toBe(false);
  });
});

it.each([
  ['one transaction per file', []],
  ['--single-transaction', ['--single-transaction']],
])('retries a lock timeout in the file after a chained COMMIT in a transaction of its own (%s)', async (_mode, flags) => {
  await query(url, 'CREATE TABLE held_rows (id integer)');
  await whileHeld('LOCK TABLE held_rows IN ACCESS EXCLUSIVE MODE', async (held) => {
    const run = startCli(upArgs('second-file-blocked', '--ddl-lock-timeout', '300ms', '--lock-retries', '3', ...flags));
    await waitUntil('the first attempt to time out', () => run.output.stderr.includes('attempt 1 of 4'), 20_000);
    // While it waits to retry, the attempt that timed out has left nothing behind.
    expect(await tableExists(url, 'before_the_wait')).toBe(false);
    await held.query('COMMIT');
    const { code, stderr } = await run.exited;
    expect(stderr).toContain('20241111000000-alterHeldRows: could not get a lock in time (55P03), attempt 1 of 4');
    expect(code).toBe(0);
  });
  expect(await appliedNames(url)).toEqual(['20241110000000-createFirstDone', '20241111000000-alterHeldRows']);
  // The retry ran in a transaction of its own, not on the connection of the attempt rolled back.
  expect(await query(url, 'SELECT in_transaction FROM before_the_wait')).toEqual([{ in_transaction: true }]);
  expect(await updownSessions(url)).toEqual([]);
});

it('reports each file started, then done, in order, through the library API', async () => {
  const resolved = resolveOptions('migrations', { url, dir: fixtureDir('basic') }, { info: () => undefined, warn: () => undefined }, {}, __dirname).options;
  const events: string[] = [];
  const result = await upApi({
    ...resolved,
    url,
    onStarted: (item) => events.push(`started ${item.name}`),
    onExecuted: (item) => events.push(`done ${item.name}`),
  });
  expect(result.errors).toEqual([]);
  const names = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];
  expect(events).toEqual(names.flatMap((name) => [`started ${name}`, `done ${name}`]));
});

it("a library caller's onExecuted that throws stops the run with its own error; the file it was told about stays applied", async () => {
  const resolved = resolveOptions('migrations', { url, dir: fixtureDir('basic') }, { info: () => undefined, warn: () => undefined }, {}, __dirname).options;
  const result = await upApi({
    ...resolved,
    url,
    onExecuted: () => {
      throw new Error('the caller broke');
    },
  });
  expect(result.success).toBe(false);
  expect(result.errors.map((error) => error.message)).toEqual(['the caller broke']);
  expect(await appliedNames(url)).toEqual(['20240101000000-createWidgets']);
  expect(await tableExists(url, 'widgets')).toBe(true);
  expect(await updownSessions(url)).toEqual([]);
});

/** From a child process, so that it runs while the caller's thread is blocked: whether a session waits for a lock on `blocker`. */
function sessionWaitingForBlocker(): boolean {
  const script = `
    const { Client } = require('pg');
    const client = new Client({ connectionString: process.argv[1] });
    (async () => {
      await client.connect();
      const deadline = Date.now() + 10000;
      for (;;) {
        const { rows } = await client.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%waiting_for_blocker%' AND pid <> pg_backend_pid()");
        if (rows.length > 0 || Date.now() > deadline) { process.stdout.write(rows.length > 0 ? 'waiting' : 'not seen'); break; }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await client.end();
    })();`;
  return execFileSync(process.execPath, ['-e', script, url], { encoding: 'utf8', cwd: __dirname }) === 'waiting';
}

it("sends the next file's statement before the file before it is reported done", async () => {
  await query(url, 'CREATE TABLE blocker (id integer)');
  const resolved = resolveOptions('migrations', { url, dir: fixtureDir('next-sent-before-report') }, { info: () => undefined, warn: () => undefined }, {}, __dirname).options;
  const seenWhileReporting: boolean[] = [];
  await whileHeld('LOCK TABLE blocker IN ACCESS EXCLUSIVE MODE', async (held) => {
    const run = upApi({
      ...resolved,
      url,
      onExecuted: (item) => {
        // The thread is blocked here: only a statement written before this report can be waiting on the server.
        if (item.name === '20241210000000-createFirst') seenWhileReporting.push(sessionWaitingForBlocker());
      },
    });
    await waitUntil('the first file reported', () => seenWhileReporting.length > 0);
    await held.query('ROLLBACK');
    const result = await run;
    expect(result.errors).toEqual([]);
  });
  expect(seenWhileReporting).toEqual([true]);
  expect(await appliedNames(url)).toEqual(['20241210000000-createFirst', '20241211000000-readsBlocker']);
  expect(await tableExists(url, 'second_file')).toBe(true);
});

import { Client } from 'pg';
import { lockKey } from '../../src/lock';
import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

/** src/lock.ts's first key ("updw"); not exported, so computed the same way here. */
const LOCK_NAMESPACE = 0x75706477 & 0x7fffffff;
const HOLDER_NAME = 'engine-lock-test holder';

let url: string;
let holder: Client;
let holderPid: number;

beforeAll(async () => {
  url = await createScratchDatabase('updown_lock');
  holder = new Client({ connectionString: url, application_name: HOLDER_NAME });
  await holder.connect();
  holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
});
afterAll(async () => {
  await holder.end();
  await dropScratchDatabase(url);
});

async function hold(schema: string): Promise<void> {
  const { rows } = await holder.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, lockKey(schema)]);
  expect(rows[0].locked).toBe(true);
}
async function release(schema: string): Promise<void> {
  await holder.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, lockKey(schema)]);
}

const up = (...args: string[]) => runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('basic'), ...args]);

describe('while another session holds the lock', () => {
  beforeAll(() => hold('public'));
  afterAll(() => release('public'));

  it('gives up after --lock-timeout with exit 3, naming the holder, having said it waits and for whom', async () => {
    const started = Date.now();
    const result = await up('--lock-timeout', '1s');
    expect(result.code).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.stderr).toContain(`waiting for the migration lock held by pid ${holderPid}, ${HOLDER_NAME}`);
    const error = result.stderr.split('\n').find((line) => line.startsWith('error'));
    expect(error).toContain(`pid ${holderPid} (${HOLDER_NAME})`);
    expect(error).toMatch(/--lock-timeout/);
    // The lock comes before anything is created: no tracking table, nothing applied.
    expect(await query(url, "SELECT to_regclass('public.\"SequelizeMeta\"') AS t")).toEqual([{ t: null }]);
    expect(await query(url, "SELECT to_regclass('public.widgets') AS t")).toEqual([{ t: null }]);
  });

  it('--json names the holder in the error, and stdout holds only the document', async () => {
    const result = await up('--lock-timeout', '500ms', '--json');
    expect(result.code).toBe(3);
    const doc = onlyJson<{ ok: boolean; executed: unknown[]; error: { message: string } }>(result.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.executed).toEqual([]);
    expect(doc.error.message).toContain(`pid ${holderPid} (${HOLDER_NAME})`);
    expect(result.stderr).toContain(`held by pid ${holderPid}`);
  });

  it('does not block a runner on another schema', async () => {
    const result = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('counted'), '--schema', 'tenant_free', '--lock-timeout', '1s']);
    expect(result.stderr).not.toMatch(/waiting for the migration lock/);
    expect(result.code).toBe(0);
    expect(await appliedNames(url, 'tenant_free')).toHaveLength(3);
  });
});

it('a waiting runner goes on as soon as the holder lets go', async () => {
  await hold('public');
  const run = up('--lock-timeout', '30s');
  const deadline = Date.now() + 10_000;
  while (!run.output.stderr.includes('waiting for the migration lock') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(run.output.stderr).toContain(`held by pid ${holderPid}`);
  expect(await appliedNames(url)).toEqual([]);
  await release('public');
  const result = await run;
  expect(result.code).toBe(0);
  expect(await appliedNames(url)).toHaveLength(3);
});

describe('up with nothing pending, while another session holds the lock', () => {
  it('answers from a read at once (a deploy step run again), and still waits when a file is pending', async () => {
    const schema = 'nothing_pending';
    expect((await up('--schema', schema)).code).toBe(0);
    await hold(schema);
    try {
      const again = await up('--schema', schema, '--lock-timeout', '300ms');
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/every migration is applied/);
      // With a file pending it takes the locked path: the lock is held, so it gives up (exit 3).
      await query(url, `DELETE FROM "${schema}"."SequelizeMeta" WHERE name = '20240103000000-indexWidgetName'`);
      const pending = await up('--schema', schema, '--lock-timeout', '300ms');
      expect(pending.code).toBe(3);
    } finally {
      await release(schema);
    }
  });
});

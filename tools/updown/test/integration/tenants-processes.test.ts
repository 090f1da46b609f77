import { CONNECTIONS_PER_TENANT } from '../../src/tenants/concurrency';
import { startCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';
import type { TempMigrations } from '../helpers/fixtures';
import { ACCOUNTS, appliedBySchema, createSchemas, SLOW, tenantProject } from '../helpers/tenants';

// Real processes on a real PostgreSQL: what runs at once is read from pg_stat_activity, not assumed.

const TENANTS = ['t_1', 't_2', 't_3', 't_4', 't_5', 't_6'];

let url: string;
let project: TempMigrations;

beforeAll(async () => {
  url = await createScratchDatabase('updown_tenant_procs');
  project = tenantProject({
    '20250101000000-createAccounts.ts': ACCOUNTS,
    '20250102000000-slowBackfill.ts': SLOW(0.4),
    '20250103000000-slowReindex.ts': SLOW(0.4),
  });
});
afterAll(async () => {
  project.remove();
  await dropScratchDatabase(url);
});
beforeEach(() => createSchemas(url, TENANTS));

interface Sample {
  tenants: Set<string>;
  connections: number;
  /** The connections the tenants' histories are read on, shared by the run. */
  readers: number;
}

/** updown's sessions on the test database right now, and the tenants they name (`… @t_3 (pid …)`). */
async function sample(): Promise<Sample> {
  const rows = await query<{ application_name: string }>(
    url,
    "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'updown %'",
  );
  const tenants = new Set(rows.map((row) => /@(\S+)/.exec(row.application_name)?.[1]).filter((name): name is string => Boolean(name)));
  const readers = rows.filter((row) => row.application_name.includes("tenants' histories")).length;
  return { tenants, connections: rows.length, readers };
}

test('--concurrency 2: never more than 2 tenants (and their connections) at once, and 2 at once at some point', async () => {
  const run = startCli(['migrate', 'up', '--url', url, '--dir', project.dir, '--schemas', 't\\_%', '--concurrency', '2']);
  let ended = false;
  void run.exited.then(() => (ended = true));
  const samples: Sample[] = [];
  while (!ended) {
    samples.push(await sample());
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const { code, stdout, stderr } = await run.exited;
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toMatch(/6 tenants, 2 at a time/);
  const most = Math.max(...samples.map((s) => s.tenants.size));
  expect(most).toBe(2);
  expect(Math.max(...samples.map((s) => s.connections))).toBeLessThanOrEqual(2 * CONNECTIONS_PER_TENANT + 1);
  // One reader per tenant at a time, reused: never one per tenant of the run.
  const readers = Math.max(...samples.map((s) => s.readers));
  expect(readers).toBeGreaterThanOrEqual(1);
  expect(readers).toBeLessThanOrEqual(2);
  const applied = await appliedBySchema(url);
  expect(Object.keys(applied)).toEqual(TENANTS);
  for (const names of Object.values(applied)) expect(names).toHaveLength(3);
});

test('SIGINT: the running tenants roll back their file, no further tenant starts, exit 130', async () => {
  const run = startCli(['migrate', 'up', '--url', url, '--dir', project.dir, '--schemas', 't\\_%', '--concurrency', '2', '--json']);
  // Poll until the first two tenants are inside a slow file, then interrupt.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const running = await query(url, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%' AND state = 'active'");
    if (running.length >= 1) break;
    if (Date.now() > deadline) throw new Error(`no tenant reached its slow file: ${run.output.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  run.child.kill('SIGINT');
  const { code, stdout } = await run.exited;
  expect(code).toBe(130);
  const doc = JSON.parse(stdout) as { ok: boolean; interrupted: string; tenants: { schema: string; state: string }[] };
  expect(doc.ok).toBe(false);
  expect(doc.interrupted).toBe('SIGINT');
  const states = doc.tenants.map((tenant) => tenant.state);
  expect(states).toContain('interrupted');
  expect(states.slice(2).every((state) => state === 'not-started')).toBe(true);
  // What was recorded is exactly what ran to its end: no tenant holds a half-applied file.
  const applied = await appliedBySchema(url);
  for (const tenant of doc.tenants.filter((t) => t.state === 'not-started')) expect(applied[tenant.schema]).toBeUndefined();
  // The interrupted process's sessions end as it exits; their locks go with them.
  const deadline2 = Date.now() + 10_000;
  const locks = () =>
    query<{ n: number }>(url, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  while ((await locks())[0]!.n > 0 && Date.now() < deadline2) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await locks()).toEqual([{ n: 0 }]);
});

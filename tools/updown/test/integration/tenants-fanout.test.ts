import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { lockKey } from '../../src/lock';
import { main } from '../../src/cli/index';
import { onlyJson, runCli, stripAnsi } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';
import type { TempMigrations } from '../helpers/fixtures';
import { ACCOUNTS, appliedBySchema, createSchemas, tenantProject, UNIQUE_EMAIL } from '../helpers/tenants';

// Real PostgreSQL, one scratch database; each test starts from the same four tenant schemas.

const LOCK_NAMESPACE = 0x75706477 & 0x7fffffff;
const FIRST = '20250101000000-createAccounts';
const SECOND = '20250102000000-uniqueEmail';
const TENANTS = ['tenant_a', 'tenant_b', 'tenant_c'];

let url: string;
let project: TempMigrations;

interface TenantDoc {
  ok: boolean;
  tenants: { schema: string; state: string; executed: { name: string }[]; error?: { message: string; migration?: string } }[];
  counts: Record<string, number>;
  rerun?: string;
}

beforeAll(async () => {
  url = await createScratchDatabase('updown_tenants');
  project = tenantProject({ [`${FIRST}.ts`]: ACCOUNTS, [`${SECOND}.ts`]: UNIQUE_EMAIL });
});
afterAll(async () => {
  project.remove();
  await dropScratchDatabase(url);
});
beforeEach(async () => {
  // `tenantXa` matches tenant_% (LIKE's _ is any one character) but not tenant\_%.
  await createSchemas(url, [...TENANTS, 'tenantXa', 'shared']);
  await query(url, 'DROP TABLE IF EXISTS public.customers; CREATE TABLE public.customers (id int, schema_name text, active boolean, seats int)');
  await query(url, "INSERT INTO public.customers VALUES (1, 'tenant_b', true, 3), (2, 'tenant_c', true, 5), (3, 'tenant_a', false, 1)");
});

const migrate = (command: string, ...args: string[]) => runCli(['migrate', command, '--url', url, '--dir', project.dir, ...args]);

/** Puts two accounts with the same e-mail in `schema`: the unique constraint then fails there, and only there. */
async function duplicateEmails(schema: string): Promise<void> {
  const { code } = await migrate('up', '--schema', schema, '--to', FIRST);
  expect(code).toBe(0);
  await query(url, `INSERT INTO "${schema}".accounts (email) VALUES ('ops@example.com'), ('ops@example.com')`);
}

describe('choosing the tenants', () => {
  test('--schemas is a LIKE pattern on the existing schemas, _ matching any one character unless escaped', async () => {
    const wide = onlyJson<TenantDoc>((await migrate('up', '--schemas', 'tenant_%', '--json')).stdout);
    // In byte order ("C"), as psql's \dn lists them: X sorts before _.
    expect(wide.tenants.map((tenant) => tenant.schema)).toEqual(['tenantXa', ...TENANTS]);
    await createSchemas(url, [...TENANTS, 'tenantXa']);
    const exact = await migrate('up', '--schemas', 'tenant\\_%', '--json');
    expect(exact.code).toBe(0);
    const doc = onlyJson<TenantDoc>(exact.stdout);
    expect(doc.tenants.map((tenant) => [tenant.schema, tenant.state, tenant.executed.map((item) => item.name)])).toEqual(
      TENANTS.map((schema) => [schema, 'done', [FIRST, SECOND]]),
    );
    expect(await appliedBySchema(url)).toEqual(Object.fromEntries(TENANTS.map((schema) => [schema, [FIRST, SECOND]])));
  });

  test('--schemas-from takes the first column of a query on the target, in its order', async () => {
    const result = await migrate('up', '--schemas-from', 'SELECT schema_name FROM public.customers WHERE active ORDER BY seats DESC', '--json');
    expect(result.code).toBe(0);
    expect(onlyJson<TenantDoc>(result.stdout).tenants.map((tenant) => tenant.schema)).toEqual(['tenant_c', 'tenant_b']);
    expect(Object.keys(await appliedBySchema(url))).toEqual(['tenant_b', 'tenant_c']);
  });

  test('--tenants calls the tenants function of updown.config.ts with a read-only query', async () => {
    const config = path.join(project.root, 'updown.config.ts');
    fs.writeFileSync(
      config,
      `export default {
  migrations: { dir: 'migrations' },
  tenants: async ({ query }: { query: (sql: string) => Promise<{ schema_name: string }[]> }) =>
    (await query('SELECT schema_name FROM public.customers WHERE NOT active')).map((row) => row.schema_name),
};
`,
    );
    try {
      const result = await runCli(['migrate', 'up', '--url', url, '--config', config, '--tenants', '--json']);
      expect(result.code).toBe(0);
      expect(onlyJson<TenantDoc>(result.stdout).tenants.map((tenant) => tenant.schema)).toEqual(['tenant_a']);
      expect(Object.keys(await appliedBySchema(url))).toEqual(['tenant_a']);
    } finally {
      fs.rmSync(config);
    }
  });

  test('repeated --schema is a list of tenants', async () => {
    const result = await migrate('up', '--schema', 'tenant_c', '--schema', 'shared');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/2 tenants, 2 at a time/);
    expect(Object.keys(await appliedBySchema(url))).toEqual(['shared', 'tenant_c']);
  });

  test.each([
    [['--schemas', 'nobody\\_%'], /no schema matched --schemas 'nobody\\_%'.*tenant\\_%/],
    [['--schemas', 'tenant%', '--schema', 'tenant_a'], /--schemas and --schema both choose the schemas/],
    [['--schemas', 'tenant%', '--schemas-from', 'SELECT 1'], /--schemas and --schemas-from both choose the tenants/],
    [['--schemas-from', 'SELECT schema_name FROM public.no_such_table'], /the --schemas-from query failed: relation "public.no_such_table" does not exist/],
    [['--schemas-from', 'SELECT seats FROM public.customers'], /first column "seats" is not text/],
    [['--schemas-from', 'SELECT schema_name FROM public.customers WHERE false'], /no schema matched --schemas-from/],
    [['--schemas-from', "SELECT 'tenant_a'; DROP TABLE public.customers"], /the --schemas-from query failed/],
    [['--schemas-from', "DELETE FROM public.customers RETURNING schema_name"], /the --schemas-from query failed: cannot execute DELETE in a read-only transaction/],
    [['--schemas', 'tenant%', '--concurrency', '0'], /--concurrency takes a whole number of 1 or more/],
    [['--schemas', 'tenant%', '--concurrency', 'many'], /--concurrency takes a whole number of 1 or more/],
    [['--concurrency', '2'], /--concurrency and --fail-fast apply to many tenants/],
    [['--tenants'], /--tenants needs a `tenants` function in updown.config.ts/],
  ])('refuses %j: exit 2, nothing run', async (args, message) => {
    const result = await migrate('up', ...args);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(await appliedBySchema(url)).toEqual({});
    expect(await query(url, 'SELECT count(*)::int AS n FROM public.customers')).toEqual([{ n: 3 }]);
  });

  test('a stream whose history lives in one fixed schema (tableSchema) cannot fan out: exit 2, nothing run', async () => {
    // A folder of its own: a config already required from the project's root stays in require's cache.
    const config = path.join(project.root, 'shared-history', 'updown.config.ts');
    fs.mkdirSync(path.dirname(config));
    fs.writeFileSync(config, "export default { migrations: { dir: '../migrations', tableSchema: 'history' } };\n");
    try {
      const result = await runCli(['migrate', 'up', '--url', url, '--config', config, '--schemas', 'tenant\\_%']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/keep their history in the fixed schema "history" \(tableSchema\), which every tenant would share/);
      const status = await runCli(['migrate', 'status', '--url', url, '--config', config, '--schemas', 'tenant\\_%']);
      expect(status.code).toBe(2);
      expect(await query(url, "SELECT 1 FROM pg_namespace WHERE nspname = 'history'")).toEqual([]);
    } finally {
      fs.rmSync(config);
    }
  });

  test('a command that runs on one schema refuses repeated --schema', async () => {
    const result = await migrate('repair', '--accept', FIRST, '--schema', 'tenant_a', '--schema', 'tenant_b');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--schema is given 2 times: `migrate repair` runs on one schema/);
  });
});

describe('tenants stand alone', () => {
  test('a failing tenant among healthy ones: the others are applied, the summary groups the failure, exit 1, and its rerun command runs only it', async () => {
    await duplicateEmails('tenant_b');
    const result = await migrate('up', '--schemas', 'tenant\\_%');
    expect(result.code).toBe(1);
    expect(await appliedBySchema(url)).toEqual({ tenant_a: [FIRST, SECOND], tenant_b: [FIRST], tenant_c: [FIRST, SECOND] });
    expect(result.stdout).toMatch(/^tenant_b {2}failed .*20250102000000-uniqueEmail\.ts failed \(up\)/m);
    expect(result.stdout).toMatch(/3 tenants, \d+ at a time, .*: 2 done, 1 failed/);
    expect(result.stdout).toMatch(/failed on 1 tenant: .*20250102000000-uniqueEmail\.ts failed \(up\) \[23505\].*\n {2}tenant_b\n/);
    const rerun = /rerun only the tenants that did not finish:\n {2}(.*)\n/.exec(result.stdout)![1]!;
    expect(rerun).toBe(`updown migrate up --url ${url} --dir ${project.dir} --schema tenant_b`);

    // Fixed in the data, the printed command finishes the job on that tenant alone.
    await query(url, "DELETE FROM tenant_b.accounts WHERE id = (SELECT max(id) FROM tenant_b.accounts)");
    const again = await runCli(rerun.split(' ').slice(1));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^migrated {2}20250102000000-uniqueEmail/m);
    expect(await appliedBySchema(url)).toEqual(Object.fromEntries(TENANTS.map((schema) => [schema, [FIRST, SECOND]])));
  });

  test('--json: one document with each tenant, its state, what ran and the error', async () => {
    await duplicateEmails('tenant_c');
    const result = await migrate('up', '--schemas', 'tenant\\_%', '--json');
    expect(result.code).toBe(1);
    const doc = onlyJson<TenantDoc>(result.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.counts).toEqual({ done: 2, failed: 1 });
    expect(doc.tenants.map((tenant) => [tenant.schema, tenant.state, tenant.executed.map((item) => item.name)])).toEqual([
      ['tenant_a', 'done', [FIRST, SECOND]],
      ['tenant_b', 'done', [FIRST, SECOND]],
      ['tenant_c', 'failed', []],
    ]);
    expect(doc.tenants[2]!.error).toMatchObject({ migration: SECOND, code: '23505' });
    expect(doc.rerun).toMatch(/ --schema tenant_c$/);
  });

  test('a tenant whose lock another runner holds is skipped and reported, the others applied: exit 3', async () => {
    const holder = new Client({ connectionString: url, application_name: 'tenants-test holder' });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, lockKey('tenant_b')]);
      const result = await migrate('up', '--schemas', 'tenant\\_%', '--lock-timeout', '300ms');
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/^tenant_b {2}skipped \(lock held\)/m);
      expect(result.stdout).toMatch(/skipped \(lock held\) on 1 tenant: another runner held its migration lock past --lock-timeout\n {2}tenant_b/);
      expect(await appliedBySchema(url)).toEqual({ tenant_a: [FIRST, SECOND], tenant_c: [FIRST, SECOND] });
    } finally {
      await holder.end();
    }
  });

  test('exit codes rank refused over failed over skipped', async () => {
    await duplicateEmails('tenant_b');
    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, lockKey('tenant_a')]);
      // tenant_c's history is edited: its applied file's checksum no longer matches.
      await migrate('up', '--schema', 'tenant_c', '--to', FIRST);
      await query(url, `UPDATE tenant_c."SequelizeMeta" SET checksum = 'edited' WHERE name = $1`, [FIRST]);
      const result = await migrate('up', '--schemas', 'tenant\\_%', '--lock-timeout', '300ms', '--json');
      expect(result.code).toBe(2);
      expect(onlyJson<TenantDoc>(result.stdout).tenants.map((tenant) => tenant.state)).toEqual(['skipped-locked', 'failed', 'refused']);
    } finally {
      await holder.end();
    }
  });

  test('--fail-fast starts no tenant after the first failure', async () => {
    await duplicateEmails('tenant_a');
    const result = await migrate('up', '--schemas', 'tenant\\_%', '--concurrency', '1', '--fail-fast', '--json');
    expect(result.code).toBe(1);
    const doc = onlyJson<TenantDoc>(result.stdout);
    expect(doc.tenants.map((tenant) => tenant.state)).toEqual(['failed', 'not-started', 'not-started']);
    expect(doc.rerun).toMatch(/--schema tenant_a --schema tenant_b --schema tenant_c$/);
    expect(await appliedBySchema(url)).toEqual({ tenant_a: [FIRST] });
  });

  test('without --fail-fast the same run goes on past the failure', async () => {
    await duplicateEmails('tenant_a');
    const result = await migrate('up', '--schemas', 'tenant\\_%', '--concurrency', '1', '--json');
    expect(onlyJson<TenantDoc>(result.stdout).tenants.map((tenant) => tenant.state)).toEqual(['failed', 'done', 'done']);
  });

  test('down and status across tenants', async () => {
    expect((await migrate('up', '--schemas', 'tenant\\_%')).code).toBe(0);
    expect((await migrate('down', '--schema', 'tenant_a', '--schema', 'tenant_c')).code).toBe(0);
    expect(await appliedBySchema(url)).toEqual({ tenant_a: [FIRST], tenant_b: [FIRST, SECOND], tenant_c: [FIRST] });

    const status = await migrate('status', '--schemas', 'tenant\\_%');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/3 tenants, 2 migrations in the folder: 2 pending, 1 up-to-date/);
    expect(status.stdout).toMatch(/most tenants \(2\) are pending: 1 pending: 20250102000000-uniqueEmail; last applied 20250101000000-createAccounts\nthese differ:\n {2}tenant_b {2}up-to-date/);
    expect((await migrate('status', '--schemas', 'tenant\\_%', '--check')).code).toBe(1);

    const doc = onlyJson<{ ok: boolean; counts: Record<string, number>; tenants: { schema: string; state: string; pending: string[] }[] }>(
      (await migrate('status', '--schemas', 'tenant%', '--json')).stdout,
    );
    expect(doc.counts).toEqual({ pending: 3, 'up-to-date': 1 });
    expect(doc.tenants.map((tenant) => [tenant.schema, tenant.state, tenant.pending.length])).toEqual([
      ['tenantXa', 'pending', 2],
      ['tenant_a', 'pending', 1],
      ['tenant_b', 'up-to-date', 0],
      ['tenant_c', 'pending', 1],
    ]);
    expect((await migrate('up', '--schemas', 'tenant%')).code).toBe(0);
    const after = await migrate('status', '--schemas', 'tenant%', '--check');
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/every tenant is up-to-date: last applied 20250102000000-uniqueEmail/);
  });

  test('status across tenants names an edited or failed tenant', async () => {
    expect((await migrate('up', '--schemas', 'tenant\\_%')).code).toBe(0);
    await query(url, `UPDATE tenant_b."SequelizeMeta" SET checksum = 'edited' WHERE name = $1`, [SECOND]);
    const status = await migrate('status', '--schemas', 'tenant\\_%', '--check');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/2 up-to-date, 1 edited|1 edited, 2 up-to-date/);
    expect(status.stdout).toMatch(/^ {2}tenant_b {2}edited {5}edited 20250102000000-uniqueEmail/m);
  });

  test('on a terminal, a progress bar counts the tenants done, failed and left', async () => {
    await duplicateEmails('tenant_b');
    let stdout = '';
    const io = { stdout: (text: string) => void (stdout += text), stderr: () => undefined, isTTY: true };
    const code = await main(['migrate', 'up', '--url', url, '--dir', project.dir, '--schemas', 'tenant\\_%', '--concurrency', '1'], io);
    expect(code).toBe(1);
    const text = stripAnsi(stdout);
    // Redrawn on a timer, so only the last state is certain; it stays on the screen (an 80-column test terminal may cut the line's end).
    expect(text).toMatch(/=+ 3\/3 tenants \| 1 failed \| 0 left \| \d+s/);
    // A failure is printed above the bar as it happens; successes only in the summary.
    expect(text).toMatch(/tenant_b {2}failed/);
    expect(text).not.toMatch(/tenant_a {2}done/);
    expect(text).toMatch(/3 tenants, 1 at a time, .*: 2 done, 1 failed\n {2}2 migrations applied: 2 tenants\nfailed on 1 tenant/);
  });
});

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { urlForDatabase } from '../../src/database';
import { UsageError } from '../../src/errors';
import { harnessEnv, TENANTS_ENV } from '../../src/testing/env';
import { dropTestDatabases, reseed, resetDatabase, setupTestDatabase, teardownTestDatabase, testTenants, type TestDatabaseOptions } from '../../src/testing/jest';
import { appliedNames, query, tablesIn } from '../helpers/database';
import { tempMigrations } from '../helpers/fixtures';
import { harnessSuite } from '../helpers/harness';

// Real PostgreSQL: setupTestDatabase with tenant schemas, on databases named with a prefix of its own.

const BASE = `ut_${process.pid}_${randomBytes(3).toString('hex')}`;
const TEMPLATE = `${BASE}_template`;
const WORKERS = [`${BASE}_w1`, `${BASE}_w2`];
const TENANTS = ['tenant_1', 'tenant_2', 'tenant_3'];

const project = harnessSuite(() => options(), async () => [...(await databases()).keys()]);

function options(extra: Partial<TestDatabaseOptions> = {}): TestDatabaseOptions {
  return { configPath: project.configPath, database: BASE, serverUrl: process.env.UPDOWN_TEST_SERVER_URL, seed: true, workers: 2, tenants: 3, log: () => undefined, ...extra };
}

const url = (name: string) => urlForDatabase(process.env.UPDOWN_TEST_SERVER_URL!, name);

/** The databases whose names start with `prefix`, with their oids (a new oid: cloned or built again). */
async function databases(prefix = `${BASE}_`): Promise<Map<string, number>> {
  const rows = await query<{ name: string; oid: number }>(url('postgres'), 'SELECT datname AS name, oid::int AS oid FROM pg_database WHERE left(datname, length($1)) = $1', [prefix]);
  return new Map(rows.map((row) => [row.name, row.oid]));
}

async function schemasIn(database: string): Promise<string[]> {
  const rows = await query<{ name: string }>(url(database), "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1");
  return rows.map((row) => row.name);
}

const widgets = async (database: string, schema = 'public') =>
  (await query<{ name: string }>(url(database), `SELECT name FROM "${schema}".widgets ORDER BY id`)).map((row) => row.name);

/** What the setupFiles module does in Jest worker `id`, run here in isolation: returns the tenants it exported. */
function runSetupWorker(id: number): string | undefined {
  const saved = { id: process.env.JEST_WORKER_ID, url: process.env.DATABASE_URL, tenants: process.env[TENANTS_ENV] };
  process.env.JEST_WORKER_ID = String(id);
  delete process.env[TENANTS_ENV];
  try {
    jest.isolateModules(() => require('../../src/testing/setup-worker'));
    return process.env[TENANTS_ENV];
  } finally {
    process.env.JEST_WORKER_ID = saved.id;
    process.env.DATABASE_URL = saved.url;
    process.env[TENANTS_ENV] = saved.tenants;
  }
}

it('builds a template with 3 tenant schemas, each migrated and seeded with its own tracking tables, cloned per worker', async () => {
  const before = process.env[TENANTS_ENV];
  const first = await setupTestDatabase(options());
  let migrations: string[] = [];
  try {
    expect(first).toMatchObject({ rebuilt: true, template: TEMPLATE, tenants: TENANTS, cloned: WORKERS });
    expect(process.env[TENANTS_ENV]).toBe('tenant_1,tenant_2,tenant_3');
    expect(testTenants()).toEqual(TENANTS);
    expect(harnessEnv()!.tenants).toEqual(TENANTS);
    // The setupFiles module names them in the worker too (and marks worker 1 used: cloned again at teardown).
    expect(runSetupWorker(1)).toBe('tenant_1,tenant_2,tenant_3');

    migrations = await appliedNames(url(WORKERS[0]));
    expect(migrations).toHaveLength(3);
    for (const worker of WORKERS) {
      expect(await schemasIn(worker)).toEqual(TENANTS);
      for (const tenant of TENANTS) {
        expect(await tablesIn(url(worker), tenant)).toEqual(['SequelizeData', 'SequelizeMeta', 'updown_metadata', 'widgets']);
        expect(await appliedNames(url(worker), tenant)).toEqual(migrations);
        expect(await appliedNames(url(worker), tenant, 'SequelizeData')).toEqual(['20240101000000-someWidgets']);
        expect(await widgets(worker, tenant)).toEqual(['seeded-a', 'seeded-b']);
      }
      expect(await widgets(worker)).toEqual(['seeded-a', 'seeded-b']); // the configured schema, as without tenants
    }

    // Each tenant's history is its own table: a row removed from one is still in the others.
    await query(url(WORKERS[0]), `DELETE FROM tenant_2."SequelizeMeta" WHERE name = $1`, [migrations[2]]);
    expect(await appliedNames(url(WORKERS[0]), 'tenant_2')).toEqual(migrations.slice(0, 2));
    expect(await appliedNames(url(WORKERS[0]), 'tenant_1')).toEqual(migrations);
    expect(await appliedNames(url(WORKERS[0]))).toEqual(migrations);
    // And the tenants' data: a row written in one tenant is in neither another tenant nor another worker.
    await query(url(WORKERS[0]), "INSERT INTO tenant_3.widgets (name) VALUES ('only-in-w1-tenant_3')");
    expect(await widgets(WORKERS[0], 'tenant_3')).toHaveLength(3);
    expect(await widgets(WORKERS[0], 'tenant_1')).toHaveLength(2);
    expect(await widgets(WORKERS[1], 'tenant_3')).toHaveLength(2);
  } finally {
    await teardownTestDatabase();
  }
  expect(process.env[TENANTS_ENV]).toBe(before);

  // Warm: same tenants, everything reused; the same set listed in another order is the same template.
  const template = (await databases()).get(TEMPLATE);
  const warm = await setupTestDatabase(options());
  await teardownTestDatabase();
  expect(warm).toMatchObject({ rebuilt: false, fingerprint: first.fingerprint, reused: WORKERS, cloned: [], tenants: TENANTS });
  const listed = await setupTestDatabase(options({ tenants: ['tenant_3', 'tenant_1', 'tenant_2'] }));
  await teardownTestDatabase();
  expect(listed).toMatchObject({ rebuilt: false, fingerprint: first.fingerprint, tenants: ['tenant_3', 'tenant_1', 'tenant_2'] });
  expect((await databases()).get(TEMPLATE)).toBe(template);
  process.stderr.write(`testing tenants: cold setup with 3 tenants ${first.timings.totalMs} ms (template ${first.timings.templateMs} ms), warm ${warm.timings.totalMs} ms\n`);
  // Worker 1 was used, so the first teardown cloned it again: the edits above are gone.
  expect(await appliedNames(url(WORKERS[0]), 'tenant_2')).toEqual(migrations);
});

it('rebuilds the template when the tenant set changes, and none leaves no tenant schema', async () => {
  const three = await setupTestDatabase(options());
  await teardownTestDatabase();
  const oid = (await databases()).get(TEMPLATE);

  const two = await setupTestDatabase(options({ tenants: 2 }));
  await teardownTestDatabase();
  expect(two).toMatchObject({ rebuilt: true, tenants: ['tenant_1', 'tenant_2'], cloned: WORKERS });
  expect(two.fingerprint).not.toBe(three.fingerprint);
  expect((await databases()).get(TEMPLATE)).not.toBe(oid);
  expect(await schemasIn(WORKERS[1])).toEqual(['tenant_1', 'tenant_2']);

  const renamed = await setupTestDatabase(options({ tenants: 2, tenantPrefix: 'tenant_x' }));
  await teardownTestDatabase();
  expect(renamed).toMatchObject({ rebuilt: true, tenants: ['tenant_x1', 'tenant_x2'] });
  expect(await schemasIn(WORKERS[0])).toEqual(['tenant_x1', 'tenant_x2']);

  process.env[TENANTS_ENV] = 'left,from,elsewhere';
  try {
    const none = await setupTestDatabase(options({ tenants: undefined }));
    expect(none).toMatchObject({ rebuilt: true, tenants: [] });
    expect(process.env[TENANTS_ENV]).toBeUndefined(); // these databases have no such schemas
    expect(testTenants()).toEqual([]);
    await teardownTestDatabase();
    expect(process.env[TENANTS_ENV]).toBe('left,from,elsewhere');
  } finally {
    delete process.env[TENANTS_ENV];
  }
  expect(await schemasIn(WORKERS[0])).toEqual([]);
});

describe('bad tenants are refused with a UsageError before anything is built', () => {
  const BAD = `${BASE}_bad`;
  const long = 'x'.repeat(64);
  it.each<[string, Partial<TestDatabaseOptions>, RegExp]>([
    ['a count of 0', { tenants: 0 }, /^tenants: 0 is not a tenant count: pass a whole number of at least 1/],
    ['a negative count', { tenants: -2 }, /^tenants: -2 is not a tenant count/],
    ['a fractional count', { tenants: 2.5 }, /^tenants: 2\.5 is not a tenant count/],
    ['an empty list', { tenants: [] }, /^tenants: \[\] names no tenant/],
    ['a duplicate name', { tenants: ['acme', 'globex', 'acme'] }, /^tenants: "acme" is listed twice: each tenant needs a schema of its own/],
    ['a 64-character name', { tenants: ['acme', long] }, new RegExp(`^tenants\\[1\\]: tenant schema "${long}" has 64 bytes; a schema name has 1 to 63`)],
    ['an empty name', { tenants: [''] }, /^tenants\[0\]: tenant schema "" has 0 bytes/],
    ['a prefix that makes names too long', { tenants: 10, tenantPrefix: 'p'.repeat(62) }, /^tenants \(with tenantPrefix\): tenant schema "p{62}10" has 64 bytes/],
    ['a name with a comma', { tenants: ['a,b'] }, /contains a comma \(the names are passed comma-separated\)/],
    ['a pg_ name', { tenants: ['pg_tenant'] }, /the prefix pg_ is reserved/],
    ['the configured schema', { tenants: ['acme', 'public'] }, /^tenants: "public" is the configured schema/],
    ['tenantPrefix with a list', { tenants: ['acme'], tenantPrefix: 't_' }, /^tenantPrefix applies to a tenant count only/],
    ['tenantPrefix alone', { tenants: undefined, tenantPrefix: 't_' }, /^tenantPrefix is given without tenants/],
  ])('%s', async (_, extra, message) => {
    const failure = setupTestDatabase(options({ database: BAD, ...extra }));
    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(message);
    expect([...(await databases(BAD)).keys()]).toEqual([]);
    expect(process.env[TENANTS_ENV]).toBeUndefined();
  });

  it('a stream whose history lives in a fixed schema (tableSchema), which the tenants would share', async () => {
    const shared = path.join(project.temp.root, 'updown.shared-history.config.js');
    fs.writeFileSync(shared, "module.exports = { migrations: { dir: 'migrations', tableSchema: 'history' } };\n");
    const failure = setupTestDatabase(options({ configPath: shared, database: BAD, seed: false }));
    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(/^tenants: the migrations keep their history in the fixed schema "history" \(tableSchema\), which every tenant would share; remove tableSchema/);
    expect([...(await databases(BAD)).keys()]).toEqual([]);
  });
});

it('a migration that fails in one tenant fails the setup, naming the tenant, and leaves no template', async () => {
  const other = tempMigrations('basic');
  const FAILING = `${BASE}_fail`;
  try {
    fs.writeFileSync(
      path.join(other.dir, '20240104000000-refuseTenant2.ts'),
      `import type { Migration } from 'updown';
export const up: Migration = async ({ context: { schema } }) => { if (schema === 'tenant_2') throw new Error('tenant_2 says no'); };
export const down: Migration = async () => undefined;
`,
    );
    const failingConfig = path.join(other.root, 'updown.config.js');
    fs.writeFileSync(failingConfig, "module.exports = { migrations: { dir: 'migrations' } };\n");
    await expect(setupTestDatabase(options({ configPath: failingConfig, database: FAILING, seed: false }))).rejects.toThrow(
      /could not build the test template \(migrations of tenant tenant_2\): .*tenant_2 says no/,
    );
    expect([...(await databases(FAILING)).keys()]).toEqual([]);
  } finally {
    other.remove();
  }
});

it("seeds keep their own tracking table in every schema, also when the migrations' table is renamed", async () => {
  const renamed = path.join(project.temp.root, 'updown.renamed-table.config.js');
  fs.writeFileSync(renamed, "module.exports = { migrations: { dir: 'migrations', table: 'migration_history' }, seeds: { dir: 'seeds' } };\n");
  const RENAMED = `${BASE}_renamed`;
  try {
    await setupTestDatabase(options({ configPath: renamed, database: RENAMED, workers: 1, tenants: 1 }));
    await teardownTestDatabase();
    for (const schema of ['public', 'tenant_1']) {
      expect(await appliedNames(url(`${RENAMED}_w1`), schema, 'migration_history')).toHaveLength(3);
      expect(await appliedNames(url(`${RENAMED}_w1`), schema, 'SequelizeData')).toEqual(['20240101000000-someWidgets']);
    }
  } finally {
    await dropTestDatabases(options({ configPath: renamed, database: RENAMED, tenants: 1 }));
  }
});

it('resetDatabase() and reseed() cover every tenant schema; { schema } or { tenants: [] } narrow them', async () => {
  const { urls } = await setupTestDatabase(options({ workers: 1 }));
  const worker = urls[0];
  const db = WORKERS[0];
  const fill = async () => {
    for (const schema of ['public', ...TENANTS]) await query(worker, `INSERT INTO "${schema}".widgets (name) VALUES ('extra')`);
  };
  try {
    await fill();
    expect(await resetDatabase({ url: worker })).toEqual(['widgets', 'tenant_1.widgets', 'tenant_2.widgets', 'tenant_3.widgets']);
    for (const schema of ['public', ...TENANTS]) {
      expect(await widgets(db, schema)).toEqual([]);
      expect(await appliedNames(worker, schema)).toHaveLength(3);
      expect(await appliedNames(worker, schema, 'SequelizeData')).toEqual(['20240101000000-someWidgets']);
    }
    // Sequences restarted in the tenants too.
    const [row] = await query<{ id: number }>(worker, "INSERT INTO tenant_3.widgets (name) VALUES ('first') RETURNING id");
    expect(row.id).toBe(1);

    await reseed({ url: worker, configPath: project.configPath });
    for (const schema of ['public', ...TENANTS]) expect(await widgets(db, schema)).toEqual(['seeded-a', 'seeded-b']);

    await fill();
    expect(await resetDatabase({ url: worker, schema: 'tenant_2' })).toEqual(['widgets']);
    expect(await widgets(db, 'tenant_2')).toEqual([]);
    expect(await widgets(db, 'tenant_1')).toHaveLength(3);
    expect(await resetDatabase({ url: worker, tenants: [] })).toEqual(['widgets']);
    expect(await widgets(db)).toEqual([]);
    expect(await widgets(db, 'tenant_1')).toHaveLength(3);
  } finally {
    await teardownTestDatabase();
  }
});

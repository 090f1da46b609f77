import { runCli } from '../helpers/cli';
import { allUserTables, appliedNames, createScratchDatabase, dropScratchDatabase, enumTypes, query, resetDatabase, tablesIn } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

/** Tables updown keeps for itself next to the migrated ones. */
const BOOKKEEPING = ['SequelizeMeta', 'updown_metadata'];
const inSchema = (schema: string, tables: string[]) => [...tables, ...BOOKKEEPING].map((table) => `${schema}.${table}`).sort();

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_schema');
});
afterEach(async () => {
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const userTables = () => allUserTables(url);

async function schemaExists(schema: string): Promise<boolean> {
  return (await query(url, 'SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).length === 1;
}

it('--schema tenant_a creates the schema and puts the tables and "SequelizeMeta" in it, nothing in public', async () => {
  expect(await schemaExists('tenant_a')).toBe(false);
  const result = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('counted'), '--schema', 'tenant_a']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(await userTables()).toEqual(inSchema('tenant_a', ['runs']));
  expect(await appliedNames(url, 'tenant_a')).toHaveLength(3);
  expect(await tablesIn(url, 'public')).toEqual([]);

  const down = await runCli(['migrate', 'down', '--all', '--url', url, '--dir', fixtureDir('counted'), '--schema', 'tenant_a']);
  expect(down.code).toBe(0);
  expect(await userTables()).toEqual(inSchema('tenant_a', []));
});

it('--schema tenant_a also holds what queryInterface creates (createTable with an ENUM, addColumn, addIndex)', async () => {
  const result = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('basic'), '--schema', 'tenant_a']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(await userTables()).toEqual(inSchema('tenant_a', ['widgets']));
  expect(await enumTypes(url)).toEqual(['tenant_a.enum_widgets_kind']);
  expect(await appliedNames(url, 'tenant_a')).toHaveLength(3);
  expect(await query(url, "SELECT 1 FROM pg_indexes WHERE schemaname = 'tenant_a' AND indexname = 'idx_widgets_name'")).toHaveLength(1);

  const down = await runCli(['migrate', 'down', '--all', '--url', url, '--dir', fixtureDir('basic'), '--schema', 'tenant_a']);
  expect(down.code).toBe(0);
  expect(await userTables()).toEqual(inSchema('tenant_a', []));
  expect(await enumTypes(url)).toEqual([]);
});

it('DATABASE_SCHEMA selects the schema when --schema is not given', async () => {
  const result = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('counted')], { env: { DATABASE_SCHEMA: 'tenant_b' } });
  expect(result.code).toBe(0);
  expect(await userTables()).toEqual(inSchema('tenant_b', ['runs']));
  expect(await appliedNames(url, 'tenant_b')).toHaveLength(3);
  expect(await appliedNames(url, 'public')).toEqual([]);

  // --schema wins over DATABASE_SCHEMA.
  const status = await runCli(['migrate', 'status', '--json', '--url', url, '--dir', fixtureDir('counted'), '--schema', 'public'], {
    env: { DATABASE_SCHEMA: 'tenant_b' },
  });
  expect(JSON.parse(status.stdout).items.map((item: { state: string }) => item.state)).toEqual(['pending', 'pending', 'pending']);
});

it('a schema name that needs quoting works, and two schemas keep separate histories', async () => {
  const weird = 'Weird "Schema"';
  const result = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('counted'), '--schema', weird]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(await schemaExists(weird)).toBe(true);
  expect(await userTables()).toEqual(inSchema(weird, ['runs']));
  expect(await appliedNames(url, weird)).toHaveLength(3);
  expect(await query(url, 'SELECT count(*)::int AS n FROM "Weird ""Schema""".runs')).toEqual([{ n: 3 }]);

  const other = await runCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('counted'), '--schema', 'tenant_c', '--step', '1']);
  expect(other.code).toBe(0);
  expect(await appliedNames(url, 'tenant_c')).toEqual(['20240501000000-createRuns']);
  expect(await appliedNames(url, weird)).toHaveLength(3);

  const down = await runCli(['migrate', 'down', '--all', '--url', url, '--dir', fixtureDir('counted'), '--schema', weird]);
  expect(down.code).toBe(0);
  expect(await appliedNames(url, weird)).toEqual([]);
  expect(await appliedNames(url, 'tenant_c')).toEqual(['20240501000000-createRuns']);
});

it('status reads only: it creates neither the schema nor the tracking table', async () => {
  const result = await runCli(['migrate', 'status', '--url', url, '--dir', fixtureDir('counted'), '--schema', 'tenant_ro']);
  expect(result.code).toBe(0);
  expect(await schemaExists('tenant_ro')).toBe(false);
  expect(await userTables()).toEqual([]);
});

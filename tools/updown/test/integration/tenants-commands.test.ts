import { onlyJson, runCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';
import { appliedBySchema, createSchemas, tenantProject } from '../helpers/tenants';

// Seeds, db fresh, verify and lint on many tenants, on a real PostgreSQL.

const TENANTS = ['acme', 'globex', 'initech'];
const MIGRATIONS = fixtureDir('seeds-environments/migrations');
const SEEDS = fixtureDir('seeds-environments/seeds');

let url: string;

beforeAll(async () => {
  url = await createScratchDatabase('updown_tenant_cmds');
});
afterAll(() => dropScratchDatabase(url));
beforeEach(() => createSchemas(url, TENANTS));

const list = TENANTS.flatMap((schema) => ['--schema', schema]);
const cli = (...args: string[]) => runCli([...args, '--url', url]);

test('seed up, status and down across tenants: each tenant its own SequelizeData', async () => {
  expect((await cli('migrate', 'up', '--dir', MIGRATIONS, ...list)).code).toBe(0);
  const seeded = await cli('seed', 'up', '--dir', SEEDS, '--env', 'development', ...list, '--json');
  expect(seeded.code).toBe(0);
  const doc = onlyJson<{ tenants: { schema: string; state: string; executed: { name: string }[] }[] }>(seeded.stdout);
  expect(doc.tenants.map((tenant) => [tenant.schema, tenant.state, tenant.executed.length])).toEqual(TENANTS.map((schema) => [schema, 'done', 2]));
  for (const schema of TENANTS) {
    expect(await query(url, `SELECT count(*)::int AS n FROM "${schema}"."SequelizeData"`)).toEqual([{ n: 2 }]);
  }
  const status = await cli('seed', 'status', '--dir', SEEDS, '--env', 'development', '--schemas', '%e%', '--check');
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/3 tenants, 2 seeds in the folder: 3 up-to-date/);

  expect((await cli('seed', 'down', '--dir', SEEDS, '--env', 'development', '--schema', 'globex', '--schema', 'acme')).code).toBe(0);
  const after = await cli('seed', 'status', '--dir', SEEDS, '--env', 'development', ...list, '--check');
  expect(after.code).toBe(1);
  expect(after.stdout).toMatch(/most tenants \(2\) are pending: 1 pending: 20240312000000-demoAccounts/);
  expect(after.stdout).toMatch(/these differ:\n {2}initech +up-to-date/);
});

test('db fresh across tenants drops and rebuilds each tenant schema, and leaves the others alone', async () => {
  await createSchemas(url, ['untouched']);
  await query(url, 'CREATE TABLE untouched.keep (id int); CREATE TABLE acme.stray (id int)');
  const result = await cli('db', 'fresh', '--dir', MIGRATIONS, '--schemas-from', "SELECT unnest(ARRAY['acme', 'globex'])", '--json');
  expect(result.code).toBe(0);
  expect(onlyJson<{ counts: Record<string, number> }>(result.stdout).counts).toEqual({ done: 2 });
  const tables = await query<{ schema: string; name: string }>(
    url,
    "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema IN ('acme', 'globex', 'untouched') AND table_name NOT LIKE 'Sequelize%' AND table_name <> 'updown_metadata' ORDER BY 1, 2",
  );
  expect(tables).toEqual([
    { schema: 'acme', name: 'demo_accounts' },
    { schema: 'acme', name: 'plans' },
    { schema: 'globex', name: 'demo_accounts' },
    { schema: 'globex', name: 'plans' },
    { schema: 'untouched', name: 'keep' },
  ]);
});

test('verify across tenants: once per group of tenants in the same state, on a scratch copy', async () => {
  expect((await cli('migrate', 'up', '--dir', MIGRATIONS, '--schema', 'acme')).code).toBe(0);
  const result = await cli('migrate', 'verify', '--dir', MIGRATIONS, ...list, '--json');
  expect(result.code).toBe(0);
  const doc = onlyJson<{ ok: boolean; tenants: { schema: string; state: string; checkedOn: string }[]; groups: { schema: string; tenants: string[] }[] }>(result.stdout);
  expect(doc.ok).toBe(true);
  expect(doc.groups.map((group) => [group.schema, group.tenants])).toEqual([
    ['acme', ['acme']],
    ['globex', ['globex', 'initech']],
  ]);
  expect(doc.tenants.find((tenant) => tenant.schema === 'initech')).toEqual({ schema: 'initech', state: 'done', checkedOn: 'globex' });
  // Verify works on scratch copies: the tenants are as they were.
  expect(await appliedBySchema(url)).toEqual({ acme: ['20240310000000-createPlansAndAccounts'] });

  const human = await cli('migrate', 'verify', '--dir', MIGRATIONS, ...list);
  expect(human.stdout).toMatch(/on globex, standing for it and 1 more tenant\(s\) in the same state:\n.*\nreversible +20240310000000-createPlansAndAccounts/);
  const inPlace = await cli('migrate', 'verify', '--dir', MIGRATIONS, ...list, '--in-place');
  expect(inPlace.code).toBe(2);
  expect(inPlace.stderr).toMatch(/--in-place runs on the target/);
});

test('lint across tenants reports per group, and up in production refuses every tenant it finds unsafe, each warning printed once', async () => {
  const lint = await cli('migrate', 'lint', '--dir', fixtureDir('lint-catalog'), ...list, '--json');
  const doc = onlyJson<{ ok: boolean; groups: { schema: string; tenants: string[]; findings: unknown[] }[] }>(lint.stdout);
  expect(lint.code).toBe(1);
  expect(doc.groups).toHaveLength(1);
  expect(doc.groups[0]!.tenants).toEqual(TENANTS);
  expect(doc.groups[0]!.findings.length).toBeGreaterThan(0);

  const up = await cli('migrate', 'up', '--dir', fixtureDir('lint-catalog'), ...list, '--env', 'production', '--json');
  expect(up.code).toBe(2);
  const states = onlyJson<{ tenants: { state: string; error: { type: string } }[] }>(up.stdout).tenants.map((tenant) => [tenant.state, tenant.error.type]);
  expect(states).toEqual(TENANTS.map(() => ['refused', 'LintRefusedError']));
  // The same findings in three tenants are linted once and printed once, under the name of whichever tenant got there first.
  const named = new Set([...up.stderr.matchAll(/^warning: \[(\w+)\] /gm)].map((match) => match[1]));
  expect(named.size).toBe(1);
  expect(await appliedBySchema(url)).toEqual({});
});

/** A tenant's own enum, made through queryInterface, then read back as an array of it. */
const PEOPLE = `import { DataTypes } from 'sequelize';
import type { Migration } from 'updown';

export const up: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.createTable('people', {
    id: { type: DataTypes.INTEGER, primaryKey: true },
    mood: { type: DataTypes.ENUM('happy', 'sad'), allowNull: true },
  });
};
export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.dropTable('people');
};
`;
const READ_MOODS = `import type { Migration } from 'updown';

export const up: Migration = async ({ context: { sequelize } }) => {
  const [rows] = await sequelize.query(\`SELECT ARRAY['happy', 'sad']::"enum_people_mood"[] AS moods\`);
  const { moods } = (rows as { moods: unknown }[])[0]!;
  await sequelize.query('CREATE TABLE parsed (moods text)');
  await sequelize.query('INSERT INTO parsed VALUES ($1)', { bind: [JSON.stringify(moods)] });
};
export const down: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query('DROP TABLE parsed');
};
`;

test("tenants one after the other share what Sequelize read of the database's types, and each still parses the enum its own migration made", async () => {
  const project = tenantProject({ '20250101000000-people.ts': PEOPLE, '20250102000000-readMoods.ts': READ_MOODS });
  try {
    const { code, stderr } = await cli('migrate', 'up', '--dir', project.dir, ...list, '--concurrency', '1');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    for (const schema of TENANTS) {
      expect(await query(url, `SELECT moods FROM "${schema}".parsed`)).toEqual([{ moods: '["happy","sad"]' }]);
    }
  } finally {
    project.remove();
  }
});

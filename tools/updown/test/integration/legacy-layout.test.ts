/**
 * Layout settings of a legacy stream, from updown.config.ts: Umzug's other common set-up (the
 * context is the Sequelize instance), a list of files that always run outside a transaction, and
 * a tracking table of another name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, indexExists, query, resetSchema, tableExists } from '../helpers/database';
import { tempMigrations, type TempMigrations } from '../helpers/fixtures';

let url: string;
let temp: TempMigrations;
beforeAll(async () => {
  url = await createScratchDatabase('updown_layout');
});
beforeEach(() => {
  temp = tempMigrations();
});
afterEach(async () => {
  temp.remove();
  await resetSchema(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

function write(name: string, body: string): void {
  fs.writeFileSync(path.join(temp.dir, name), body);
}

function config(migrations: Record<string, unknown>): string {
  const file = path.join(temp.root, 'updown.config.ts');
  fs.writeFileSync(file, `export default { migrations: ${JSON.stringify({ dir: 'migrations', ...migrations })} };\n`);
  return file;
}

const run = (configFile: string, ...args: string[]) => runCli(['migrate', ...args, '--url', url, '--config', configFile], { cwd: temp.root });

it("umzug with context: 'sequelize' hands each file the Sequelize instance, and keeps names as Umzug does", async () => {
  write(
    '2023-03-01_00_create-notes.js',
    "exports.up = async ({ context: sequelize }) => { await sequelize.query('CREATE TABLE notes (id integer)'); };\n" +
      "exports.down = async ({ context: sequelize }) => { await sequelize.query('DROP TABLE notes'); };\n",
  );
  const file = config({ format: 'umzug', context: 'sequelize', table: 'migrations_meta' });
  const up = await run(file, 'up');
  expect(up.stderr).not.toMatch(/error/);
  expect(up.code).toBe(0);
  expect(await tableExists(url, 'notes')).toBe(true);
  expect(await query(url, 'SELECT name FROM migrations_meta')).toEqual([{ name: '2023-03-01_00_create-notes.js' }]);
  // The legacy table holds the name and nothing else; updown's own record is beside it.
  expect(await query(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'migrations_meta'")).toEqual([{ column_name: 'name' }]);
  expect(await query(url, 'SELECT tracking_table, name, state FROM updown_history')).toEqual([
    { tracking_table: 'public.migrations_meta', name: '2023-03-01_00_create-notes.js', state: 'applied' },
  ]);
  const down = await run(file, 'down', '--to', '2023-03-01_00_create-notes');
  expect(down.code).toBe(0);
  expect(await tableExists(url, 'notes')).toBe(false);
  expect(await query(url, 'SELECT name FROM migrations_meta')).toEqual([]);
  expect(await query(url, 'SELECT name FROM updown_history')).toEqual([]);
});

it('a file listed in noTransaction runs outside a transaction at once: no failed first attempt, no warning', async () => {
  write('20230301000000-create-events.js', "module.exports = { up: (qi) => qi.sequelize.query('CREATE TABLE events (kind text)'), down: (qi) => qi.dropTable('events') };\n");
  write(
    '20230302000000-index-events.js',
    "module.exports = { up: (qi) => qi.addIndex('events', ['kind'], { name: 'events_kind', concurrently: true }), down: (qi) => qi.removeIndex('events', 'events_kind') };\n",
  );
  const file = config({ format: 'sequelize-cli', noTransaction: ['20230302000000-index-events'] });
  const up = await run(file, 'up');
  expect(up.code).toBe(0);
  expect(up.stderr).not.toMatch(/warning/);
  expect(await indexExists(url, 'events_kind')).toBe(true);
  expect(await query(url, 'SELECT name FROM "SequelizeMeta" ORDER BY name')).toEqual([
    { name: '20230301000000-create-events.js' },
    { name: '20230302000000-index-events.js' },
  ]);
});

it('without the list, the same file is rolled back, run again outside a transaction, and the warning names it', async () => {
  write('20230301000000-create-events.js', "module.exports = { up: (qi) => qi.sequelize.query('CREATE TABLE events (kind text)'), down: (qi) => qi.dropTable('events') };\n");
  write(
    '20230302000000-index-events.js',
    "module.exports = { up: (qi) => qi.addIndex('events', ['kind'], { name: 'events_kind', concurrently: true }), down: (qi) => qi.removeIndex('events', 'events_kind') };\n",
  );
  const up = await run(config({ format: 'sequelize-cli' }), 'up');
  expect(up.code).toBe(0);
  expect(up.stderr).toMatch(/warning: 20230302000000-index-events\.js: CREATE INDEX CONCURRENTLY cannot run inside a transaction block; rolled back, and run again outside a transaction/);
  expect(await indexExists(url, 'events_kind')).toBe(true);
});

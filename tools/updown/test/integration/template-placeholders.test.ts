/**
 * Issue 10: the template `migrate create` writes must not defeat "refuse before reverting". Its
 * placeholders carry a marker (`updown:unwritten`): an unedited up() is refused before anything
 * runs (it used to run `SELECT 1` and be recorded), and an unedited down() is refused at plan time,
 * before any file is reverted (it used to throw half-way through `down --all`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { onlyJson, runCli, spawnCli } from '../helpers/cli';
import { allUserTables, appliedNames, createScratchDatabase, dropScratchDatabase, resetDatabase, tableExists } from '../helpers/database';
import { tempMigrations, type TempMigrations } from '../helpers/fixtures';

const BASIC = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];

let url: string;
let temp: TempMigrations;
beforeAll(async () => {
  url = await createScratchDatabase('updown_placeholders');
});
beforeEach(() => {
  temp = tempMigrations('basic');
});
afterEach(async () => {
  temp.remove();
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const run = (stream: 'migrate' | 'seed', ...args: string[]) => runCli([stream, ...args, '--url', url, '--dir', temp.dir]);

/** `create NAME` in the temp folder; returns the file and its name. */
async function create(stream: 'migrate' | 'seed', name: string): Promise<{ file: string; name: string }> {
  const created = await runCli([stream, 'create', name, '--dir', temp.dir, '--json']);
  const { file } = onlyJson<{ file: string }>(created.stdout);
  return { file, name: path.basename(file, '.ts') };
}

/** Replaces one placeholder line (`throw new Error('updown:unwritten <part>() …')`) with `code`. */
function fill(file: string, part: 'up' | 'down', code: string): void {
  const body = fs.readFileSync(file, 'utf8');
  const line = new RegExp(`^ {2}throw new Error\\('updown:unwritten ${part}\\(\\) of .*$`, 'm');
  expect(body).toMatch(line);
  fs.writeFileSync(file, body.replace(line, `  ${code}`));
}

it('writes its example in the snake_case style of the sample backend', async () => {
  const { file } = await create('migrate', 'addStripeCustomerIdToOrganizations');
  const body = fs.readFileSync(file, 'utf8');
  expect(body).toContain("// await queryInterface.addColumn('organizations', 'stripe_customer_id', { type: DataTypes.STRING });");
  expect(body).toContain("// await queryInterface.removeColumn('organizations', 'stripe_customer_id');");
});

it('the README shows the template exactly as `create` writes it', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../../../README.md'), 'utf8');
  const shown = /exactly this:\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const template = fs.readFileSync(path.join(__dirname, '../../templates/migration.ts'), 'utf8');
  expect(shown).toBe(template.replace(/__NAME__/g, 'addStripeCustomerIdToOrganizations'));
});

it('an unedited up() is refused before anything runs, even the files before it, saying how to fix it', async () => {
  const { file } = await create('migrate', 'addGadgets');
  const up = await run('migrate', 'up');
  expect(up.code).toBe(2);
  expect(up.stderr).toContain(
    `error: ${file}: up() is still the template's placeholder, so nothing was run: write the change in up() (e.g. \`await queryInterface.addColumn(…)\`), and delete its \`throw new Error('updown:unwritten …')\` line`,
  );
  expect(await allUserTables(url)).toEqual([]);

  const json = await run('migrate', 'up', '--json');
  expect(onlyJson(json.stdout)).toMatchObject({ ok: false, executed: [], error: { type: 'UnwrittenMigrationError', file, direction: 'up' } });
});

it('an unedited down() lets up run (with a warning), then is refused at plan time: down --all reverts nothing', async () => {
  const { file, name } = await create('migrate', 'addGadgets');
  fill(file, 'up', "await queryInterface.sequelize.query('CREATE TABLE gadgets (id int PRIMARY KEY)');");
  const up = await run('migrate', 'up');
  expect(up.code).toBe(0);
  expect(up.stderr).toContain(`warning: ${file}: down() is still the template's placeholder: \`down\` will refuse this file until you write it (after this up, with \`repair --accept ${name}\`)`);
  expect(await appliedNames(url)).toEqual([...BASIC, name]);

  for (const args of [['--all'], [], ['--to', BASIC[0]]]) {
    const down = await run('migrate', 'down', ...args);
    expect({ args, code: down.code }).toEqual({ args, code: 2 });
    expect(down.stderr).toContain(
      `error: ${file}: down() is still the template's placeholder, so nothing was reverted: write the down() that undoes its up() (once applied, the edit is accepted with \`repair --accept ${name}\``,
    );
    expect(await appliedNames(url)).toEqual([...BASIC, name]);
    expect(await tableExists(url, 'gadgets')).toBe(true);
  }
  // Written, accepted, reverted: in real processes, as this one has the placeholder loaded.
  fill(file, 'down', "await queryInterface.sequelize.query('DROP TABLE gadgets');");
  const cli = (...args: string[]) => spawnCli(['migrate', ...args, '--url', url, '--dir', temp.dir]);
  expect((await cli('down', '--all')).stderr).toMatch(/was edited after it was applied/);
  expect((await cli('repair', '--accept', name)).code).toBe(0);
  const down = await cli('down', '--all');
  expect(down.stderr).toBe('');
  expect(down.code).toBe(0);
  expect(await appliedNames(url)).toEqual([]);
});

it('the dry run and verify refuse it too, before running anything', async () => {
  const { file } = await create('migrate', 'addGadgets');
  const dry = await run('migrate', 'up', '--dry-run');
  expect(dry.code).toBe(2);
  expect(dry.stderr).toContain(`${file}: up() is still the template's placeholder`);
  fill(file, 'up', "await queryInterface.sequelize.query('CREATE TABLE gadgets (id int PRIMARY KEY)');");
  // verify judges each file: this one is not reversible (exit 1), for that reason.
  const verify = await spawnCli(['migrate', 'verify', '--all', '--url', url, '--dir', temp.dir]);
  expect(verify.code).toBe(1);
  expect(verify.stdout).toMatch(/NOT reversible \S+-addGadgets/);
  expect(verify.stdout).toContain(`${file}: down() is still the template's placeholder`);
});

it('the seed template is refused the same way', async () => {
  fs.rmSync(temp.dir, { recursive: true });
  const { file } = await create('seed', 'createAdminUser');
  const up = await run('seed', 'up');
  expect(up.code).toBe(2);
  expect(up.stderr).toContain(`${file}: up() is still the template's placeholder`);
  expect(await allUserTables(url)).toEqual([]);
});

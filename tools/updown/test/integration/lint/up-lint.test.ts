/**
 * Lint inside `migrate up`: the production gate (lint first on a scratch database, refuse on an
 * unacknowledged finding unless --unsafe), warn mode elsewhere (the real run observed in place),
 * and lint.mode in updown.config.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query } from '../../helpers/database';
import { tempMigrations, type TempMigrations } from '../../helpers/fixtures';
import { writeCases, type LintCase } from '../../helpers/lint';

let url: string;
let folder: TempMigrations;
beforeEach(async () => {
  url = await createScratchDatabase('updown_uplint');
  folder = tempMigrations();
});
afterEach(async () => {
  await dropScratchDatabase(url);
  folder.remove();
});

const SETUP = ['CREATE TABLE users (id bigint PRIMARY KEY, email text)'];
const upArgs = (...extra: string[]) => ['migrate', 'up', '--url', url, '--dir', folder.dir, ...extra];
const indexExists = async () => (await query(url, "SELECT 1 FROM pg_indexes WHERE indexname = 'users_email_idx'")).length === 1;

function write(cases: LintCase[]): void {
  writeCases(folder.dir, SETUP, cases);
}
const INDEX: LintCase = { name: 'indexUsersEmail', sql: ['CREATE INDEX users_email_idx ON users (email)'] };

test('--env production: lint runs first on a scratch database, a finding refuses the run (exit 2) and nothing is applied', async () => {
  write([INDEX]);
  const { code, stderr } = await runCli(upArgs('--env', 'production'));
  expect(code).toBe(2);
  expect(stderr).toContain('index-not-concurrent 20240101010001-indexUsersEmail');
  expect(stderr).toMatch(/lint found 1 finding\(s\) that no file acknowledges \(20240101010001-indexUsersEmail\), and the environment is production: nothing was applied/);
  expect(await query(url, "SELECT to_regclass('users') AS t")).toEqual([{ t: null }]);
});

test('--env production --unsafe: applied, the findings printed as warnings', async () => {
  write([INDEX]);
  const { code, stderr } = await runCli(upArgs('--env', 'production', '--unsafe'));
  expect(code).toBe(0);
  expect(stderr).toMatch(/applying despite 1 lint finding\(s\) in 20240101010001-indexUsersEmail \(--unsafe\)/);
  expect(await indexExists()).toBe(true);
});

test('production with every finding acknowledged: applied', async () => {
  write([{ ...INDEX, allow: { 'index-not-concurrent': 'users is tiny' } }]);
  const { code } = await runCli(upArgs('--env', 'production'));
  expect(code).toBe(0);
  expect(await indexExists()).toBe(true);
});

test('a database recorded as production gates the run even without --env', async () => {
  write([]);
  expect((await runCli(upArgs('--env', 'production'))).code).toBe(0);
  writeCases(folder.dir, [], [INDEX]);
  const { code, stderr } = await runCli(upArgs());
  expect(code).toBe(2);
  expect(stderr).toContain('this database is recorded as production');
  expect(await indexExists()).toBe(false);
});

test('outside production: applied, observed in place, the finding printed as a warning after the file', async () => {
  write([INDEX]);
  expect((await runCli(upArgs('--to', '20240101010000-setup'))).code).toBe(0);
  const { code, stdout, stderr } = await runCli(upArgs());
  expect(code).toBe(0);
  expect(stdout).toMatch(/migrated {2}20240101010001-indexUsersEmail/);
  expect(stderr).toMatch(/warning: index-not-concurrent 20240101010001-indexUsersEmail: CREATE INDEX on users without CONCURRENTLY/);
  expect(stderr).toContain('lock: SHARE on users taken (observed in pg_locks)');
  expect(await indexExists()).toBe(true);
});

test('in place, a table an earlier file of the same run created counts as new: no warning', async () => {
  write([INDEX]);
  const { code, stderr } = await runCli(upArgs());
  expect(code).toBe(0);
  expect(stderr).not.toContain('index-not-concurrent');
  expect(await indexExists()).toBe(true);
});

test('--unsafe outside production: a note that it changes nothing there', async () => {
  write([]);
  const { code, stderr } = await runCli(upArgs('--unsafe'));
  expect(code).toBe(0);
  expect(stderr).toMatch(/--unsafe changes nothing here: lint refuses only in production or with lint.mode 'error' \(outside production, lint only warns\)/);
});

test("lint.mode 'off': no warning; lint.mode 'error' outside production: refused", async () => {
  write([INDEX]);
  const off = path.join(folder.root, 'off.config.ts');
  fs.writeFileSync(off, "export default { migrations: { dir: 'migrations' }, lint: { mode: 'off' } };\n");
  const strict = path.join(folder.root, 'error.config.ts');
  fs.writeFileSync(strict, "export default { migrations: { dir: 'migrations' }, lint: { mode: 'error' } };\n");

  const refused = await runCli(['migrate', 'up', '--url', url, '--config', strict]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/and lint.mode in updown.config.ts: nothing was applied/);

  const quiet = await runCli(['migrate', 'up', '--url', url, '--config', off]);
  expect(quiet.code).toBe(0);
  expect(quiet.stderr).not.toContain('index-not-concurrent');
  expect(await indexExists()).toBe(true);
});

test('in place, a json column added to a table this run made is checked once sent: each warning after its file, in order', async () => {
  write([
    { name: 'createEvents', sql: ['CREATE TABLE events (id bigint PRIMARY KEY)'] },
    { name: 'addEventsPayload', sql: ['ALTER TABLE events ADD COLUMN payload json'] },
    { name: 'addEventsMeta', sql: ['ALTER TABLE events ADD COLUMN meta json', 'CREATE INDEX events_id_idx ON events (id)'] },
  ]);
  const { code, stderr } = await runCli(upArgs());
  expect(code).toBe(0);
  const warnings = stderr.split('\n').filter((line) => line.startsWith('warning: json-column'));
  expect(warnings).toEqual([
    expect.stringContaining('20240101010002-addEventsPayload: events.payload is json: use jsonb'),
    expect.stringContaining('20240101010003-addEventsMeta: events.meta is json: use jsonb'),
  ]);
  expect(stderr).not.toContain('index-not-concurrent');
});

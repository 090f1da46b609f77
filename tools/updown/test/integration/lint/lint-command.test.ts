/**
 * `updown migrate lint` through the CLI: exit codes, --json, acknowledgements (in the file and in
 * updown.config.ts), refused input, a failing file, and a server role that cannot make the scratch
 * database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onlyJson, runCli } from '../../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query } from '../../helpers/database';
import { tempMigrations, type TempMigrations } from '../../helpers/fixtures';
import { writeCases, type LintCase } from '../../helpers/lint';

let url: string;
let folder: TempMigrations;
beforeEach(async () => {
  url = await createScratchDatabase('updown_lintcli');
  folder = tempMigrations();
});
afterEach(async () => {
  await dropScratchDatabase(url);
  folder.remove();
});

const SETUP = ['CREATE TABLE users (id bigint PRIMARY KEY, email text)'];
const INDEX: LintCase = { name: 'indexUsersEmail', sql: ['CREATE INDEX users_email_idx ON users (email)'] };
const lintArgs = (...extra: string[]) => ['migrate', 'lint', '--url', url, '--dir', folder.dir, ...extra];

async function applySetup(): Promise<void> {
  const applied = await runCli(['migrate', 'up', '--url', url, '--dir', folder.dir, '--to', '20240101010000-setup']);
  expect(applied.code).toBe(0);
}

test('a finding: exit 1, the block names file, rule, statement with a caret, lock, size and recipe', async () => {
  writeCases(folder.dir, SETUP, [INDEX]);
  await applySetup();
  const { code, stdout } = await runCli(lintArgs());
  expect(code).toBe(1);
  expect(stdout).toContain('index-not-concurrent 20240101010001-indexUsersEmail: CREATE INDEX on users without CONCURRENTLY');
  expect(stdout).toMatch(/ {4}CREATE INDEX users_email_idx ON users \(email\)\n {4}\s+\^/);
  expect(stdout).toContain('lock: SHARE on users taken (observed in pg_locks)');
  expect(stdout).toMatch(/size: users on the target: /);
  expect(stdout).toContain('CREATE INDEX CONCURRENTLY');
  expect(stdout).toMatch(/1 migration linted: 1 finding/);
  // The target is untouched: lint ran on a scratch copy.
  expect(await query(url, "SELECT 1 FROM pg_indexes WHERE indexname = 'users_email_idx'")).toEqual([]);
});

test('--json: one document with the findings, the scratch database and the server version', async () => {
  writeCases(folder.dir, SETUP, [INDEX]);
  await applySetup();
  const { code, stdout } = await runCli(lintArgs('--json'));
  expect(code).toBe(1);
  const doc = onlyJson<Record<string, any>>(stdout);
  expect(doc).toMatchObject({
    ok: false,
    scratch: { method: 'template' },
    serverVersionNum: expect.any(Number),
    lockTimeoutMs: 5000,
    files: [{ name: '20240101010001-indexUsersEmail', statements: 1, observed: 1, outsideTransaction: false }],
    findings: [
      {
        file: '20240101010001-indexUsersEmail',
        rule: 'index-not-concurrent',
        statement: 'CREATE INDEX users_email_idx ON users (email)',
        position: 33,
        lock: { mode: 'ShareLock', table: 'users', observed: true },
        table: { name: 'users', onTarget: true },
        recipe: expect.arrayContaining([expect.stringContaining('concurrently: true')]),
      },
    ],
    notLinted: [],
  });
});

test('acknowledged in the file with a reason: exit 0, the finding is listed as acknowledged', async () => {
  writeCases(folder.dir, SETUP, [{ ...INDEX, allow: { 'index-not-concurrent': 'users has 12 rows in every environment' } }]);
  await applySetup();
  const { code, stdout } = await runCli(lintArgs());
  expect(code).toBe(0);
  expect(stdout).toContain('acknowledged index-not-concurrent 20240101010001-indexUsersEmail');
  expect(stdout).toContain('acknowledged: users has 12 rows in every environment');
  expect(stdout).toMatch(/no finding, 1 acknowledged/);
});

test('an allow without a reason, or naming an unknown rule: exit 2 naming the file and the rule', async () => {
  writeCases(folder.dir, [], [{ ...INDEX, allow: { 'index-not-concurrent': '' } }]);
  const empty = await runCli(lintArgs());
  expect(empty.code).toBe(2);
  expect(empty.stderr).toMatch(/indexUsersEmail.*acknowledges 'index-not-concurrent' without a reason/s);

  // Another file name: Node caches a module by its path.
  fs.rmSync(folder.dir, { recursive: true });
  fs.mkdirSync(folder.dir);
  writeCases(folder.dir, [], [{ ...INDEX, name: 'indexUsersEmailAgain', allow: { 'index-not-concurent': 'typo' } }]);
  const unknown = await runCli(lintArgs());
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/unknown rule 'index-not-concurent' \(rules: index-not-concurrent, /);
});

test('updown.config.ts: an allow for an applied file that must not be edited; a bad lint.mode refuses naming it', async () => {
  writeCases(folder.dir, SETUP, [INDEX]);
  const config = path.join(folder.root, 'updown.config.ts');
  const allow = { '20240101010001-indexUsersEmail': { 'index-not-concurrent': 'built during the 2024 maintenance window' } };
  fs.writeFileSync(config, `export default { migrations: { dir: 'migrations' }, lint: { allow: ${JSON.stringify(allow)} } };\n`);
  await applySetup();
  const ok = await runCli(['migrate', 'lint', '--url', url, '--config', config]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('acknowledged: built during the 2024 maintenance window');

  const strict = path.join(folder.root, 'strict.config.ts');
  fs.writeFileSync(strict, "export default { migrations: { dir: 'migrations' }, lint: { mode: 'strict' } };\n");
  const bad = await runCli(['migrate', 'lint', '--url', url, '--config', strict]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('lint.mode "strict" is not a lint mode: use one of error, warn, off');
});

test('a file that fails while lint runs it: a finding of its own (it could not be checked), exit 1', async () => {
  writeCases(folder.dir, SETUP, [{ name: 'brokenFile', sql: ['ALTER TABLE users ADD COLUMN email text'] }, { name: 'afterIt', sql: ['SELECT 1'] }]);
  await applySetup();
  const { code, stdout } = await runCli(lintArgs());
  expect(code).toBe(1);
  expect(stdout).toMatch(/file-failed 20240101010001-brokenFile: it failed while lint ran it, so it could not be checked: column "email" of relation "users" already exists/);
  expect(stdout).toContain('not linted (an earlier migration failed): 20240101010002-afterIt');
});

test('nothing pending: exit 0 and says so; --all lints every file from an empty database', async () => {
  writeCases(folder.dir, SETUP, []);
  await applySetup();
  const none = await runCli(lintArgs());
  expect(none.code).toBe(0);
  expect(none.stdout).toMatch(/nothing to lint: no pending migration/);
  const all = await runCli(lintArgs('--all'));
  expect(all.code).toBe(0);
  expect(all.stdout).toMatch(/linting migrations on a new empty database/);
  expect(all.stdout).toMatch(/1 migration linted: no finding/);
});

test('a role that cannot create databases: exit 2 with the fix, and the target is never used instead', async () => {
  writeCases(folder.dir, SETUP, [INDEX]);
  await applySetup();
  const role = `updown_nocreatedb_${process.pid}`;
  await query(url, `DROP ROLE IF EXISTS ${role}`);
  await query(url, `CREATE ROLE ${role} LOGIN NOCREATEDB`);
  try {
    await query(url, `GRANT ALL ON SCHEMA public TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const limited = url.replace('postgres@', `${role}@`);
    const { code, stderr } = await runCli(['migrate', 'lint', '--url', limited, '--dir', folder.dir]);
    expect(code).toBe(2);
    expect(stderr).toContain('cannot make a scratch database');
    expect(stderr).toContain(`ALTER ROLE ${role} CREATEDB`);
    expect(await query(url, "SELECT 1 FROM pg_indexes WHERE indexname = 'users_email_idx'")).toEqual([]);
  } finally {
    await query(url, `REASSIGN OWNED BY ${role} TO postgres; DROP OWNED BY ${role}; DROP ROLE ${role}`);
  }
});

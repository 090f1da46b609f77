import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onlyJson, REPO_ROOT, spawnCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';
import { fixtureDir, treeOf } from '../helpers/fixtures';

/*
 * `updown adopt` as a real process in a sequelize-cli project (test/fixtures/sequelizerc-env-variable:
 * .sequelizerc with path.resolve, config/config.json with use_env_variable, db/migrations and
 * db/seeders in sequelize-cli's module shape), checked against what sequelize-cli itself does there.
 */

const PROJECT = fixtureDir('sequelizerc-env-variable');
const SEQUELIZE_CLI = path.join(REPO_ROOT, 'node_modules/.bin/sequelize-cli');
const MIGRATIONS = ['20240901000000-create-authors.js', '20240902000000-add-author-email.js'];

let url: string;
/** The same database with a password in the URL: the server trusts local connections, so any password works. */
let urlWithPassword: string;

beforeAll(async () => {
  url = await createScratchDatabase('updown_adopt');
  const parsed = new URL(url);
  parsed.password = 's3cret@pw';
  urlWithPassword = parsed.toString();
});
afterAll(() => dropScratchDatabase(url));

const adopt = (args: string[] = [], env: Record<string, string> = { SQCLI_FIXTURE_DATABASE_URL: urlWithPassword }, cwd = PROJECT) =>
  spawnCli(['adopt', ...args], { cwd, env });

function temporaryFolder(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'updown-adopt-')));
}

interface AdoptJson {
  layout: string;
  root: string;
  environment: string;
  read: string[];
  streams: { kind: string; dir: string; files: string[]; layout: Record<string, unknown>; tracking?: Record<string, unknown> }[];
  database: { url?: string; source?: string; checked: boolean; note?: string };
  plan: string[];
  configText?: string;
}

describe('updown adopt in a sequelize-cli project', () => {
  it('prints the files it read, the folders and their files, the masked target and the tracking tables; writes nothing', async () => {
    const before = treeOf(PROJECT);
    const result = await adopt();
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`sequelize-cli project ${PROJECT} (environment development; the config has development, test, production)`);
    expect(lines).toContain('read       .sequelizerc');
    expect(lines).toContain('read       config/config.json');
    expect(lines).toContain('migrations db/migrations: 2 files, format sequelize-cli, tracked in "public"."sequelize_meta" (does not exist yet)');
    expect(lines).toContain('seeds      db/seeders: 1 file, format sequelize-cli, not tracked');
    expect(lines).toContain(
      `database   ${urlWithPassword.replace(encodeURIComponent('s3cret@pw'), '****')} (from config/config.json (development): use_env_variable SQCLI_FIXTURE_DATABASE_URL)`,
    );
    expect(result.stdout).toMatch(/updown migrate up: runs 2 pending of 2 files in db\/migrations as sequelize-cli modules/);
    expect(result.stdout).toContain("migrations: { dir: 'db/migrations', format: 'sequelize-cli', table: 'sequelize_meta' },");
    expect(result.stdout).toContain("seeds: { dir: 'db/seeders', format: 'sequelize-cli', tracked: false },");
    expect(result.stdout + result.stderr).not.toMatch(/s3cret/);
    expect(treeOf(PROJECT)).toEqual(before);
  });

  it('sees the history that sequelize-cli itself wrote (db:migrate --to the first file)', async () => {
    const migrated = spawnSync(SEQUELIZE_CLI, ['db:migrate', '--to', MIGRATIONS[0]], {
      cwd: PROJECT,
      env: { ...process.env, NODE_ENV: '', SQCLI_FIXTURE_DATABASE_URL: url },
      encoding: 'utf8',
    });
    expect(migrated.status).toBe(0);
    expect(await query(url, 'SELECT name FROM sequelize_meta ORDER BY name')).toEqual([{ name: MIGRATIONS[0] }]);

    const result = await adopt(['--json']);
    expect(result.code).toBe(0);
    const report = onlyJson<AdoptJson>(result.stdout);
    expect(report.database).toMatchObject({ checked: true, source: `${PROJECT}/config/config.json (development): use_env_variable SQCLI_FIXTURE_DATABASE_URL` });
    expect(report.database.url).not.toContain('s3cret');
    expect(report.streams[0]).toMatchObject({
      kind: 'migrations',
      dir: path.join(PROJECT, 'db/migrations'),
      files: MIGRATIONS,
      layout: { format: 'sequelize-cli', table: 'sequelize_meta' },
      tracking: { schema: 'public', table: 'sequelize_meta', exists: true, rows: 1, pending: 1 },
    });
    expect(report.plan[0]).toMatch(/^updown migrate up: runs 1 pending of 2 files/);
  });

  it('reads the environment from NODE_ENV: "test" tracks seeders in its own table', async () => {
    const result = await adopt(['--json'], { NODE_ENV: 'test', SQCLI_FIXTURE_DATABASE_URL: url });
    const report = onlyJson<AdoptJson>(result.stdout);
    expect(report.environment).toBe('test');
    expect(report.streams[1]).toMatchObject({ kind: 'seeds', layout: { format: 'sequelize-cli', table: 'sequelize_data' }, tracking: { exists: false, rows: 0 } });
    expect(report.configText).toContain("seeds: { dir: 'db/seeders', format: 'sequelize-cli', table: 'sequelize_data' },");
  });

  it('reports an unreachable database as a note and still exits 0', async () => {
    const result = await adopt([], { SQCLI_FIXTURE_DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:1/app' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/note {7}could not reach the database \(.*ECONNREFUSED.*\): the tracking tables were not checked/);
    expect(result.stdout).toContain('(not checked)');
    expect(result.stdout + result.stderr).not.toContain('s3cret');
  });
});

it('reads an ES module config.mjs whose default export is an async function, with fields and a password', async () => {
  const { port, pathname } = new URL(url);
  const env = { SQCLI_FIXTURE_PASSWORD: 'p@ss:word', SQCLI_FIXTURE_PORT: port || '5432', SQCLI_FIXTURE_DATABASE: pathname.slice(1) };
  const result = await adopt(['--json'], env, fixtureDir('sequelizerc-esm-config'));
  expect(result.code).toBe(0);
  const report = onlyJson<AdoptJson>(result.stdout);
  // The server trusts local connections, so this shows the fields became a URL pg accepts; the password stays out of the output.
  expect(report.database).toMatchObject({ checked: true, url: `postgres://postgres:****@127.0.0.1:${env.SQCLI_FIXTURE_PORT}/${env.SQCLI_FIXTURE_DATABASE}` });
  expect(result.stdout + result.stderr).not.toMatch(/p@ss|p%40ss/);
  expect(report.streams[0]).toMatchObject({ files: ['20241001000000-create-tags.js'], tracking: { schema: 'history', table: 'SequelizeMeta', exists: false } });
  expect(report.streams[1]).toMatchObject({ kind: 'seeds', exists: false });
  expect(report.plan[1]).toMatch(/^updown seed up: nothing to run, .*seeders does not exist$/);
});

describe('refusals exit 2 and say how to go on', () => {
  it('nothing found: names the places it looked', async () => {
    const empty = temporaryFolder();
    try {
      const result = await adopt([], {}, empty);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`found no project: looked for updown.config.ts, updown.config.js, .sequelizerc, or config/config.js|config/config.json beside migrations/ in ${empty}, `);
      const json = await adopt(['--json'], {}, empty);
      expect(json.code).toBe(2);
      expect(onlyJson<{ ok: boolean; error: { message: string } }>(json.stdout)).toMatchObject({ ok: false, error: { message: expect.stringContaining('found no project') } });
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('two layouts in one folder: asks for --format or --config, and --format settles it', async () => {
    const copy = temporaryFolder();
    try {
      fs.cpSync(PROJECT, copy, { recursive: true });
      fs.writeFileSync(path.join(copy, 'updown.config.js'), "module.exports = { migrations: { dir: 'db/migrations' } };\n");
      const result = await adopt([], {}, copy);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`found updown.config.js and a sequelize-cli project (.sequelizerc) in ${copy}: pass --format sequelize-cli`);
      expect(result.stderr).toContain(`or --config ${path.join(copy, 'updown.config.js')} to use updown's config`);
      const settled = await adopt(['--format', 'sequelize-cli', '--url', url], {}, copy);
      expect(settled.code).toBe(0);
      expect(settled.stdout.split('\n')[0]).toMatch(/^sequelize-cli project /);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('an unknown --format names the value and the formats there are', async () => {
    const result = await adopt(['--format', 'knex']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format "knex" is not a module format: use one of updown, sequelize-cli, umzug');
  });

  it('a use_env_variable that is not set names the variable and the config file, for adopt and for migrate up', async () => {
    const message = `${PROJECT}/config/config.json (development) says use_env_variable "SQCLI_FIXTURE_DATABASE_URL", but SQCLI_FIXTURE_DATABASE_URL is not set`;
    const result = await adopt([], { DATABASE_URL: url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    const up = await spawnCli(['migrate', 'up'], { cwd: PROJECT, env: { DATABASE_URL: url } });
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(message);
  });

  it('an environment missing from config.json names the ones there are', async () => {
    const result = await adopt(['--env', 'staging']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${PROJECT}/config/config.json has no environment "staging" (it has "development", "test", "production")`);
  });
});

it('every command names its target database, password masked, on stderr under --json', async () => {
  const empty = temporaryFolder();
  try {
    const result = await spawnCli(['migrate', 'status', '--dir', empty, '--url', urlWithPassword, '--json'], { cwd: empty });
    expect(result.stderr).toContain(`database ${urlWithPassword.replace(encodeURIComponent('s3cret@pw'), '****')} (from --url)`);
    expect(result.stdout + result.stderr).not.toContain('s3cret');
    expect(onlyJson(result.stdout)).toHaveProperty('ok');
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

/**
 * A numbered SQL folder adopted from its own runner (test/fixtures/sql-numbered, `scripts/migrate.js`),
 * history kept: the runner applies part of it into `migrations(filename)` inside DATABASE_SCHEMA,
 * `updown adopt` says what it found and prints the config, updown applies the rest writing that
 * table as the runner did, and the runner then finds nothing to do. Seeds untracked, with a
 * production subset; one seed by name; an edited applied file refused; no downs.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query, tablesIn } from '../helpers/database';
import { copyProject, expectCode, updown, type ProjectCopy, type ToolRun } from '../helpers/legacy';

const SCHEMA = 'app';
const FILES = [
  '000_enable_extensions.sql',
  '000a_create_roles_table.sql',
  '001_create_users_table.sql',
  '002_create_episodes_table.sql',
  '039_create_episode_assignment_template_table.sql',
  '040_add_published_at_to_episodes.sql',
];

let url: string;
let project: ProjectCopy;
let config: string;

beforeAll(async () => {
  url = await createScratchDatabase('updown_sqlnum');
});
afterAll(() => dropScratchDatabase(url));
beforeEach(() => {
  project = copyProject('sql-numbered');
  config = path.join(project.dir, 'updown.config.ts');
});
afterEach(async () => {
  project.remove();
  await query(url, `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; DROP EXTENSION IF EXISTS pgcrypto;`);
});

/** The team's runner, as a real process in the project's folder. */
function runner(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join('scripts', script), ...args], { cwd: project.dir, env: { PATH: process.env.PATH, DATABASE_URL: url, DATABASE_SCHEMA: SCHEMA, ...env } }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      if (error && typeof (error as { code?: unknown }).code !== 'number') return reject(error);
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

const cli = (args: string[], env: Record<string, string> = {}) => runCli([...args, '--url', url, '--config', config], { env: { DATABASE_SCHEMA: SCHEMA, ...env } });

const filenames = async () => (await query<{ filename: string }>(url, `SELECT filename FROM ${SCHEMA}.migrations ORDER BY id`)).map((row) => row.filename);

/** What adopt printed as the config, saved where updown will find it. */
async function adoptAndSave(): Promise<string> {
  const adopted = expectCode(await updown(['adopt', '--json'], { cwd: project.dir, url, env: { DATABASE_SCHEMA: SCHEMA } }), 0);
  const report = JSON.parse(adopted.stdout) as { layout: string; configText: string; streams: { kind: string; tracking?: { exists?: boolean; rows?: number; pending?: number } }[] };
  expect(report.layout).toBe('numbered-sql');
  fs.writeFileSync(config, report.configText);
  return adopted.stdout;
}

it('adopts the runner\'s history: updown applies the rest into migrations(filename), and the runner still reads it', async () => {
  expectCode(await runner('migrate.js', ['001_create_users_table.sql']), 0);
  expect(await filenames()).toEqual(FILES.slice(0, 3));
  const adopted = JSON.parse(await adoptAndSave()) as { streams: { kind: string; tracking?: unknown }[] };
  expect(adopted.streams.find((stream) => stream.kind === 'migrations')?.tracking).toEqual({ schema: SCHEMA, table: 'migrations', exists: true, rows: 3, pending: 3 });
  expect(fs.readFileSync(config, 'utf8')).toContain("migrations: { dir: 'db/migrations', format: 'sql', tracking: 'numbered' }");

  const status = await cli(['migrate', 'status', '--json']);
  expect(JSON.parse(status.stdout).items.map((item: { name: string; state: string }) => `${item.state} ${item.name}`)).toEqual([
    ...FILES.slice(0, 3).map((file) => `applied ${file}`),
    ...FILES.slice(3).map((file) => `pending ${file}`),
  ]);

  const up = await cli(['migrate', 'up']);
  expect(up.stderr).toBe('');
  expect(up.code).toBe(0);
  expect(up.stdout).toContain('recorded checksums for 3 file(s) applied before updown kept them');
  expect(up.stdout).toContain('migrated  040_add_published_at_to_episodes.sql');
  // The runner's table, row for row as the runner writes it: ids in order, its own applied_at default.
  expect(await query(url, `SELECT id, filename, applied_at IS NOT NULL AS stamped FROM ${SCHEMA}.migrations ORDER BY id`)).toEqual(
    FILES.map((filename, index) => ({ id: index + 1, filename, stamped: true })),
  );
  expect(await tablesIn(url, SCHEMA)).toEqual(
    expect.arrayContaining(['episode_assignment_templates', 'episodes', 'migrations', 'roles', 'updown_history', 'updown_metadata', 'users']),
  );
  const again = expectCode(await runner('migrate.js'), 0);
  expect(again.stdout.trim()).toBe('6 already applied');
});

it('refuses an edited applied file before anything runs, and refuses going down through files with no down', async () => {
  expectCode(await runner('migrate.js'), 0);
  await adoptAndSave();
  expectCode(await updown(['migrate', 'up'], { cwd: project.dir, url, env: { DATABASE_SCHEMA: SCHEMA } }), 0);
  const edited = path.join(project.dir, 'db/migrations/040_add_published_at_to_episodes.sql');
  fs.appendFileSync(edited, 'ALTER TABLE episodes ADD COLUMN archived_at timestamptz;\n');
  fs.writeFileSync(path.join(project.dir, 'db/migrations/041_add_slug_to_episodes.sql'), 'ALTER TABLE episodes ADD COLUMN slug text;\n');
  const refused = await cli(['migrate', 'up']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(`${edited} was edited after it was applied`);
  expect(await filenames()).toEqual(FILES);

  fs.writeFileSync(edited, fs.readFileSync(edited, 'utf8').replace('ALTER TABLE episodes ADD COLUMN archived_at timestamptz;\n', ''));
  const down = await cli(['migrate', 'down']);
  expect(down.code).toBe(2);
  expect(down.stderr).toContain('040_add_published_at_to_episodes.sql has no down: updown will not revert it');
  expect(await filenames()).toEqual(FILES);
});

it('seeds: untracked and re-run, only the production subset in production, one by name; db fresh drops, migrates and seeds', async () => {
  await adoptAndSave();
  fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace("tracked: false }", "tracked: false, environments: { production: ['001_roles.sql'] } }"));
  expectCode(await updown(['migrate', 'up'], { cwd: project.dir, url, env: { DATABASE_SCHEMA: SCHEMA } }), 0);

  const production = await cli(['seed', 'up'], { NODE_ENV: 'production' });
  expect(production.code).toBe(0);
  expect(production.stdout).toContain('skipped seed 002_demo_users: only for development, test (environment is production)');
  expect(production.stdout).toContain('seeded    001_roles');
  expect(await query(url, `SELECT count(*)::int AS n FROM ${SCHEMA}.users`)).toEqual([{ n: 0 }]);

  const one = await cli(['seed', 'run', '002_demo_users.sql']);
  expect(one.code).toBe(0);
  expect(await query(url, `SELECT email FROM ${SCHEMA}.users`)).toEqual([{ email: 'editor@example.test' }]);
  // Untracked: every seed runs again, and being idempotent changes nothing.
  const twice = await cli(['seed', 'up']);
  expect(twice.stdout).toMatch(/2 seeds applied/);
  expect(await query(url, `SELECT count(*)::int AS n FROM ${SCHEMA}.roles`)).toEqual([{ n: 3 }]);
  expect((await query(url, `SELECT to_regclass('${SCHEMA}."SequelizeData"') AS t`))[0].t).toBeNull();

  const fresh = await cli(['db', 'fresh']);
  expect(fresh.code).toBe(0);
  expect(fresh.stdout).toMatch(/6 migrations and 2 seeds applied/);
  expect(await filenames()).toEqual(FILES);
});

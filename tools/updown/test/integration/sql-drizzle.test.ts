/**
 * A drizzle-kit project (test/fixtures/sql-drizzle, its files written by drizzle-kit generate)
 * adopted with its history: drizzle-orm's own migrator applies the first file, updown applies
 * the next one into `drizzle.__drizzle_migrations` as that migrator would, and `drizzle-kit
 * migrate` then finds nothing to do. An edited applied file is refused by its hash; drizzle-kit
 * writes no downs, so verify says irreversible and down refuses.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { Pool } from 'pg';
import { onlyJson, REPO_ROOT, runCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query, resetDatabase, tablesIn } from '../helpers/database';
import { copyProject, expectCode, updown, type ProjectCopy, type ToolRun } from '../helpers/legacy';

const TAGS = ['0000_create_authors_and_posts', '0001_add_published_at'];

let url: string;
let project: ProjectCopy;
let migrations: string;

beforeAll(async () => {
  url = await createScratchDatabase('updown_drizzle');
});
afterAll(() => dropScratchDatabase(url));
beforeEach(() => {
  project = copyProject('sql-drizzle');
  migrations = path.join(project.dir, 'drizzle');
});
afterEach(async () => {
  project.remove();
  await resetDatabase(url);
});

/** drizzle-orm's migrator itself, on a journal cut after the first `count` entries (the team's history so far). */
async function drizzleMigrate(count: number): Promise<void> {
  const journal = path.join(migrations, 'meta/_journal.json');
  const full = fs.readFileSync(journal, 'utf8');
  const cut = JSON.parse(full);
  cut.entries = cut.entries.slice(0, count);
  fs.writeFileSync(journal, JSON.stringify(cut, null, 2));
  const pool = new Pool({ connectionString: url });
  try {
    await migrate(drizzle(pool), { migrationsFolder: migrations });
  } finally {
    await pool.end();
    fs.writeFileSync(journal, full);
  }
}

/** `npx drizzle-kit migrate` in the project, as its team runs it. */
function drizzleKit(args: string[]): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'node_modules/drizzle-kit/bin.cjs'), ...args], {
      cwd: project.dir,
      env: { PATH: process.env.PATH, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}

const cli = (...args: string[]) => runCli([...args, '--url', url, '--dir', migrations, '--format', 'sql']);
const history = () => query<{ id: number; hash: string; created_at: string }>(url, 'SELECT id, hash, created_at::text AS created_at FROM drizzle.__drizzle_migrations ORDER BY id');

it("continues drizzle-orm's history in __drizzle_migrations, and drizzle-kit migrate then has nothing to do", async () => {
  await drizzleMigrate(1);
  const status = onlyJson<{ items: { name: string; state: string }[] }>((await cli('migrate', 'status', '--json')).stdout);
  expect(status.items.map((item) => `${item.state} ${item.name}`)).toEqual([`applied ${TAGS[0]}`, `pending ${TAGS[1]}`]);

  const up = await cli('migrate', 'up');
  // drizzle-kit wrote a plain CREATE INDEX on an existing table: lint says so (warn mode), nothing else is said.
  expect(up.stderr.split('\n').filter((line) => /^(warning|error)/.test(line))).toEqual([
    expect.stringMatching(/^warning: index-not-concurrent 0001_add_published_at: CREATE INDEX on posts without CONCURRENTLY/),
  ]);
  expect(up.code).toBe(0);
  // Row for row what drizzle-orm's migrator writes: its hash of the file, the journal's `when`.
  const expected = readMigrationFiles({ migrationsFolder: migrations }).map((file, index) => ({ id: index + 1, hash: file.hash, created_at: String(file.folderMillis) }));
  expect(await history()).toEqual(expected);
  expect(await query(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'published_at'")).toHaveLength(1);

  const kit = await drizzleKit(['migrate']);
  expect(kit.code).toBe(0);
  expect(kit.output).toContain('migrations applied successfully');
  expect(await history()).toEqual(expected);
});

it('adopt finds drizzle.config.ts and its table; updown runs the folder from the config it prints', async () => {
  await drizzleMigrate(2);
  const adopted = expectCode(await updown(['adopt', '--json'], { cwd: project.dir, url }), 0);
  const report = JSON.parse(adopted.stdout) as { layout: string; read: string[]; streams: { dir: string; tracking: unknown }[]; configText: string };
  expect(report.layout).toBe('drizzle-kit');
  expect(report.read).toEqual([path.join(project.dir, 'drizzle.config.ts')]);
  expect(report.streams[0]).toMatchObject({ dir: migrations, tracking: { schema: 'drizzle', table: '__drizzle_migrations', exists: true, rows: 2, pending: 0 } });
  fs.writeFileSync(path.join(project.dir, 'updown.config.ts'), report.configText);
  const status = expectCode(await updown(['migrate', 'status', '--check'], { cwd: project.dir, url }), 0);
  expect(status.stdout).toContain('2 applied');
});

it('refuses an applied file whose hash no longer matches, before anything runs', async () => {
  await drizzleMigrate(1);
  const file = path.join(migrations, `${TAGS[0]}.sql`);
  fs.appendFileSync(file, '\n--> statement-breakpoint\nALTER TABLE "authors" ADD COLUMN "bio" text;');
  const refused = await cli('migrate', 'up');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(`${file} was edited after it was applied`);
  expect(await history()).toHaveLength(1);
});

it('drizzle-kit writes no downs: verify says irreversible, down refuses and changes nothing', async () => {
  const verify = await cli('migrate', 'verify', '--all', '--json');
  const report = onlyJson<{ ok: boolean; migrations: { name: string; irreversible?: boolean; reversible: boolean }[] }>(verify.stdout);
  expect(report.migrations.map((item) => [item.name, item.reversible, item.irreversible])).toEqual([
    [TAGS[0], false, true],
    [TAGS[1], false, true],
  ]);
  expect(verify.code).toBe(1);

  expect((await cli('migrate', 'up')).code).toBe(0);
  const down = await cli('migrate', 'down');
  expect(down.code).toBe(2);
  expect(down.stderr).toContain(`${TAGS[1]}.sql has no down`);
  expect(await history()).toHaveLength(2);
  expect(await tablesIn(url)).toEqual(expect.arrayContaining(['authors', 'posts']));
});

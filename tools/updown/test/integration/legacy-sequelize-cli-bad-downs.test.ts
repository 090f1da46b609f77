/**
 * Downs that sequelize-cli projects get wrong (test/fixtures/legacy-sequelize-cli-bad-downs, a
 * project in sequelize-cli's default layout: config/config.js beside migrations/, no .sequelizerc).
 * sequelize-cli fails two of them without a transaction and "succeeds" on the third by forgetting the
 * whole history; updown fails each one (exit 1), naming the file, and changes nothing. Each bad file
 * is the last applied one in a copy of the project that stops at it. Real PostgreSQL, real processes.
 */
import { onlyJson } from '../helpers/cli';
import { columnExists, createScratchDatabase, dropScratchDatabase, resetDatabase, tableExists } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';
import { copyProject, expectCode, legacyNames, relationsIn, sequelizeCli, sequelizeCliStatus, stem, updown, type ProjectCopy } from '../helpers/legacy';

const FILES = [
  '20200101000000-create-accounts.js',
  '20200102000000-remove-legacy-code-from-accounts.js', // down: uses Sequelize, does not take it
  '20200103000000-drop-flags-from-accounts.js', // down: throw new Error('Cannot undo this migration.')
  '20200104000000-create-audit-events.js', // down: queryInterface.dropAllTables()
];
const [, NO_SEQUELIZE_PARAM, CANNOT_UNDO, DROPS_ALL] = FILES;

let url: string;
let copy: ProjectCopy | undefined;
beforeAll(async () => {
  url = await createScratchDatabase('updown_legacy_bad');
});
afterEach(async () => {
  copy?.remove();
  copy = undefined;
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

/** A copy of the project whose history ends at `last`. */
function projectUpTo(last: string): string {
  copy = copyProject('legacy-sequelize-cli-bad-downs', (relative) => !relative.startsWith('migrations/') || relative.slice('migrations/'.length) <= last);
  return copy.dir;
}

describe('under sequelize-cli itself (what the fixture is written against)', () => {
  test('the Sequelize-in-down file fails with a ReferenceError and stays recorded', async () => {
    const cwd = projectUpTo(NO_SEQUELIZE_PARAM);
    expectCode(await sequelizeCli(['db:migrate'], { cwd, url }), 0);
    const undo = await sequelizeCli(['db:migrate:undo'], { cwd, url });
    expectCode(undo, 1);
    expect(undo.stderr).toContain('ERROR: Sequelize is not defined');
    expect(await legacyNames(url)).toEqual(FILES.slice(0, 2));
  });

  test('the "Cannot undo this migration." file fails and stays recorded', async () => {
    const cwd = projectUpTo(CANNOT_UNDO);
    expectCode(await sequelizeCli(['db:migrate'], { cwd, url }), 0);
    const undo = await sequelizeCli(['db:migrate:undo'], { cwd, url });
    expectCode(undo, 1);
    expect(undo.stderr).toContain('ERROR: Cannot undo this migration.');
    expect(await legacyNames(url)).toEqual(FILES.slice(0, 3));
  });

  test('the dropAllTables down "succeeds": every table is gone and SequelizeMeta comes back empty, the history forgotten', async () => {
    const cwd = fixtureDir('legacy-sequelize-cli-bad-downs');
    expectCode(await sequelizeCli(['db:migrate'], { cwd, url }), 0);
    const undo = await sequelizeCli(['db:migrate:undo'], { cwd, url });
    expectCode(undo, 0);
    expect(await relationsIn(url)).toEqual(['SequelizeMeta']);
    expect(await legacyNames(url)).toEqual([]);
  });
});

describe('updown on the same bad downs', () => {
  const run = (cwd: string, ...args: string[]) => updown(args, { cwd, url });

  test('a down that uses Sequelize without taking it as a parameter fails (exit 1) naming the file and the parameter; nothing is reverted', async () => {
    const cwd = projectUpTo(NO_SEQUELIZE_PARAM);
    expectCode(await run(cwd, 'migrate', 'up'), 0);
    const down = await run(cwd, 'migrate', 'down');
    expectCode(down, 1);
    expect(down.stderr).toContain(stem(NO_SEQUELIZE_PARAM));
    expect(down.stderr).toMatch(/\bSequelize\b/);
    expect(down.stderr).toMatch(/parameter/i);
    expect(await legacyNames(url)).toEqual(FILES.slice(0, 2));
    expect(await columnExists(url, 'accounts', 'legacy_code')).toBe(false);
    const status = await sequelizeCli(['db:migrate:status'], { cwd, url });
    expect(sequelizeCliStatus(status.stdout)).toEqual(FILES.slice(0, 2).map((file) => ['up', file]));
  });

  test('a down that throws "Cannot undo this migration." fails (exit 1) naming the file; it stays applied and recorded', async () => {
    const cwd = projectUpTo(CANNOT_UNDO);
    expectCode(await run(cwd, 'migrate', 'up'), 0);
    const down = await run(cwd, 'migrate', 'down', '--json');
    expectCode(down, 1);
    const doc = onlyJson<{ ok: boolean; executed: unknown[]; error: { message: string; migration?: string } }>(down.stdout);
    expect(doc).toMatchObject({ ok: false, executed: [] });
    expect(stem(doc.error.migration ?? '')).toBe(stem(CANNOT_UNDO));
    expect(doc.error.message).toContain('Cannot undo this migration.');
    expect(await legacyNames(url)).toEqual(FILES.slice(0, 3));
    expect(await columnExists(url, 'accounts', 'flags')).toBe(false);
  });

  test('a down that drops every table, the tracking table included, fails (exit 1), is rolled back, and says it dropped the tracking table', async () => {
    const cwd = fixtureDir('legacy-sequelize-cli-bad-downs');
    expectCode(await run(cwd, 'migrate', 'up'), 0);
    const down = await run(cwd, 'migrate', 'down');
    expectCode(down, 1);
    expect(down.stderr).toContain(stem(DROPS_ALL));
    expect(down.stderr).toMatch(/tracking table/i);
    expect(down.stderr).toContain('SequelizeMeta');
    for (const table of ['accounts', 'audit_events', 'SequelizeMeta']) expect(await tableExists(url, table)).toBe(true);
    expect(await legacyNames(url)).toEqual(FILES);
    const status = await sequelizeCli(['db:migrate:status'], { cwd, url });
    expect(sequelizeCliStatus(status.stdout)).toEqual(FILES.map((file) => ['up', file]));
  });

  test('verify --all: "Cannot undo this migration." is irreversible on purpose; the other two bad downs are not reversible', async () => {
    const cwd = fixtureDir('legacy-sequelize-cli-bad-downs');
    const verify = await run(cwd, 'migrate', 'verify', '--all', '--json');
    expectCode(verify, 1);
    const doc = onlyJson<{ ok: boolean; migrations: { name: string; reversible: boolean; irreversible?: boolean; error?: { phase: string } }[] }>(verify.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.migrations.map((m) => [stem(m.name), m.reversible, m.irreversible ?? false])).toEqual([
      [stem(FILES[0]), true, false],
      [stem(NO_SEQUELIZE_PARAM), false, false],
      [stem(CANNOT_UNDO), false, true],
      [stem(DROPS_ALL), false, false],
    ]);
    expect(doc.migrations[1].error).toMatchObject({ phase: 'down' });

    const human = await run(cwd, 'migrate', 'verify', '--all');
    expect(human.stdout).toMatch(new RegExp(`^irreversible\\s+${stem(CANNOT_UNDO)}`, 'm'));
    expect(await legacyNames(url)).toEqual([]);
  });
});

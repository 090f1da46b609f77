/**
 * A sequelize-cli project taken over as it is (DESIGN "Additions", module shapes): the folder of
 * test/fixtures/legacy-sequelize-cli has a .sequelizerc, config/config.json with use_env_variable and
 * db/migrations written in the habits of such projects, and no updown.config.ts. updown runs in that
 * folder with DATABASE_URL only, writes SequelizeMeta exactly as sequelize-cli would, and the real
 * sequelize-cli reads the result. Real PostgreSQL, real processes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onlyJson } from '../helpers/cli';
import { columnExists, createScratchDatabase, dropScratchDatabase, enumTypes, indexExists, query, resetDatabase, tableExists } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';
import {
  byCodeUnit,
  expectCode,
  legacyNames,
  relationsIn,
  SEQUELIZE_CLI_PATTERN,
  SEQUELIZE_META_SHAPE,
  sequelizeCli,
  sequelizeCliStatus,
  stem,
  tableShape,
  updown,
  warningsAbout,
  type ToolRun,
} from '../helpers/legacy';

const PROJECT = fixtureDir('legacy-sequelize-cli');

/** The history as sequelize-cli names and orders it (file names with their extension). */
const FILES = [
  '20160619080644-create-user.js',
  '20160620101512-create-post.js',
  '20160702093020-add-moderator-role.js',
  '20160715143301-add-display-name-to-users.js',
  '20161003112233-create-settings.js',
  '20161003112500-insert-default-settings.js',
  '20170210154500-add-published-at-to-posts.js',
  '20170301090000-add-locale-to-users.js',
  '20170412160000-import-legacy-nicknames.js',
  '20170520084500-index-posts-title-concurrently.js',
  '20170601-add-word-count-to-posts.js', // before 20170601100000-…: '-' < '1'
  '20170601100000-add-views-count-to-posts.cjs',
  '20170815120000-index-posts-by-author-and-date.js',
  '20170901100000-add-avatar-to-users.js',
  '20171005000000-backfill-settings-with-script.js',
];
/** Downs that run without error and leave something behind: verify must name exactly these. */
const WRONG_DOWNS = ['20160702093020-add-moderator-role.js', '20170815120000-index-posts-by-author-and-date.js', '20170901100000-add-avatar-to-users.js'];
const NOT_AWAITED = '20170412160000-import-legacy-nicknames';
const CONCURRENTLY = '20170520084500-index-posts-title-concurrently';
const SHELLS_OUT = '20171005000000-backfill-settings-with-script.js';

interface RunDoc {
  ok: boolean;
  executed: { name: string; direction: string }[];
  error?: { message: string; migration?: string };
}
interface StatusDoc {
  ok: boolean;
  items: { name: string; state: string }[];
}
interface VerifyDoc {
  ok: boolean;
  migrations: { name: string; reversible: boolean; irreversible?: boolean; differences: { message: string }[]; error?: { phase: string; message: string } }[];
}

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_legacy_cli');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const run = (...args: string[]) => updown(args, { cwd: PROJECT, url });
const cli = (...args: string[]) => sequelizeCli(args, { cwd: PROJECT, url });
const databaseName = () => new URL(url).pathname.slice(1);

async function scratchDatabasesLeft(): Promise<string[]> {
  const rows = await query<{ datname: string }>(url, "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_verify\\_%'", [databaseName()]);
  return rows.map((row) => row.datname);
}

const columnDefault = async (table: string, column: string) => {
  const [row] = await query<{ is_nullable: string; column_default: string | null }>(
    url,
    'SELECT is_nullable, column_default FROM information_schema.columns WHERE table_name = $1 AND column_name = $2',
    [table, column],
  );
  return row;
};

describe('the fixture is a valid sequelize-cli project (checked against sequelize-cli 6.6.5 itself)', () => {
  afterEach(() => resetDatabase(url));

  test('its file filter takes every file of db/migrations, .cjs and a date-only name included, in code-unit order', () => {
    const listed = fs.readdirSync(path.join(PROJECT, 'db', 'migrations'));
    expect(listed.filter((file) => SEQUELIZE_CLI_PATTERN.test(file)).sort()).toEqual(FILES);
    expect([...FILES].sort(byCodeUnit)).toEqual(FILES);
  });

  test('db:migrate applies it, db:migrate:status shows it up, db:migrate:undo:all reverts it', async () => {
    expect(sequelizeCliStatus((await cli('db:migrate:status')).stdout)).toEqual(FILES.map((file) => ['down', file]));
    expectCode(await cli('db:migrate'), 0);
    expect(await legacyNames(url)).toEqual(FILES);
    expect(sequelizeCliStatus((await cli('db:migrate:status')).stdout)).toEqual(FILES.map((file) => ['up', file]));
    expectCode(await cli('db:migrate:undo:all'), 0);
    expect(await legacyNames(url)).toEqual([]);
    expect(await relationsIn(url)).toEqual(['SequelizeMeta']);
    expect(await enumTypes(url)).toEqual([]);
  });
});

describe('updown migrate up in the project folder (no updown.config.ts, DATABASE_URL only)', () => {
  let up: ToolRun;
  /** Every test reads the database one `migrate up` left; each fails with its output if it did not exit 0. */
  const migrated = () => expectCode(up, 0);
  beforeAll(async () => {
    up = await run('migrate', 'up');
  });
  afterAll(() => resetDatabase(url));

  test('applies every file and exits 0', () => {
    migrated();
  });

  test('SequelizeMeta holds exactly the names sequelize-cli writes, with their extension, in the table sequelize-cli makes', async () => {
    migrated();
    expect(await legacyNames(url)).toEqual(FILES);
    expect(await tableShape(url, 'SequelizeMeta')).toEqual(SEQUELIZE_META_SHAPE);
  });

  test('sequelize-cli reads that history: db:migrate:status shows every file up, db:migrate has nothing to do', async () => {
    migrated();
    const status = expectCode(await cli('db:migrate:status'), 0);
    expect(sequelizeCliStatus(status.stdout)).toEqual(FILES.map((file) => ['up', file]));
    const again = expectCode(await cli('db:migrate'), 0);
    expect(again.stdout).toContain('No migrations were executed, database schema was already up to date.');
  });

  test('migrate status --json shows every file applied, in sequelize-cli order', async () => {
    migrated();
    const status = onlyJson<StatusDoc>(expectCode(await run('migrate', 'status', '--json'), 0).stdout);
    expect(status.ok).toBe(true);
    expect(status.items.map((item) => [stem(item.name), item.state])).toEqual(FILES.map((file) => [stem(file), 'applied']));
  });

  test('promise chains, async/await, describeTable guards, ENUM ADD VALUE and bulkInsert steps apply', async () => {
    migrated();
    expect(await indexExists(url, 'posts_user_id')).toBe(true); // createTable(…).then(addIndex)
    const [labels] = await query<{ labels: string }>(url, 'SELECT enum_range(NULL::enum_users_role)::text AS labels');
    expect(labels.labels).toBe('{member,admin,moderator}');
    expect(await columnExists(url, 'users', 'display_name')).toBe(true);
    expect((await query(url, "SELECT key FROM settings WHERE key <> 'backfilled_by_script' ORDER BY key")).map((row) => row.key)).toEqual([
      'signup_open',
      'support_email',
    ]);
  });

  test("a file's own transaction after touching the table outside it joins the file's transaction (no deadlock), managed or committed by hand", async () => {
    migrated();
    expect(await columnExists(url, 'posts', 'published_at')).toBe(true);
    expect(await indexExists(url, 'posts_slug')).toBe(true);
    expect(await indexExists(url, 'posts_published_at')).toBe(true);
    expect(await columnDefault('users', 'locale')).toEqual({ is_nullable: 'NO', column_default: "'en'::character varying" });
  });

  test('Sequelize.literal and Sequelize.fn defaults become SQL defaults, not constants', async () => {
    migrated();
    expect(await columnDefault('settings', 'id')).toEqual({ is_nullable: 'NO', column_default: 'gen_random_uuid()' });
    expect(await columnDefault('settings', 'created_at')).toEqual({ is_nullable: 'NO', column_default: 'now()' });
  });

  test('a query left unawaited on the last line is waited for, with a warning naming the file', async () => {
    migrated();
    expect(await tableExists(url, 'tmp_legacy_nicknames')).toBe(false);
    expect(warningsAbout(up.stderr, NOT_AWAITED)).not.toEqual([]);
  });

  test('addIndex with concurrently: true is retried outside a transaction, with a warning naming the file; the index is valid', async () => {
    migrated();
    const [index] = await query<{ indisvalid: boolean }>(url, "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'posts_title_idx'");
    expect(index).toEqual({ indisvalid: true });
    expect(warningsAbout(up.stderr, CONCURRENTLY)).not.toEqual([]);
  });

  test('the .cjs file and the date-only file are migrations too', async () => {
    migrated();
    expect(await columnExists(url, 'posts', 'views_count')).toBe(true);
    expect(await columnExists(url, 'posts', 'word_count')).toBe(true);
  });

  test('a file that shells out: the script it starts sees the database updown migrates (DATABASE_URL)', async () => {
    migrated();
    expect(await query(url, "SELECT value FROM settings WHERE key = 'backfilled_by_script'")).toEqual([{ value: databaseName() }]);
  });
});

describe('updown in the project folder, from an empty database', () => {
  afterEach(() => resetDatabase(url));

  test('migrate status --json lists every file pending, in sequelize-cli order', async () => {
    const status = onlyJson<StatusDoc>(expectCode(await run('migrate', 'status', '--json'), 0).stdout);
    expect(status.items.map((item) => [stem(item.name), item.state])).toEqual(FILES.map((file) => [stem(file), 'pending']));
  });

  test('migrate down --all reverts every file, newest first; sequelize-cli then shows every file down', async () => {
    expectCode(await run('migrate', 'up'), 0);
    const down = expectCode(await run('migrate', 'down', '--all', '--json'), 0);
    const doc = onlyJson<RunDoc>(down.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.executed.map((item) => [stem(item.name), item.direction])).toEqual([...FILES].reverse().map((file) => [stem(file), 'down']));
    expect(await legacyNames(url)).toEqual([]);
    for (const table of ['users', 'posts', 'settings']) expect(await tableExists(url, table)).toBe(false);
    expect(await enumTypes(url)).toEqual([]);
    expect(sequelizeCliStatus((await cli('db:migrate:status')).stdout)).toEqual(FILES.map((file) => ['down', file]));
  });

  test('migrate verify --all names every wrong down, and only those; the target is not touched', async () => {
    const verify = expectCode(await updown(['migrate', 'verify', '--all', '--json'], { cwd: PROJECT, url, timeoutMs: 50_000 }), 1);
    const doc = onlyJson<VerifyDoc>(verify.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.migrations.map((m) => [stem(m.name), m.reversible])).toEqual(FILES.map((file) => [stem(file), !WRONG_DOWNS.includes(file)]));
    for (const wrong of WRONG_DOWNS) {
      const verdict = doc.migrations.find((m) => stem(m.name) === stem(wrong))!;
      expect(verdict.differences.length).toBeGreaterThan(0); // says what was left behind
      expect(verdict.irreversible).toBeUndefined(); // wrong, not irreversible on purpose
    }
    for (const table of ['users', 'posts', 'settings']) expect(await tableExists(url, table)).toBe(false);
    expect(await legacyNames(url)).toEqual([]);
    expect(await scratchDatabasesLeft()).toEqual([]);
  });

  test('verify runs a file that shells out against the scratch database: its script writes there, not to the target', async () => {
    // The target holds every file but the last, applied by sequelize-cli (its --to wants the extension).
    expectCode(await cli('db:migrate', '--to', FILES.at(-2)!), 0);
    expect(await legacyNames(url)).toEqual(FILES.slice(0, -1));

    const verify = expectCode(await updown(['migrate', 'verify', '--json'], { cwd: PROJECT, url, timeoutMs: 50_000 }), 0);
    expect(onlyJson<VerifyDoc>(verify.stdout).migrations.map((m) => [stem(m.name), m.reversible])).toEqual([[stem(SHELLS_OUT), true]]);
    // The file checks that the script wrote to the database the file runs on; the target got no row.
    expect(await query(url, "SELECT value FROM settings WHERE key = 'backfilled_by_script'")).toEqual([]);
    expect(await legacyNames(url)).toEqual(FILES.slice(0, -1));
    expect(await scratchDatabasesLeft()).toEqual([]);
  });

  test('a history applied by sequelize-cli itself is adopted: every file applied, up has nothing to do, down reverts the last one', async () => {
    expectCode(await cli('db:migrate'), 0);
    const status = onlyJson<StatusDoc>(expectCode(await run('migrate', 'status', '--json'), 0).stdout);
    expect(status.ok).toBe(true);
    expect(status.items.map((item) => [stem(item.name), item.state])).toEqual(FILES.map((file) => [stem(file), 'applied']));

    const up = expectCode(await run('migrate', 'up', '--json'), 0);
    expect(onlyJson<RunDoc>(up.stdout)).toMatchObject({ ok: true, executed: [] });
    expect(await legacyNames(url)).toEqual(FILES);
    expect(await tableShape(url, 'SequelizeMeta')).toEqual(SEQUELIZE_META_SHAPE);

    expectCode(await run('migrate', 'down'), 0);
    expect(sequelizeCliStatus((await cli('db:migrate:status')).stdout)).toEqual(FILES.map((file) => [file === SHELLS_OUT ? 'down' : 'up', file]));
  });

  test('seed up runs db/seeders (from .sequelizerc) untracked, as sequelize-cli does by default: no SequelizeData', async () => {
    expectCode(await run('migrate', 'up'), 0);
    expectCode(await run('seed', 'up'), 0);
    expect((await query(url, 'SELECT email FROM users ORDER BY email')).map((row) => row.email)).toEqual(['ada@example.com', 'grace@example.com']);
    expect(await query(url, 'SELECT count(*)::int AS n FROM posts')).toEqual([{ n: 2 }]);
    expect(await tableExists(url, 'SequelizeData')).toBe(false);
  });

  test('adopt prints what it found: the sequelize-cli layout, its folders and SequelizeMeta', async () => {
    const adopt = expectCode(await run('adopt'), 0);
    expect(adopt.output).toMatch(/sequelize-cli/);
    expect(adopt.output).toContain(path.join('db', 'migrations'));
    expect(adopt.output).toContain(path.join('db', 'seeders'));
    expect(adopt.output).toContain('SequelizeMeta');
  });
});

/**
 * Issue 3, history integrity: every applied file must still exist and be unchanged, a failed
 * non-transactional file blocks until repaired, out-of-order files are reported (or refused with
 * --strict-order), and a history from before checksums is adopted. Real PostgreSQL, in-process CLI.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { onlyJson, runCli, spawnCli } from '../helpers/cli';
import {
  appliedNames,
  columnExists,
  createScratchDatabase,
  dropScratchDatabase,
  indexExists,
  query,
  resetDatabase,
  schemaSnapshot,
  tableExists,
  trackingRows,
} from '../helpers/database';
import { tempMigrations, type TempMigrations } from '../helpers/fixtures';

const BASIC = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];
const PARCELS = ['20240701000000-createParcels', '20240702000000-indexParcelsWeight', '20240703000000-createCarriers'];
const SPROCKETS = '20240104000000-createSprockets';

interface StatusDoc {
  ok: boolean;
  items: { name: string; state: string; outOfOrder?: boolean }[];
}

let url: string;
let temp: TempMigrations | undefined;

beforeAll(async () => {
  url = await createScratchDatabase('updown_safety_history');
});
afterEach(async () => {
  temp?.remove();
  temp = undefined;
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

function migrate(dir: string, ...args: string[]) {
  return runCli(['migrate', ...args, '--url', url, '--dir', dir]);
}

async function states(dir: string): Promise<StatusDoc> {
  const result = await migrate(dir, 'status', '--json');
  expect(result.code).toBe(0);
  return onlyJson<StatusDoc>(result.stdout);
}

function copyOf(scenario: string): TempMigrations {
  temp = tempMigrations(scenario);
  return temp;
}

function addSprockets(dir: string): void {
  fs.writeFileSync(
    path.join(dir, `${SPROCKETS}.ts`),
    "export const up = async ({ context }: any) => { await context.sequelize.query('CREATE TABLE sprockets (id int)'); };\n" +
      "export const down = async ({ context }: any) => { await context.sequelize.query('DROP TABLE sprockets'); };\n",
  );
}

describe('an applied file that was edited', () => {
  it('shows as edited; up, down and redo exit 2 naming the file and both checksums, and touch nothing', async () => {
    const { dir } = copyOf('basic');
    expect((await migrate(dir, 'up')).code).toBe(0);
    const file = path.join(dir, `${BASIC[1]}.ts`);
    const recorded = (await trackingRows(url))[1].checksum!;
    expect(recorded).toBe(sha256(fs.readFileSync(file)));

    fs.appendFileSync(file, '\n// edited after it was applied\n');
    const current = sha256(fs.readFileSync(file));
    addSprockets(dir); // a pending file must not be applied past the edit either
    const before = await schemaSnapshot(url);
    const rowsBefore = await trackingRows(url);

    const doc = await states(dir);
    expect(doc.ok).toBe(false);
    expect(doc.items.map(({ name, state }) => [name, state])).toEqual([
      [BASIC[0], 'applied'],
      [BASIC[1], 'edited'],
      [BASIC[2], 'applied'],
      [SPROCKETS, 'pending'],
    ]);
    const human = await migrate(dir, 'status');
    expect(human.stdout).toMatch(new RegExp(`^edited +${BASIC[1]}`, 'm'));
    expect((await migrate(dir, 'status', '--check')).code).toBe(1);

    for (const args of [['up'], ['up', '--to', SPROCKETS], ['down'], ['down', '--all'], ['redo']]) {
      const result = await migrate(dir, ...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(`${file} was edited after it was applied`);
      expect(result.stderr).toContain(`recorded checksum ${recorded}`);
      expect(result.stderr).toContain(`file now ${current}`);
      expect(result.stderr).toContain(`repair --accept ${BASIC[1]}`);
      expect(result.stdout).not.toMatch(/migrated|reverted/);
    }

    const json = await migrate(dir, 'up', '--json');
    expect(json.code).toBe(2);
    const error = onlyJson<{ ok: boolean; executed: unknown[]; error: { message: string } }>(json.stdout);
    expect(error).toMatchObject({ ok: false, executed: [] });
    expect(error.error.message).toContain(recorded);
    expect(error.error.message).toContain(current);

    expect(await schemaSnapshot(url)).toEqual(before);
    expect(await tableExists(url, 'sprockets')).toBe(false);
    expect(await trackingRows(url)).toEqual(rowsBefore); // the refusals rewrote no checksum
  });

  it('a CRLF-only change and an added UTF-8 BOM are not edits: still applied, and every command runs', async () => {
    const { dir } = copyOf('basic');
    expect((await migrate(dir, 'up')).code).toBe(0);
    const recorded = (await trackingRows(url)).map((row) => row.checksum);
    const files = BASIC.map((name) => path.join(dir, `${name}.ts`));
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    fs.writeFileSync(files[0], crlf(fs.readFileSync(files[0], 'utf8')));
    fs.writeFileSync(files[1], `\uFEFF${fs.readFileSync(files[1], 'utf8')}`);
    fs.writeFileSync(files[2], `\uFEFF${crlf(fs.readFileSync(files[2], 'utf8'))}`);
    expect(fs.readFileSync(files[1])[0]).toBe(0xef); // the BOM really is on disk

    const doc = await states(dir);
    expect(doc).toEqual({ ok: true, items: BASIC.map((name) => expect.objectContaining({ name, state: 'applied' })) });
    expect((await migrate(dir, 'status', '--check')).code).toBe(0);
    const up = await migrate(dir, 'up');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/nothing to do/);

    const redo = await migrate(dir, 'redo');
    expect(redo.stderr).toBe('');
    expect(redo.code).toBe(0);
    expect(redo.stdout).toMatch(new RegExp(`reverted +${BASIC[2]}[\\s\\S]*migrated +${BASIC[2]}`));
    // Re-recorded from the CRLF + BOM file: the same checksum as the LF original.
    expect((await trackingRows(url)).map((row) => row.checksum)).toEqual(recorded);

    const down = await migrate(dir, 'down', '--all');
    expect(down.code).toBe(0);
    expect(await appliedNames(url)).toEqual([]);
    expect(await tableExists(url, 'widgets')).toBe(false);
  });

  it('repair --accept prints the old and new checksums, records the new one, and unblocks', async () => {
    const { dir } = copyOf('basic');
    expect((await migrate(dir, 'up')).code).toBe(0);
    const file = path.join(dir, `${BASIC[2]}.ts`);
    const old = (await trackingRows(url))[2].checksum!;
    fs.appendFileSync(file, '\n// a comment added after the deploy\n');
    const now = sha256(fs.readFileSync(file));
    expect((await migrate(dir, 'down')).code).toBe(2);

    const repaired = await migrate(dir, 'repair', '--accept', BASIC[2]);
    expect(repaired.stderr).toBe('');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain(`accepted the edit of ${BASIC[2]}: checksum ${old} -> ${now}`);
    expect((await trackingRows(url))[2]).toMatchObject({ name: BASIC[2], state: 'applied', checksum: now });
    expect((await states(dir)).items.every((item) => item.state === 'applied')).toBe(true);

    // Nothing left to accept; an unknown name is refused.
    const again = await migrate(dir, 'repair', '--accept', `${BASIC[2]}.ts`);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to repair');
    const unknown = await migrate(dir, 'repair', '--accept', '20990101000000-nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('20990101000000-nope');

    // --json carries both checksums too.
    fs.appendFileSync(file, '// and another\n');
    const newer = sha256(fs.readFileSync(file));
    const json = await migrate(dir, 'repair', '--accept', BASIC[2], '--json');
    expect(json.code).toBe(0);
    expect(onlyJson(json.stdout)).toMatchObject({ ok: true, action: 'accepted-edit', name: BASIC[2], previousChecksum: now, checksum: newer });

    const down = await migrate(dir, 'down');
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`reverted +${BASIC[2]}`));
    expect(await indexExists(url, 'idx_widgets_name')).toBe(false);
    expect(await appliedNames(url)).toEqual(BASIC.slice(0, 2));
  });
});

describe('an applied file that was deleted', () => {
  it('repair --accept forgets it (what it did stays); the file before it is never reverted in its place', async () => {
    const { dir } = copyOf('basic');
    expect((await migrate(dir, 'up')).code).toBe(0);
    fs.rmSync(path.join(dir, `${BASIC[2]}.ts`));
    expect((await states(dir)).items.map((item) => item.state)).toEqual(['applied', 'applied', 'missing']);
    for (const args of [['down'], ['up'], ['redo']]) {
      const refused = await migrate(dir, ...args);
      expect({ args, code: refused.code }).toEqual({ args, code: 2 });
      expect(refused.stderr).toContain(`repair --accept ${BASIC[2]}`);
    }
    expect(await columnExists(url, 'widgets', 'colour')).toBe(true); // the one before it: untouched

    const repaired = await migrate(dir, 'repair', '--accept', BASIC[2]);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain(`forgot ${BASIC[2]}`);
    expect(await appliedNames(url)).toEqual(BASIC.slice(0, 2));
    expect(await indexExists(url, 'idx_widgets_name')).toBe(true);
    expect(await states(dir)).toEqual({ ok: true, items: BASIC.slice(0, 2).map((name) => expect.objectContaining({ name, state: 'applied' })) });

    // Only now, and only on request, does down revert the file that was before it.
    const down = await migrate(dir, 'down');
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`reverted +${BASIC[1]}`));
    expect(await columnExists(url, 'widgets', 'colour')).toBe(false);
  });
});

describe('a non-transactional file that failed', () => {
  it('is marked failed; up refuses naming it; repair clears the mark; the fixed file then runs again', async () => {
    const { dir } = copyOf('fails-outside-transaction');
    const file = path.join(dir, `${PARCELS[1]}.ts`);
    const failed = await migrate(dir, 'up');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${file} failed (up) [42703]`);
    expect(failed.stderr).toMatch(/column "weight" does not exist/);
    expect(failed.stderr).toMatch(/outside a transaction/);
    expect((await trackingRows(url)).map(({ name, state }) => [name, state])).toEqual([
      [PARCELS[0], 'applied'],
      [PARCELS[1], 'failed'],
    ]);
    expect(await tableExists(url, 'carriers')).toBe(false);

    const doc = await states(dir);
    expect(doc.ok).toBe(false);
    expect(doc.items.map(({ name, state }) => [name, state])).toEqual([
      [PARCELS[0], 'applied'],
      [PARCELS[1], 'failed'],
      [PARCELS[2], 'pending'],
    ]);
    expect((await migrate(dir, 'status', '--check')).code).toBe(1);

    for (const args of [['up'], ['down']]) {
      const refused = await migrate(dir, ...args);
      expect({ args, code: refused.code }).toEqual({ args, code: 2 });
      expect(refused.stderr).toContain(`${file} failed outside a transaction`);
      expect(refused.stderr).toContain(`repair --accept ${PARCELS[1]}`);
      expect(refused.stdout).not.toMatch(/migrated|reverted/);
    }
    expect(await tableExists(url, 'parcels')).toBe(true); // down refused too
    expect(await tableExists(url, 'carriers')).toBe(false);

    // Fix the file, then say the failure was dealt with.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('parcels (weight)', 'parcels (weight_grams)'));
    const repaired = await migrate(dir, 'repair', '--accept', PARCELS[1]);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain(`cleared the failed mark of ${PARCELS[1]}`);
    expect(await appliedNames(url)).toEqual([PARCELS[0]]);
    expect((await states(dir)).items.map((item) => item.state)).toEqual(['applied', 'pending', 'pending']);

    // A new process, as in real life: Jest's module registry would hand back the broken file.
    const up = await spawnCli(['migrate', 'up', '--url', url, '--dir', dir]);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`migrated +${PARCELS[1]}[\\s\\S]*migrated +${PARCELS[2]}`));
    expect(await indexExists(url, 'idx_parcels_weight')).toBe(true);
    expect(await tableExists(url, 'carriers')).toBe(true);
    const rows = await trackingRows(url);
    expect(rows.map(({ name, state }) => [name, state])).toEqual(PARCELS.map((name) => [name, 'applied']));
    expect(rows[1].checksum).toBe(sha256(fs.readFileSync(file)));
  });
});

describe('a pending file older than the newest applied one (a merged branch)', () => {
  async function withLateFile(): Promise<string> {
    const { dir } = copyOf('basic');
    const late = path.join(dir, `${BASIC[1]}.ts`);
    const saved = fs.readFileSync(late);
    fs.rmSync(late);
    expect((await migrate(dir, 'up')).code).toBe(0);
    fs.writeFileSync(late, saved); // merged in after the newer file was deployed
    return dir;
  }

  it('status flags it, and --check fails while it is pending', async () => {
    const dir = await withLateFile();
    const doc = await states(dir);
    expect(doc.items).toEqual([
      expect.objectContaining({ name: BASIC[0], state: 'applied' }),
      { name: BASIC[1], state: 'pending', outOfOrder: true },
      expect.objectContaining({ name: BASIC[2], state: 'applied' }),
    ]);
    const human = await migrate(dir, 'status');
    expect(human.stdout).toMatch(new RegExp(`pending +${BASIC[1]} \\(older than the newest applied file\\)`));
    expect((await migrate(dir, 'status', '--check')).code).toBe(1);
  });

  it('--strict-order refuses it with exit 2 naming the file, and applies nothing', async () => {
    const dir = await withLateFile();
    addSprockets(dir);
    const refused = await migrate(dir, 'up', '--strict-order');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${path.join(dir, BASIC[1])}.ts is pending but older than the newest applied file (--strict-order)`);
    expect(refused.stdout).not.toMatch(/migrated/);
    expect(await columnExists(url, 'widgets', 'colour')).toBe(false);
    expect(await tableExists(url, 'sprockets')).toBe(false);
    expect(await appliedNames(url)).toEqual([BASIC[0], BASIC[2]]);
  });

  it('by default it is applied, and the run says it was out of order', async () => {
    const dir = await withLateFile();
    const result = await migrate(dir, 'up');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`migrated +${BASIC[1]}`));
    expect(await columnExists(url, 'widgets', 'colour')).toBe(true);
    expect(await appliedNames(url)).toEqual(BASIC);
    // "apply them and say so" (--strict-order's help): the run itself must report it, not only status.
    expect(result.stdout + result.stderr).toMatch(new RegExp(`${BASIC[1]}[^\\n]*(out of order|older than the newest applied)`));
  });
});

describe('a history adopted from before checksums (sequelize-cli)', () => {
  /** Applies the first two files, then rebuilds SequelizeMeta as sequelize-cli leaves it: a name column only. */
  async function adopt(dir: string, rowNames: string[]): Promise<void> {
    expect((await migrate(dir, 'up', '--to', BASIC[1])).code).toBe(0);
    await query(url, 'DROP TABLE "SequelizeMeta"; DROP TABLE updown_metadata');
    await query(url, 'CREATE TABLE "SequelizeMeta" (name varchar(255) NOT NULL PRIMARY KEY)');
    for (const name of rowNames) await query(url, 'INSERT INTO "SequelizeMeta" (name) VALUES ($1)', [name]);
  }

  const columnsOfMeta = async () =>
    (await query<{ column_name: string }>(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'SequelizeMeta' ORDER BY ordinal_position")).map(
      (row) => row.column_name,
    );

  it('is accepted as applied, and the next up fills in the checksums', async () => {
    const { dir } = copyOf('basic');
    await adopt(dir, BASIC.slice(0, 2));

    expect(await states(dir)).toEqual({
      ok: false,
      items: [expect.objectContaining({ name: BASIC[0], state: 'applied' }), expect.objectContaining({ name: BASIC[1], state: 'applied' }), { name: BASIC[2], state: 'pending' }],
    });
    expect(await columnsOfMeta()).toEqual(['name']); // status is read-only

    const up = await migrate(dir, 'up');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/recorded checksums for 2 file\(s\) applied before updown kept them/);
    expect(up.stdout).toMatch(new RegExp(`migrated +${BASIC[2]}`));
    expect(up.stdout).not.toMatch(new RegExp(`migrated +(${BASIC[0]}|${BASIC[1]})`));
    const rows = await trackingRows(url);
    expect(rows).toEqual(
      BASIC.map((name) => ({
        name,
        state: 'applied',
        checksum: sha256(fs.readFileSync(path.join(dir, `${name}.ts`))),
        checksum_version: 1,
        source_file: `${name}.ts`,
      })),
    );

    // From now on an edit of an adopted file is caught.
    fs.appendFileSync(path.join(dir, `${BASIC[0]}.ts`), '// edited\n');
    expect((await states(dir)).items[0]).toMatchObject({ name: BASIC[0], state: 'edited' });
    expect((await migrate(dir, 'down')).code).toBe(2);
  });

  it('rows named the way sequelize-cli names them (with .js) are the same files, not missing ones', async () => {
    const { dir } = copyOf('basic');
    await adopt(dir, BASIC.slice(0, 2).map((name) => `${name}.js`));

    const doc = await states(dir);
    expect(doc.items.map(({ name, state }) => [name, state])).toEqual([
      [BASIC[0], 'applied'],
      [BASIC[1], 'applied'],
      [BASIC[2], 'pending'],
    ]);
    const up = await migrate(dir, 'up');
    // Nothing about the history; only lint's warning for the index on widgets, which an earlier run made.
    expect(up.stderr.split('\n').filter((line) => /^(warning|error)/.test(line))).toEqual([expect.stringMatching(/^warning: index-not-concurrent \S+-indexWidgetName: /)]);
    expect(up.code).toBe(0);
    expect(await appliedNames(url)).toEqual(BASIC);
    expect(await indexExists(url, 'idx_widgets_name')).toBe(true);
  });
});


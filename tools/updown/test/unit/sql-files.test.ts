/**
 * `.sql` files without a database: statements split by PostgreSQL's parser, directives and
 * sections, pairs, what is refused before anything runs (with its line), and create --sql.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidMigrationError, UsageError } from '../../src/errors';
import type { MigrationFile } from '../../src/plan';
import { listSqlFiles, pairFiles } from '../../src/sql/folder';
import { importSqlModule } from '../../src/sql/module';
import { createSqlFiles, nextPrefix } from '../../src/sql/numbering';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-sql-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

const fileOf = (name: string, down?: string): MigrationFile => ({ name, path: path.join(dir, name), checksum: 'x', sql: down ? { down: path.join(dir, down) } : {} });

async function refusal(file: MigrationFile): Promise<string> {
  const error = await importSqlModule(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidMigrationError);
  return (error as Error).message;
}

describe('splitting', () => {
  it('keeps semicolons inside strings, dollar quotes, comments and BEGIN ATOMIC bodies, and knows each line', async () => {
    write(
      '001_x.sql',
      [
        '-- header; not a statement',
        "INSERT INTO notes (body) VALUES ('a; b');",
        '/* block; comment */ CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$',
        'BEGIN RETURN 1; END;',
        '$body$;',
        '',
        'CREATE FUNCTION g() RETURNS int LANGUAGE sql',
        'BEGIN ATOMIC SELECT 1; SELECT 2; END;',
        "SELECT 'é' AS accent; SELECT 2",
      ].join('\n'),
    );
    const module = await importSqlModule(fileOf('001_x.sql'));
    expect(module.statements.up).toEqual([
      "INSERT INTO notes (body) VALUES ('a; b')",
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN RETURN 1; END;\n$body$',
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC SELECT 1; SELECT 2; END',
      "SELECT 'é' AS accent",
      'SELECT 2',
    ]);
    expect(module.transaction).toBeUndefined();
    expect(module.down).toBeUndefined();
  });

  it('reads -- migrate:up / -- migrate:down sections, and the pair file as the down', async () => {
    write('20240301101500_accounts.sql', '-- migrate:up\nCREATE TABLE accounts (id int);\n\n-- migrate:down\nDROP TABLE accounts;\n');
    const sections = await importSqlModule(fileOf('20240301101500_accounts.sql'));
    expect(sections.statements).toEqual({ up: ['CREATE TABLE accounts (id int)'], down: ['DROP TABLE accounts'] });
    write('001_a.sql', 'CREATE TABLE a (id int);');
    write('001_a_down.sql', '-- updown:lint-allow ban-drop-table: nothing uses it yet\nDROP TABLE a;');
    const pair = await importSqlModule(fileOf('001_a.sql', '001_a_down.sql'));
    expect(pair.statements.down).toEqual(['DROP TABLE a']);
    expect(pair.lint).toEqual({ allow: { 'ban-drop-table': 'nothing uses it yet' } });
  });

  it('a down with no statement is no down: the file is irreversible, not a silent no-op', async () => {
    write('001_a.sql', '-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\n-- nothing to undo\n');
    expect((await importSqlModule(fileOf('001_a.sql'))).down).toBeUndefined();
  });

  it('reads the header directives: no-transaction (first line), environments, lint-allow, timeouts', async () => {
    write(
      '001_i.sql',
      '-- updown:no-transaction\n-- updown:environments development, production\n-- updown:lint-allow require-concurrent-index: it is\n-- updown:lock-timeout 2s\n\nCREATE INDEX CONCURRENTLY i ON t (a);\n',
    );
    const module = await importSqlModule(fileOf('001_i.sql'));
    expect(module.transaction).toBe(false);
    expect(module.environments).toEqual(['development', 'production']);
    expect(module.lint).toEqual({ allow: { 'require-concurrent-index': 'it is' } });
    expect(module.timeouts).toEqual({ lock: '2s' });
  });
});

describe('refused before anything runs, naming the file and the line', () => {
  it("a transactional file's own BEGIN/COMMIT", async () => {
    write('002_own.sql', 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n');
    const message = await refusal(fileOf('002_own.sql'));
    expect(message).toContain(path.join(dir, '002_own.sql'));
    expect(message).toMatch(/line 1: BEGIN inside a file that runs in a transaction/);
    expect(message).toContain('-- updown:no-transaction');
    write('003_end.sql', 'CREATE TABLE b (id int);\n\nCOMMIT;\n');
    expect(await refusal(fileOf('003_end.sql'))).toMatch(/line 3: COMMIT/);
  });

  it('the same BEGIN/COMMIT in a no-transaction file is the file managing its own transactions', async () => {
    write('002_own.sql', '-- updown:no-transaction\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n');
    expect((await importSqlModule(fileOf('002_own.sql'))).statements.up).toEqual(['BEGIN', 'CREATE TABLE a (id int)', 'COMMIT']);
  });

  it.each([
    ['\\i other.sql', '\\i'],
    ['  \\set ON_ERROR_STOP on', '\\set'],
    ['\\connect app', '\\connect'],
  ])('the psql meta-command %s', async (line, command) => {
    write('004_meta.sql', `CREATE TABLE a (id int);\n${line}\nCREATE TABLE b (id int);\n`);
    const message = await refusal(fileOf('004_meta.sql'));
    expect(message).toContain(`line 2: ${command} is a psql meta-command`);
  });

  it('a backslash inside a string or a dollar quote is no meta-command', async () => {
    write('005_ok.sql', "SELECT E'\\n\\\\i';\nDO $$\nBEGIN\n\\i\nEND $$;\n".replace('\\i\nEND', "PERFORM '\\i';\nEND"));
    await expect(importSqlModule(fileOf('005_ok.sql'))).resolves.toBeDefined();
  });

  it("a syntax error, at PostgreSQL's parser's line", async () => {
    write('006_typo.sql', 'CREATE TABLE a (id int);\n\nCRATE TABLE b (id int);\n');
    expect(await refusal(fileOf('006_typo.sql'))).toMatch(/line 3: PostgreSQL's parser refuses it: syntax error at or near "CRATE"/);
  });

  it('an unknown, misplaced or late directive', async () => {
    write('007_a.sql', '-- updown:no-transactions\nSELECT 1;');
    expect(await refusal(fileOf('007_a.sql'))).toMatch(/line 1: `-- updown:no-transactions` is not a directive updown knows/);
    write('007_b.sql', '-- about\n-- updown:no-transaction\nSELECT 1;');
    expect(await refusal(fileOf('007_b.sql'))).toMatch(/line 2: .* must be the file's first line/);
    write('007_c.sql', 'SELECT 1;\n-- updown:environments production\nSELECT 2;');
    expect(await refusal(fileOf('007_c.sql'))).toMatch(/line 2: .* comes after a statement/);
  });
});

describe('listing a folder', () => {
  it('pairs ups with their downs; a _down.sql with no up is a migration of its own; a .down.sql with no up is refused', () => {
    const entries = ['001_a.sql', '001_a_down.sql', '002_b.up.sql', '002_b.down.sql', '041_scale_down.sql'];
    expect(pairFiles(entries, dir)).toEqual([
      { up: '001_a.sql', down: '001_a_down.sql' },
      { up: '002_b.up.sql', down: '002_b.down.sql' },
      { up: '041_scale_down.sql' },
    ]);
    expect(() => pairFiles(['003_c.down.sql'], dir)).toThrow(UsageError);
    expect(() => pairFiles(['004_d.sql', '004_d.up.sql'], dir)).toThrow(/the same migration twice/);
  });

  it('names files as their tracking table holds them, in name order (letter suffixes slot in)', () => {
    for (const name of ['040_b.sql', '000a_roles.sql', '000_ext.sql', '001_c.sql', '001_c_down.sql']) write(name, 'SELECT 1;');
    expect(listSqlFiles(dir, { format: 'sql', tracking: 'numbered' }).map((file) => file.name)).toEqual(['000_ext.sql', '000a_roles.sql', '001_c.sql', '040_b.sql']);
    expect(listSqlFiles(dir, { format: 'sql' }).map((file) => file.name)).toEqual(['000_ext', '000a_roles', '001_c', '040_b']);
  });

  it("a pair's checksum covers its down: editing the down is editing the migration", () => {
    write('001_c.sql', 'CREATE TABLE c (id int);');
    write('001_c_down.sql', 'DROP TABLE c;');
    const before = listSqlFiles(dir, { format: 'sql' })[0].checksum;
    write('001_c_down.sql', 'DROP TABLE IF EXISTS c;');
    expect(listSqlFiles(dir, { format: 'sql' })[0].checksum).not.toBe(before);
  });
});

describe('create --sql', () => {
  it("goes on with the folder's numbering: the next number, as wide as the widest", () => {
    const now = new Date('2025-03-04T05:06:07Z');
    expect(nextPrefix(['000_a.sql', '000a_b.sql', '039_c.sql', '040_d.sql'], now)).toBe('041_');
    expect(nextPrefix(['1-a.sql', '9-b.sql'], now)).toBe('10-');
    expect(nextPrefix(['20240301101500_a.sql'], now)).toBe('20250304050607_');
    expect(nextPrefix([], now)).toBe('20250304050607_');
  });

  it('writes the pair in the style the folder uses', () => {
    write('007_a.sql', 'SELECT 1;');
    write('007_a_down.sql', 'SELECT 1;');
    expect(createSqlFiles({ dir, name: 'add_b', kind: 'migrations' }).map((file) => path.basename(file))).toEqual(['008_add_b.sql', '008_add_b_down.sql']);
    const dotted = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-sql-'));
    fs.writeFileSync(path.join(dotted, '0001_a.up.sql'), 'SELECT 1;');
    expect(createSqlFiles({ dir: dotted, name: 'b', kind: 'migrations' }).map((file) => path.basename(file))).toEqual(['0002_b.up.sql', '0002_b.down.sql']);
    fs.rmSync(dotted, { recursive: true });
  });

  it('refuses a drizzle-kit folder: drizzle-kit writes those files', () => {
    fs.mkdirSync(path.join(dir, 'meta'));
    write('meta/_journal.json', JSON.stringify({ version: '7', dialect: 'postgresql', entries: [] }));
    expect(() => createSqlFiles({ dir, name: 'add_b', kind: 'migrations' })).toThrow(/drizzle-kit generate --name add_b/);
    expect(fs.readdirSync(dir)).toEqual(['meta']);
  });
});

describe('updown.config.ts fields of a sql stream', () => {
  const { checkSqlLayout } = jest.requireActual<typeof import('../../src/sql/layout')>('../../src/sql/layout');
  it('refuses them on another format, an unknown tracking, a column without numbered tracking, a malformed environments', () => {
    expect(() => checkSqlLayout({ tracking: 'numbered' }, 'updown', 'migrations')).toThrow(/migrations.tracking only applies to format 'sql'/);
    expect(() => checkSqlLayout({ tracking: 'flyway' }, 'sql', 'migrations')).toThrow(/use one of updown, numbered, drizzle/);
    expect(() => checkSqlLayout({ column: 'name' }, 'sql', 'migrations')).toThrow(/needs tracking: 'numbered'/);
    expect(() => checkSqlLayout({ environments: { production: '001_roles.sql' } }, 'sql', 'seeds')).toThrow(/map an environment to file names/);
    expect(() => checkSqlLayout({ tracking: 'numbered', column: 'name', environments: { production: ['001_roles.sql'] } }, 'sql', 'seeds')).not.toThrow();
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// db dump on every supported PostgreSQL major (`make test-pg-versions` runs this file on 14 to 18):
// the same migrations, with one of each kind of object the dump shows, give the committed file byte
// for byte. The differences the README lists are pinned here too, so a new major's show up.
// After changing the fixture: updown db dump --dir <fixture>/migrations --file <fixture>/schema.txt --url …

const FIXTURE = fixtureDir('dump-every-kind');
const MIGRATIONS = path.join(FIXTURE, 'migrations');
const COMMITTED = path.join(FIXTURE, 'schema.txt');

let url: string;
let major: number;
let dir: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_vkinds');
  const [{ server_version_num: versionNum }] = await query<{ server_version_num: string }>(url, 'SHOW server_version_num');
  major = Math.floor(Number(versionNum) / 10000);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-kinds-'));
});
afterAll(async () => {
  await dropScratchDatabase(url);
  fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli([...args, '--url', url, '--dir', MIGRATIONS]);

it('every migration verifies clean, from an empty database', async () => {
  const result = await cli('migrate', 'verify', '--all');
  expect(result.stdout).toMatch(/6 migrations verified: every down reverses its up/);
  expect(result.code).toBe(0);
});

it('the migrated schema dumps byte for byte as the committed file', async () => {
  expect((await cli('migrate', 'up')).code).toBe(0);
  const result = await cli('db', 'dump', '--check', '--file', COMMITTED);
  expect(result.stdout).toContain('matches the database'); // else stdout holds the diff
  expect(result.code).toBe(0);
});

describe('in a schema of its own', () => {
  const SCHEMA = 'one_table';
  beforeAll(async () => {
    await query(url, `CREATE SCHEMA ${SCHEMA}`);
  });
  afterAll(async () => {
    await query(url, `DROP EXTENSION IF EXISTS citext; DROP SCHEMA ${SCHEMA} CASCADE`);
  });

  async function dumpOf(): Promise<string> {
    const file = path.join(dir, `${SCHEMA}.txt`);
    expect((await cli('db', 'dump', '--schema', SCHEMA, '--file', file)).code).toBe(0);
    return fs.readFileSync(file, 'utf8');
  }

  it('a view over one table: its columns are qualified up to PostgreSQL 15, not from 16 on (listed in the README)', async () => {
    await query(url, `CREATE TABLE ${SCHEMA}.invoices (total_cents bigint); CREATE VIEW ${SCHEMA}.totals AS SELECT sum(total_cents) AS total FROM ${SCHEMA}.invoices`);
    const expected = major < 16 ? 'SELECT sum(invoices.total_cents) AS total' : 'SELECT sum(total_cents) AS total';
    expect(await dumpOf()).toContain(`view totals as\n    ${expected}\n       FROM invoices;\n`);
  });

  it("names an extension's version only when it is not this server's default", async () => {
    await query(url, `CREATE EXTENSION citext VERSION '1.4' SCHEMA ${SCHEMA}`); // 1.6 or 1.8 by default
    const dumped = await dumpOf();
    expect(dumped).toContain(`extension citext 1.4 in schema ${SCHEMA}\nextension pgcrypto in schema public\n`);
  });

  it('a VIRTUAL generated column (PostgreSQL 18) dumps as virtual; older majors refuse one', async () => {
    const create = `CREATE TABLE ${SCHEMA}.stays (nights integer, weeks integer GENERATED ALWAYS AS (nights / 7) VIRTUAL)`;
    if (major < 18) {
      await expect(query(url, create)).rejects.toThrow(/syntax error at or near "VIRTUAL"/);
      return;
    }
    await query(url, create);
    expect(await dumpOf()).toContain('table stays\n  nights integer\n  weeks integer generated always as ((nights / 7)) virtual\n');
  });
});

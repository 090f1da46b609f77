/**
 * refreshSnapshot must give exactly what a whole snapshot gives, after any work done in the same
 * transaction: it reads again only the relations the transaction has locked (src/schema/refresh.ts).
 */
import { Client } from 'pg';
import { refreshSnapshot } from '../../src/schema/refresh';
import { snapshotWith } from '../../src/schema/snapshot';
import { createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';

let url: string;
let client: Client;

const SETUP = `
  CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL);
  CREATE TABLE orders (id integer PRIMARY KEY, account_id integer REFERENCES accounts (id), total integer);
  CREATE INDEX orders_total ON orders (total);
  CREATE TYPE mood AS ENUM ('happy', 'sad');
  CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
  COMMENT ON TABLE accounts IS 'who pays';
  COMMENT ON COLUMN orders.total IS 'in cents';
  CREATE TABLE untouched (id integer PRIMARY KEY, note text);
  CREATE INDEX untouched_note ON untouched (note);`;

beforeAll(async () => {
  url = await createScratchDatabase('updown_refresh');
  await query(url, SETUP);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});
beforeEach(async () => {
  client = new Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
});
afterEach(async () => {
  await client.query('ROLLBACK');
  await client.end();
});

it.each([
  ['a new table with an index and a foreign key', 'CREATE TABLE items (id integer PRIMARY KEY, order_id integer REFERENCES orders (id)); CREATE INDEX items_order ON items (order_id)'],
  ['a column added, with a default and a comment', "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new'; COMMENT ON COLUMN orders.status IS 'state'"],
  ['a column dropped (and the index on it)', 'ALTER TABLE orders DROP COLUMN total CASCADE'],
  ['a column type changed', 'ALTER TABLE accounts ALTER COLUMN name TYPE varchar(50)'],
  ['an index dropped', 'DROP INDEX orders_total'],
  ['an index renamed', 'ALTER INDEX orders_total RENAME TO orders_by_total'],
  ['a referenced table renamed', 'ALTER TABLE accounts RENAME TO customers'],
  ['a table dropped with what depends on it', 'DROP TABLE orders CASCADE'],
  ['a comment removed', 'COMMENT ON TABLE accounts IS NULL'],
  ['a constraint added and one dropped', 'ALTER TABLE accounts ADD CONSTRAINT name_unique UNIQUE (name); ALTER TABLE orders DROP CONSTRAINT orders_account_id_fkey'],
  ['an enum value added and a type created', "ALTER TYPE mood ADD VALUE 'calm'; CREATE TYPE size AS ENUM ('s', 'm')"],
  ['rows written only', 'INSERT INTO accounts VALUES (1, $$a$$)'],
  ['nothing at all', 'SELECT 1'],
])('%s: the refreshed snapshot equals a whole one', async (_what, sql) => {
  const base = await snapshotWith(client, 'public');
  await client.query(sql);
  const refreshed = await refreshSnapshot(client, base);
  expect(refreshed).toEqual(await snapshotWith(client, 'public'));
  // The untouched table came from the base, not from a second read.
  expect(refreshed.tables.untouched).toBe(base.tables.untouched);
});

it('stays right across several steps refreshed from the same base (up, then down, in one transaction)', async () => {
  const base = await snapshotWith(client, 'public');
  await client.query('ALTER TABLE orders ADD COLUMN paid boolean; CREATE INDEX orders_paid ON orders (paid)');
  expect(await refreshSnapshot(client, base)).toEqual(await snapshotWith(client, 'public'));
  await client.query('DROP INDEX orders_paid; ALTER TABLE orders DROP COLUMN paid');
  expect(await refreshSnapshot(client, base)).toEqual(await snapshotWith(client, 'public'));
});

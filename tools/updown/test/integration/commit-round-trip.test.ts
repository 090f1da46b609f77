/**
 * A file's commit carries its tracking row and, when asked, the next file's BEGIN in one round
 * trip (src/transaction.ts): written together with pg's pipeline mode, or one after the other
 * with a pg that has none. Either way the row and the work commit together or not at all, a
 * failed row begins nothing, and the connection stays usable.
 */
import type { Sequelize, Transaction } from 'sequelize';
import { connect } from '../../src/connection';
import { begin, commitQuietly, rollback, RowNotWritten } from '../../src/transaction';
import { createScratchDatabase, dropScratchDatabase, query, tableExists, updownSessions } from '../helpers/database';

let url: string;
let sequelize: Sequelize;
beforeAll(async () => {
  url = await createScratchDatabase('updown_commit');
  sequelize = await connect({ url, schema: 'public', command: 'commit test' });
});
afterEach(async () => {
  await query(url, 'DROP TABLE IF EXISTS rows, work, work_two');
});
afterAll(async () => {
  await sequelize.close();
  await dropScratchDatabase(url);
});

type Connection = { pipeline?: boolean };
const connectionOf = (transaction: Transaction) => (transaction as unknown as { connection: Connection }).connection;

describe.each([
  ['pipelined', true],
  ['one statement after the other (a pg without pipeline mode)', false],
])('the tracking row sent %s', (_how, pipelined) => {
  /** commitQuietly on a connection that has, or lacks, pg's pipeline mode. */
  async function commit(transaction: Transaction, options: Parameters<typeof commitQuietly>[2]): Promise<Transaction | undefined> {
    const connection = connectionOf(transaction);
    const had = connection.pipeline;
    if (!pipelined) delete connection.pipeline;
    try {
      return await commitQuietly(sequelize, transaction, options);
    } finally {
      connection.pipeline = had;
    }
  }

  beforeEach(async () => {
    await query(url, 'CREATE TABLE rows (name text PRIMARY KEY)');
  });

  it('commits with the work, and begins the next transaction on the same connection', async () => {
    const first = await begin(sequelize);
    await sequelize.query('CREATE TABLE work (id integer)', { transaction: first });
    const next = await commit(first, { along: { sql: 'INSERT INTO rows (name) VALUES ($1)', bind: ['first'] }, beginNext: true });
    expect(next).toBeDefined();
    expect(connectionOf(next!)).toBe(connectionOf(first));
    await sequelize.query('CREATE TABLE work_two (id integer)', { transaction: next });
    expect(await query(url, 'SELECT name FROM rows')).toEqual([{ name: 'first' }]);
    // The second transaction is open: what it did is not visible yet.
    expect(await tableExists(url, 'work_two')).toBe(false);
    expect(await commit(next!, { along: { sql: 'INSERT INTO rows (name) VALUES ($1)', bind: ['second'] } })).toBeUndefined();
    expect(await tableExists(url, 'work')).toBe(true);
    expect(await tableExists(url, 'work_two')).toBe(true);
    expect(await query(url, 'SELECT name FROM rows ORDER BY name')).toEqual([{ name: 'first' }, { name: 'second' }]);
  });

  it.each([false, true])('a row that fails commits nothing and begins nothing (beginNext: %s)', async (beginNext) => {
    const transaction = await begin(sequelize);
    await sequelize.query('CREATE TABLE work (id integer)', { transaction });
    await query(url, "INSERT INTO rows (name) VALUES ('taken')");
    const failed = commit(transaction, { along: { sql: 'INSERT INTO rows (name) VALUES ($1)', bind: ['taken'] }, beginNext });
    await expect(failed).rejects.toBeInstanceOf(RowNotWritten);
    await expect(failed).rejects.toMatchObject({ cause: { code: '23505' } });
    // Pipelined, the COMMIT behind the failed row has already ended the transaction; sent one after
    // the other, it was never sent and the transaction waits for its rollback.
    const states = (await updownSessions(url)).map((session) => session.state);
    expect(states.length).toBeGreaterThan(0);
    expect(states.includes('idle in transaction (aborted)')).toBe(!pipelined);
    await rollback(transaction);
    expect(await tableExists(url, 'work')).toBe(false);
    expect((await updownSessions(url)).map((session) => session.state).filter((state) => state !== 'idle')).toEqual([]);
    // The pool's connections are usable: a new transaction commits.
    const again = await begin(sequelize);
    await sequelize.query('CREATE TABLE work (id integer)', { transaction: again });
    await commit(again, { along: { sql: 'INSERT INTO rows (name) VALUES ($1)', bind: ['again'] } });
    expect(await tableExists(url, 'work')).toBe(true);
    expect(await query(url, 'SELECT name FROM rows ORDER BY name')).toEqual([{ name: 'again' }, { name: 'taken' }]);
  });

  it('in a savepoint, a row that fails leaves the savepoint to roll back to, and the outer transaction goes on', async () => {
    const outer = await begin(sequelize);
    const file = await begin(sequelize, outer);
    await sequelize.query('CREATE TABLE work (id integer)', { transaction: file });
    await query(url, "INSERT INTO rows (name) VALUES ('taken')");
    await expect(commit(file, { along: { sql: 'INSERT INTO rows (name) VALUES ($1)', bind: ['taken'] }, beginNext: true })).rejects.toBeInstanceOf(RowNotWritten);
    await rollback(file);
    const retry = await begin(sequelize, outer);
    await sequelize.query('CREATE TABLE work_two (id integer)', { transaction: retry });
    await commit(retry, { along: { sql: 'INSERT INTO rows (name) VALUES ($1)', bind: ['retried'] } });
    await commitQuietly(sequelize, outer);
    expect(await tableExists(url, 'work')).toBe(false);
    expect(await tableExists(url, 'work_two')).toBe(true);
    expect(await query(url, 'SELECT name FROM rows ORDER BY name')).toEqual([{ name: 'retried' }, { name: 'taken' }]);
  });
});

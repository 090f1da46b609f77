import { reseed, resetDatabase } from 'updown/testing';
import { PRODUCTS } from '../src/tools/rds/sequelize/seeds/20250316090100-products';
import { useTestDatabase } from './support/database';

describe('resetDatabase and reseed (this worker has a database of its own)', () => {
  const db = useTestDatabase();
  const { Product, Role, User } = db.models;

  // Leave the worker's database as the next test file expects it: seeded. (useTestDatabase's
  // afterAll has closed db.sequelize by then: this one uses DATABASE_URL.)
  afterAll(async () => {
    await reseed();
  });

  it('runs on the worker database, not on a shared one', async () => {
    const [[row]] = (await db.sequelize.query('SELECT current_database() AS name')) as [{ name: string }[], unknown];
    expect(row.name).toMatch(/_w\d+$/);
    expect(row.name).toBe(`${row.name.replace(/_w\d+$/, '')}_w${process.env.JEST_WORKER_ID ?? '1'}`);
  });

  it('resetDatabase() empties every table but keeps the migration and seed history', async () => {
    await db.createUser();
    const truncated = await resetDatabase({ sequelize: db.sequelize });

    expect(truncated).toEqual(expect.arrayContaining(['users', 'organizations', 'memberships', 'roles', 'products']));
    expect(truncated).not.toContain('SequelizeMeta');
    expect(await User.count()).toBe(0);
    expect(await Product.count()).toBe(0);
    const [meta] = (await db.sequelize.query('SELECT count(*)::int AS n FROM "SequelizeMeta"')) as [{ n: number }[], unknown];
    expect(meta[0].n).toBeGreaterThan(0);
  });

  it('reseed() brings the seeded rows back', async () => {
    await resetDatabase({ sequelize: db.sequelize });
    await reseed({ sequelize: db.sequelize });

    expect(await Product.count()).toBe(PRODUCTS.length);
    expect(await Role.count()).toBe(3);
  });
});

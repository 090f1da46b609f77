import { createSequelize } from '../src/db';

describe('createSequelize', () => {
  it('refuses to start without a database URL', () => {
    expect(() => createSequelize('')).toThrow(/DATABASE_URL is not set/);
  });

  it('connects to the test database', async () => {
    const sequelize = createSequelize();
    try {
      const [rows] = await sequelize.query('SELECT current_database() AS db');
      expect((rows as { db: string }[])[0].db).toBe(new URL(process.env.DATABASE_URL as string).pathname.slice(1));
    } finally {
      await sequelize.close();
    }
  });
});

import { UniqueConstraintError } from 'sequelize';
import { rejectionOf, unique, useTestDatabase } from './support/database';

describe('users', () => {
  const db = useTestDatabase();
  const { User } = db.models;

  it('gets its id and timestamps from the database defaults', async () => {
    const user = await db.createUser({ name: 'Ada Lovelace' });
    const row = await User.findByPk(user.id, { rejectOnEmpty: true });

    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.name).toBe('Ada Lovelace');
    expect(row.passwordHash).toBeNull();
    expect(row.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('enforces a unique email', async () => {
    const email = `${unique('dup')}@test.example.com`;
    await db.createUser({ email });

    const error = await rejectionOf(db.createUser({ email }));

    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(await User.count({ where: { email } })).toBe(1);
  });

  it('enforces a unique email regardless of case (unique index on lower(email))', async () => {
    const local = unique('Case');
    await db.createUser({ email: `${local}@Test.Example.com` });

    const error = await rejectionOf(db.createUser({ email: `${local.toLowerCase()}@test.example.com` }));

    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect((error as UniqueConstraintError).original).toMatchObject({ constraint: 'users_email_lower_key' });
  });
});

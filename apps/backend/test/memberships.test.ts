import { DatabaseError, UniqueConstraintError } from 'sequelize';
import type { MembershipRole } from '../src/tools/rds/sequelize/models';
import { rejectionOf, useTestDatabase } from './support/database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('memberships', () => {
  const db = useTestDatabase();
  const { Membership, Organization, User } = db.models;

  it('links a user to an organization, with the default role "member"', async () => {
    const organization = await db.createOrganization();
    const user = await db.createUser();

    const membership = await Membership.create({ userId: user.id, organizationId: organization.id });

    expect(membership.id).toMatch(UUID);
    expect(membership.role).toBe('member');
    expect(membership.createdAt).toBeInstanceOf(Date);

    const withMembers = await Organization.findByPk(organization.id, { include: [{ association: 'members' }] });
    expect(withMembers?.members?.map((member) => member.email)).toEqual([user.email]);

    const withOrganizations = await User.findByPk(user.id, { include: [{ association: 'organizations' }] });
    expect(withOrganizations?.organizations?.map((org) => org.slug)).toEqual([organization.slug]);

    const loaded = await Membership.findByPk(membership.id, { include: ['user', 'organization'] });
    expect(loaded?.user?.id).toBe(user.id);
    expect(loaded?.organization?.id).toBe(organization.id);
  });

  it.each<MembershipRole>(['owner', 'admin', 'member'])('accepts the role "%s"', async (role) => {
    const organization = await db.createOrganization();
    const user = await db.createUser();

    const membership = await Membership.create({ userId: user.id, organizationId: organization.id, role });
    await membership.reload();

    expect(membership.role).toBe(role);
  });

  it('deleting an organization deletes its memberships but not its users', async () => {
    const organization = await db.createOrganization();
    const alice = await db.createUser();
    const bob = await db.createUser();
    await Membership.create({ userId: alice.id, organizationId: organization.id, role: 'owner' });
    await Membership.create({ userId: bob.id, organizationId: organization.id });
    expect(await Membership.count({ where: { organizationId: organization.id } })).toBe(2);

    await organization.destroy();

    expect(await Membership.count({ where: { organizationId: organization.id } })).toBe(0);
    expect(await User.count({ where: { id: [alice.id, bob.id] } })).toBe(2);
  });

  it('deleting a user deletes their memberships but not the organization', async () => {
    const organization = await db.createOrganization();
    const user = await db.createUser();
    await Membership.create({ userId: user.id, organizationId: organization.id });

    await user.destroy();

    expect(await Membership.count({ where: { userId: user.id } })).toBe(0);
    expect(await Organization.findByPk(organization.id)).not.toBeNull();
  });

  it('the role ENUM rejects an unknown value in the database', async () => {
    const organization = await db.createOrganization();
    const user = await db.createUser();

    // Straight SQL, so that only the database's own type check stands in the way.
    const error = await rejectionOf(
      db.sequelize.query('INSERT INTO memberships (user_id, organization_id, role) VALUES ($1, $2, $3)', {
        bind: [user.id, organization.id, 'superuser'],
      }),
    );

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error.message).toMatch(/invalid input value for enum enum_memberships_role: "superuser"/);
    expect(await Membership.count({ where: { userId: user.id } })).toBe(0);
  });

  it('the role ENUM rejects an unknown value through the model', async () => {
    const organization = await db.createOrganization();
    const user = await db.createUser();

    const error = await rejectionOf(
      Membership.create({ userId: user.id, organizationId: organization.id, role: 'superuser' as MembershipRole }),
    );

    expect(error.message).toMatch(/superuser/);
    expect(await Membership.count({ where: { userId: user.id } })).toBe(0);
  });

  it('a user can belong to an organization only once', async () => {
    const organization = await db.createOrganization();
    const user = await db.createUser();
    await Membership.create({ userId: user.id, organizationId: organization.id });

    const error = await rejectionOf(
      Membership.create({ userId: user.id, organizationId: organization.id, role: 'admin' }),
    );

    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect((error as UniqueConstraintError).original).toMatchObject({
      constraint: 'memberships_user_id_organization_id_key',
    });
    expect(await Membership.count({ where: { userId: user.id } })).toBe(1);
  });

  it('rejects a membership for an organization that does not exist', async () => {
    const user = await db.createUser();

    const error = await rejectionOf(
      Membership.create({ userId: user.id, organizationId: '00000000-0000-4000-8000-000000000000' }),
    );

    expect(error.name).toBe('SequelizeForeignKeyConstraintError');
  });
});

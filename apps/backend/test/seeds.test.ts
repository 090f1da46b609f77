import { MEMBERSHIP_ROLES } from '../src/tools/rds/sequelize/models';
import { ROLES } from '../src/tools/rds/sequelize/seeds/20250316090000-defaultRoles';
import { PRODUCTS } from '../src/tools/rds/sequelize/seeds/20250316090100-products';
import {
  ADMIN_ORGANIZATION_ID,
  ADMIN_ORGANIZATION_SLUG,
  ADMIN_USER_ID,
} from '../src/tools/rds/sequelize/seeds/20250316090200-adminUser';
import { useTestDatabase } from './support/database';

describe('seeded data', () => {
  const db = useTestDatabase();
  const { Membership, Product, Role, User } = db.models;

  it('has one role per membership role, with a description', async () => {
    const roles = await Role.findAll({ where: { id: ROLES.map((role) => role.id) }, order: [['name', 'ASC']] });

    expect(roles.map((role) => role.name)).toEqual([...MEMBERSHIP_ROLES].sort());
    for (const role of roles) expect(role.description.length).toBeGreaterThan(0);
  });

  it('has the catalog of products', async () => {
    const products = await Product.findAll({ where: { id: PRODUCTS.map((product) => product.id) } });

    expect(products).toHaveLength(PRODUCTS.length);
    for (const seeded of PRODUCTS) {
      const product = products.find((row) => row.id === seeded.id);
      expect(product).toMatchObject({
        sku: seeded.sku,
        priceCents: seeded.price_cents,
        currency: seeded.currency,
        active: seeded.active,
      });
    }
  });

  it('has an admin user who owns the admin organization, without a password', async () => {
    const admin = await User.findByPk(ADMIN_USER_ID, {
      include: [{ association: 'organizations' }],
      rejectOnEmpty: true,
    });

    expect(admin.email).toBe(process.env.ADMIN_EMAIL ?? 'admin@example.com');
    expect(admin.passwordHash).toBeNull();
    expect(admin.organizations?.map((org) => org.slug)).toEqual([ADMIN_ORGANIZATION_SLUG]);

    const membership = await Membership.findOne({
      where: { userId: ADMIN_USER_ID, organizationId: ADMIN_ORGANIZATION_ID },
      rejectOnEmpty: true,
    });
    expect(membership.role).toBe('owner');
  });
});

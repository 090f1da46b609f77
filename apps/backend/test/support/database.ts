import { randomUUID } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db';
import { initModels, type Models } from '../../src/tools/rds/sequelize/models';
import type { Organization } from '../../src/tools/rds/sequelize/models/organization';
import type { Product } from '../../src/tools/rds/sequelize/models/product';
import type { User } from '../../src/tools/rds/sequelize/models/user';

export interface TestDatabase {
  sequelize: Sequelize;
  models: Models;
  /** Creates a user with a unique email; it is deleted (cascading to its memberships) after the test. */
  createUser(overrides?: Partial<{ email: string; name: string }>): Promise<User>;
  /** Creates an organization with a unique slug; deleted after the test. */
  createOrganization(overrides?: Partial<{ name: string; slug: string; stripeCustomerId: string | null }>): Promise<Organization>;
  /** Creates a product with a unique SKU; deleted after the test. */
  createProduct(overrides?: Partial<{ sku: string; name: string; priceCents: number; currency: string; active: boolean }>): Promise<Product>;
}

/** A short random suffix, so that parallel workers and re-runs never collide. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * Connects to the migrated and seeded test database (DATABASE_URL, set by the updown globalSetup)
 * and deletes, after each test, every row the test created through the factories.
 */
export function useTestDatabase(): TestDatabase {
  const sequelize = createSequelize(process.env.DATABASE_URL);
  const models = initModels(sequelize);
  const created = { users: new Set<string>(), organizations: new Set<string>(), products: new Set<string>() };

  afterEach(async () => {
    // Memberships go with their organization or user (ON DELETE CASCADE).
    await models.Organization.destroy({ where: { id: [...created.organizations] } });
    await models.User.destroy({ where: { id: [...created.users] } });
    await models.Product.destroy({ where: { id: [...created.products] } });
    created.organizations.clear();
    created.users.clear();
    created.products.clear();
  });

  afterAll(async () => {
    await sequelize.close();
  });

  return {
    sequelize,
    models,
    async createUser(overrides = {}) {
      const name = unique('user');
      const user = await models.User.create({ email: `${name}@test.example.com`, name, ...overrides });
      created.users.add(user.id);
      return user;
    },
    async createOrganization(overrides = {}) {
      const slug = unique('org');
      const organization = await models.Organization.create({ name: `Org ${slug}`, slug, ...overrides });
      created.organizations.add(organization.id);
      return organization;
    },
    async createProduct(overrides = {}) {
      const sku = unique('sku');
      const product = await models.Product.create({ sku, name: `Product ${sku}`, priceCents: 1000, ...overrides });
      created.products.add(product.id);
      return product;
    },
  };
}

/** Awaits a promise that must reject and returns its error (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, any>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, any>;
  }
  throw new Error('expected the operation to be rejected, but it succeeded');
}

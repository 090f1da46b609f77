import { UniqueConstraintError } from 'sequelize';
import { rejectionOf, unique, useTestDatabase } from './support/database';

describe('organizations', () => {
  const db = useTestDatabase();
  const { Organization } = db.models;

  it('has no Stripe customer until one is attached', async () => {
    const organization = await db.createOrganization();
    expect(organization.stripeCustomerId ?? null).toBeNull();

    const customerId = unique('cus');
    await organization.update({ stripeCustomerId: customerId });

    const found = await Organization.findOne({ where: { stripeCustomerId: customerId } });
    expect(found?.id).toBe(organization.id);
    expect(found?.updatedAt.getTime()).toBeGreaterThanOrEqual(organization.createdAt.getTime());
  });

  it('allows many organizations without a Stripe customer', async () => {
    const first = await db.createOrganization({ stripeCustomerId: null });
    const second = await db.createOrganization({ stripeCustomerId: null });

    expect(await Organization.count({ where: { id: [first.id, second.id], stripeCustomerId: null } })).toBe(2);
  });

  it('maps a Stripe customer to one organization only', async () => {
    const customerId = unique('cus');
    await db.createOrganization({ stripeCustomerId: customerId });

    const error = await rejectionOf(db.createOrganization({ stripeCustomerId: customerId }));

    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect((error as UniqueConstraintError).original).toMatchObject({
      constraint: 'organizations_stripe_customer_id_key',
    });
  });

  it('enforces a unique slug', async () => {
    const slug = unique('acme');
    await db.createOrganization({ slug });

    const error = await rejectionOf(db.createOrganization({ slug }));

    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(await Organization.count({ where: { slug } })).toBe(1);
  });
});

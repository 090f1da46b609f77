import type { Seed } from 'updown';

/** A fixture for development and test only (the default); never run in production. */
export const environments = ['development', 'test'];

export const ADMIN_USER_ID = '9b2e4f6a-1c3d-4e5f-8a7b-000000000001';
export const ADMIN_ORGANIZATION_ID = '9b2e4f6a-1c3d-4e5f-8a7b-000000000002';
export const ADMIN_MEMBERSHIP_ID = '9b2e4f6a-1c3d-4e5f-8a7b-000000000003';
export const ADMIN_ORGANIZATION_SLUG = 'updown-admin';

/**
 * The first user of a new environment, owner of the operator's organization.
 * No password is stored: the admin signs in through a password reset or SSO.
 */
export const up: Seed = async ({ context: { queryInterface } }) => {
  await queryInterface.bulkInsert('users', [
    {
      id: ADMIN_USER_ID,
      email: process.env.ADMIN_EMAIL ?? 'admin@example.com',
      name: 'Administrator',
      password_hash: null,
    },
  ]);
  await queryInterface.bulkInsert('organizations', [
    {
      id: ADMIN_ORGANIZATION_ID,
      name: 'updown Admin',
      slug: ADMIN_ORGANIZATION_SLUG,
    },
  ]);
  await queryInterface.bulkInsert('memberships', [
    {
      id: ADMIN_MEMBERSHIP_ID,
      user_id: ADMIN_USER_ID,
      organization_id: ADMIN_ORGANIZATION_ID,
      role: 'owner',
    },
  ]);
};

export const down: Seed = async ({ context: { queryInterface } }) => {
  // Children first; by id, so rows created by people are never touched.
  await queryInterface.bulkDelete('memberships', { id: ADMIN_MEMBERSHIP_ID });
  await queryInterface.bulkDelete('organizations', { id: ADMIN_ORGANIZATION_ID });
  await queryInterface.bulkDelete('users', { id: ADMIN_USER_ID });
};

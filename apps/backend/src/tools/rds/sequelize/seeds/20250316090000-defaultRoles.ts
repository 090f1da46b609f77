import type { Seed } from 'updown';

/** Reference data: the application needs it everywhere, production included. */
export const environments = ['development', 'test', 'production'];

/** Fixed ids so that `down` removes exactly these rows and every environment agrees. */
export const ROLES = [
  {
    id: '6f1d8c3e-0a4b-4c1e-9b7a-000000000001',
    name: 'owner',
    description: 'Full control of the organization, including billing and deleting it.',
  },
  {
    id: '6f1d8c3e-0a4b-4c1e-9b7a-000000000002',
    name: 'admin',
    description: 'Manages members and settings; cannot delete the organization or change billing.',
  },
  {
    id: '6f1d8c3e-0a4b-4c1e-9b7a-000000000003',
    name: 'member',
    description: 'Uses the product within the organization.',
  },
] as const;

export const up: Seed = async ({ context: { queryInterface } }) => {
  await queryInterface.bulkInsert(
    'roles',
    ROLES.map((role) => ({ ...role })),
  );
};

export const down: Seed = async ({ context: { queryInterface } }) => {
  await queryInterface.bulkDelete('roles', { id: ROLES.map((role) => role.id) });
};

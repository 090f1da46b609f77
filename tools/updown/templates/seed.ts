import type { Seed } from 'updown';

// Runs in one transaction together with its tracking row. Use fixed keys so that down() removes
// exactly the rows up() added.

export const up: Seed = async ({ context: { queryInterface } }) => {
  // e.g. await queryInterface.bulkInsert('roles', [{ name: 'support', description: 'Support staff' }]);
  await queryInterface.sequelize.query('SELECT 1'); // replace with the rows
};

export const down: Seed = async () => {
  // e.g. await queryInterface.bulkDelete('roles', { name: ['support'] });
  throw new Error('__NAME__: down() is not written yet');
};

import type { Migration } from 'updown';

// Runs in one transaction together with its tracking row: never pass a transaction yourself.
// For CREATE INDEX CONCURRENTLY and the like, opt out with: export const transaction = false;

export const up: Migration = async ({ context: { queryInterface } }) => {
  // e.g. (with `import { DataTypes } from 'sequelize';`):
  // await queryInterface.addColumn('organizations', 'stripeCustomerId', { type: DataTypes.STRING });
  await queryInterface.sequelize.query('SELECT 1'); // replace with the change
};

export const down: Migration = async () => {
  // Undo exactly what up() does (ENUM types and indexes included). Until then, going down refuses here.
  throw new Error('__NAME__: down() is not written yet');
};

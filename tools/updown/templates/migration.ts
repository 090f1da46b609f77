import type { Migration } from 'updown';

// Runs in one transaction together with its tracking row: never pass a transaction yourself.
// For CREATE INDEX CONCURRENTLY and the like, opt out with: export const transaction = false;
// Each `throw new Error('updown:unwritten …')` below marks a placeholder: while up() has one, `up`
// refuses this file; while down() has one, `down` refuses it, before anything is run or reverted.

export const up: Migration = async ({ context: { queryInterface } }) => {
  // e.g. (with `import { DataTypes } from 'sequelize';`):
  // await queryInterface.addColumn('organizations', 'stripe_customer_id', { type: DataTypes.STRING });
  void queryInterface;
  throw new Error('updown:unwritten up() of __NAME__'); // replace with the change
};

export const down: Migration = async ({ context: { queryInterface } }) => {
  // Undo exactly what up() does (ENUM types and indexes included), e.g.
  // await queryInterface.removeColumn('organizations', 'stripe_customer_id');
  void queryInterface;
  throw new Error('updown:unwritten down() of __NAME__'); // replace with the undo
};

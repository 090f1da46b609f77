import type { Change } from 'updown';

// updown derives down() by inverting these queryInterface calls in reverse order. A call whose
// inverse needs more than it says (removeColumn, dropTable, changeColumn, …) takes `{ from: … }`;
// raw SQL cannot be inverted: write up() and down() for it instead.

export const change: Change = async ({ context: { queryInterface } }) => {
  // e.g. (with `import { DataTypes } from 'sequelize';`):
  // await queryInterface.addColumn('organizations', 'stripeCustomerId', { type: DataTypes.STRING });
  void queryInterface; // replace with the change
};

import type { Change } from 'updown';

// updown derives down() by inverting these queryInterface calls in reverse order. A call whose
// inverse needs more than it says (removeColumn, dropTable, changeColumn, …) takes `{ from: … }`;
// raw SQL cannot be inverted: write up() and down() for it instead. The
// `throw new Error('updown:unwritten …')` below marks the placeholder: updown refuses this file,
// up and down, before anything runs, until it is replaced.

export const change: Change = async ({ context: { queryInterface } }) => {
  // e.g. (with `import { DataTypes } from 'sequelize';`):
  // await queryInterface.addColumn('organizations', 'stripe_customer_id', { type: DataTypes.STRING });
  void queryInterface;
  throw new Error('updown:unwritten change() of __NAME__'); // replace with the change
};

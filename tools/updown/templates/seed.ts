import type { Seed } from 'updown';

// Runs in one transaction together with its tracking row. Use fixed keys so that down() removes
// exactly the rows up() added. Each `throw new Error('updown:unwritten …')` below marks a
// placeholder: updown refuses to run that direction until it is replaced.

export const up: Seed = async ({ context: { queryInterface } }) => {
  // e.g. await queryInterface.bulkInsert('roles', [{ name: 'support', description: 'Support staff' }]);
  void queryInterface;
  throw new Error('updown:unwritten up() of __NAME__'); // replace with the rows
};

export const down: Seed = async ({ context: { queryInterface } }) => {
  // e.g. await queryInterface.bulkDelete('roles', { name: ['support'] });
  void queryInterface;
  throw new Error('updown:unwritten down() of __NAME__'); // replace with the undo
};

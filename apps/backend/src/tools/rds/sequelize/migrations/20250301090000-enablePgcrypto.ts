import type { Migration } from 'updown';

/** pgcrypto provides gen_random_uuid(), used as the default for every uuid primary key. */
export const up: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.sequelize.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
};

export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.sequelize.query('DROP EXTENSION IF EXISTS pgcrypto');
};

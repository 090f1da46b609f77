import { Sequelize } from 'sequelize';
import type { Migration } from 'updown';

const MEMBERSHIPS_ORGANIZATION_INDEX = 'memberships_organization_id_idx';
const USERS_EMAIL_LOWER_INDEX = 'users_email_lower_key';

export const up: Migration = async ({ context: { queryInterface } }) => {
  // "List the members of an organization": the (user_id, organization_id) unique index
  // only serves lookups by user_id.
  await queryInterface.addIndex('memberships', {
    name: MEMBERSHIPS_ORGANIZATION_INDEX,
    fields: ['organization_id'],
  });
  // Sign-in looks users up by lower(email); it also makes emails unique regardless of case.
  await queryInterface.addIndex('users', {
    name: USERS_EMAIL_LOWER_INDEX,
    fields: [Sequelize.fn('lower', Sequelize.col('email'))],
    unique: true,
  });
};

export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.removeIndex('users', USERS_EMAIL_LOWER_INDEX);
  await queryInterface.removeIndex('memberships', MEMBERSHIPS_ORGANIZATION_INDEX);
};

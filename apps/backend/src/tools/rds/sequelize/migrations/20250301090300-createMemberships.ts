import { DataTypes, Sequelize } from 'sequelize';
import type { Migration } from 'updown';

export const up: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.createTable('memberships', {
    id: {
      type: DataTypes.UUID,
      primaryKey: true,
      allowNull: false,
      defaultValue: Sequelize.fn('gen_random_uuid'),
    },
    user_id: {
      type: DataTypes.UUID,
      allowNull: false,
      references: { model: 'users', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    organization_id: {
      type: DataTypes.UUID,
      allowNull: false,
      references: { model: 'organizations', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    // Creates the type "enum_memberships_role".
    role: {
      type: DataTypes.ENUM('owner', 'admin', 'member'),
      allowNull: false,
      defaultValue: 'member',
    },
    created_at: {
      type: DataTypes.DATE,
      allowNull: false,
      defaultValue: Sequelize.fn('now'),
    },
    updated_at: {
      type: DataTypes.DATE,
      allowNull: false,
      defaultValue: Sequelize.fn('now'),
    },
  });

  // A user belongs to an organization at most once.
  await queryInterface.addConstraint('memberships', {
    type: 'unique',
    fields: ['user_id', 'organization_id'],
    name: 'memberships_user_id_organization_id_key',
  });
};

export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.dropTable('memberships');
  // dropTable leaves the ENUM type behind: drop it too, or a later up fails or reuses a stale type.
  await queryInterface.sequelize.query('DROP TYPE IF EXISTS "enum_memberships_role"');
};

import { DataTypes, Sequelize } from 'sequelize';
import type { Migration } from 'updown';

export const up: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.createTable('organizations', {
    id: {
      type: DataTypes.UUID,
      primaryKey: true,
      allowNull: false,
      defaultValue: Sequelize.fn('gen_random_uuid'),
    },
    name: {
      type: DataTypes.STRING(200),
      allowNull: false,
    },
    // Used in URLs: https://app.example.com/<slug>
    slug: {
      type: DataTypes.STRING(63),
      allowNull: false,
      unique: true,
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
};

export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.dropTable('organizations');
};

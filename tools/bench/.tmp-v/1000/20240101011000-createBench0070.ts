import { DataTypes, Sequelize } from 'sequelize';
import type { Migration } from 'updown';

export const up: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.createTable('bench_0070', {
    id: { type: DataTypes.UUID, primaryKey: true, allowNull: false, defaultValue: Sequelize.literal('gen_random_uuid()') },
    name: { type: DataTypes.STRING(120), allowNull: false },
    email: { type: DataTypes.STRING, allowNull: true },
    amount_cents: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    settings: { type: DataTypes.JSONB, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') },
    updated_at: { type: DataTypes.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') },
  });
  await queryInterface.addIndex('bench_0070', ['email'], { name: 'bench_0070_email_idx' });
};

export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.removeIndex('bench_0070', 'bench_0070_email_idx');
  await queryInterface.dropTable('bench_0070');
};

import { DataTypes, Sequelize } from 'sequelize';
import type { Migration } from 'updown';

export const up: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.createTable('bench_0171', {
    id: { type: DataTypes.UUID, primaryKey: true, allowNull: false, defaultValue: Sequelize.literal('gen_random_uuid()') },
    name: { type: DataTypes.STRING(120), allowNull: false },
    email: { type: DataTypes.STRING, allowNull: true },
    amount_cents: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    settings: { type: DataTypes.JSONB, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') },
    updated_at: { type: DataTypes.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') },
  });
  await queryInterface.addColumn('bench_0086', 'note_0171', { type: DataTypes.TEXT, allowNull: true });
};

export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.removeColumn('bench_0086', 'note_0171');
  await queryInterface.dropTable('bench_0171');
};

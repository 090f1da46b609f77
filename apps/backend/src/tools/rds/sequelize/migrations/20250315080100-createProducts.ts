import { DataTypes, Op, Sequelize } from 'sequelize';
import type { Migration } from 'updown';

export const up: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.createTable('products', {
    id: {
      type: DataTypes.UUID,
      primaryKey: true,
      allowNull: false,
      defaultValue: Sequelize.fn('gen_random_uuid'),
    },
    sku: {
      type: DataTypes.STRING(64),
      allowNull: false,
      unique: true,
    },
    name: {
      type: DataTypes.STRING(200),
      allowNull: false,
    },
    // Money is stored in the currency's minor unit, never as a float.
    price_cents: {
      type: DataTypes.INTEGER,
      allowNull: false,
    },
    // ISO 4217 code, e.g. USD, EUR.
    currency: {
      type: DataTypes.CHAR(3),
      allowNull: false,
      defaultValue: 'USD',
    },
    active: {
      type: DataTypes.BOOLEAN,
      allowNull: false,
      defaultValue: true,
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

  await queryInterface.addConstraint('products', {
    type: 'check',
    name: 'products_price_cents_non_negative',
    fields: ['price_cents'],
    where: { price_cents: { [Op.gte]: 0 } },
  });
  await queryInterface.addConstraint('products', {
    type: 'check',
    name: 'products_currency_iso_4217',
    fields: ['currency'],
    where: { currency: { [Op.regexp]: '^[A-Z]{3}$' } },
  });
};

export const down: Migration = async ({ context: { queryInterface } }) => {
  // The check constraints belong to the table and go with it.
  await queryInterface.dropTable('products');
};

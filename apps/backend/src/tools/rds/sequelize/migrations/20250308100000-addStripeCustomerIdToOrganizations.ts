import { DataTypes, Op } from 'sequelize';
import type { Migration } from 'updown';

const INDEX_NAME = 'organizations_stripe_customer_id_key';

export const up: Migration = async ({ context: { queryInterface } }) => {
  // Nullable: an organization gets a Stripe customer when it first subscribes.
  await queryInterface.addColumn('organizations', 'stripe_customer_id', {
    type: DataTypes.STRING(255),
    allowNull: true,
  });
  // One organization per Stripe customer; organizations without one are not constrained.
  await queryInterface.addIndex('organizations', {
    name: INDEX_NAME,
    fields: ['stripe_customer_id'],
    unique: true,
    where: { stripe_customer_id: { [Op.ne]: null } },
  });
};

export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.removeIndex('organizations', INDEX_NAME);
  await queryInterface.removeColumn('organizations', 'stripe_customer_id');
};

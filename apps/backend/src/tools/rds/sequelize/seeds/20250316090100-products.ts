import type { Seed } from 'updown';

/** Reference data: the application needs it everywhere, production included. */
export const environments = ['development', 'test', 'production'];

/** Rows as the table holds them (column names); created_at and updated_at come from the column defaults. */
export const PRODUCTS = [
  {
    id: '3a7c5e10-8d2f-4b6a-a1c4-000000000001',
    sku: 'plan-starter-monthly',
    name: 'Starter (monthly)',
    price_cents: 0,
    currency: 'USD',
    active: true,
  },
  {
    id: '3a7c5e10-8d2f-4b6a-a1c4-000000000002',
    sku: 'plan-pro-monthly',
    name: 'Pro (monthly)',
    price_cents: 2900,
    currency: 'USD',
    active: true,
  },
  {
    id: '3a7c5e10-8d2f-4b6a-a1c4-000000000003',
    sku: 'plan-business-monthly',
    name: 'Business (monthly)',
    price_cents: 9900,
    currency: 'USD',
    active: true,
  },
  {
    id: '3a7c5e10-8d2f-4b6a-a1c4-000000000004',
    sku: 'plan-legacy-yearly',
    name: 'Legacy (yearly, no longer sold)',
    price_cents: 19900,
    currency: 'EUR',
    active: false,
  },
] as const;

export const up: Seed = async ({ context: { queryInterface } }) => {
  await queryInterface.bulkInsert(
    'products',
    PRODUCTS.map((product) => ({ ...product })),
  );
};

export const down: Seed = async ({ context: { queryInterface } }) => {
  await queryInterface.bulkDelete('products', { id: PRODUCTS.map((product) => product.id) });
};

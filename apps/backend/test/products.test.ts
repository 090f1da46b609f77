import { DatabaseError, UniqueConstraintError } from 'sequelize';
import { rejectionOf, unique, useTestDatabase } from './support/database';

describe('products', () => {
  const db = useTestDatabase();
  const { Product } = db.models;

  it('defaults to an active product priced in USD', async () => {
    const product = await db.createProduct({ priceCents: 4900 });
    const row = await Product.findByPk(product.id, { rejectOnEmpty: true });

    expect(row.priceCents).toBe(4900);
    expect(row.currency).toBe('USD');
    expect(row.active).toBe(true);
  });

  it('rejects a negative price (check constraint)', async () => {
    const sku = unique('sku');
    const error = await rejectionOf(db.createProduct({ sku, priceCents: -1 }));

    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).original).toMatchObject({
      code: '23514',
      constraint: 'products_price_cents_non_negative',
    });
    expect(await Product.count({ where: { sku } })).toBe(0);
  });

  it('accepts a price of zero (free plan)', async () => {
    const product = await db.createProduct({ priceCents: 0 });
    expect((await Product.findByPk(product.id, { rejectOnEmpty: true })).priceCents).toBe(0);
  });

  it('rejects a currency that is not an upper-case ISO 4217 code', async () => {
    const error = await rejectionOf(db.createProduct({ currency: 'usd' }));

    expect((error as DatabaseError).original).toMatchObject({ code: '23514', constraint: 'products_currency_iso_4217' });
  });

  it('enforces a unique SKU', async () => {
    const sku = unique('sku');
    await db.createProduct({ sku });

    const error = await rejectionOf(db.createProduct({ sku }));

    expect(error).toBeInstanceOf(UniqueConstraintError);
  });
});

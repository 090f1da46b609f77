import { Sequelize } from 'sequelize';

/**
 * The service's connection. The schema is managed by updown migrations
 * (src/tools/rds/sequelize/migrations); models are bound with `initModels`.
 */
export function createSequelize(url: string | undefined = process.env.DATABASE_URL): Sequelize {
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set: pass a PostgreSQL URL to createSequelize() or set DATABASE_URL ' +
        '(e.g. postgres://postgres@127.0.0.1:5432/updown_development).',
    );
  }
  return new Sequelize(url, {
    dialect: 'postgres',
    logging: false,
  });
}

import fs from 'node:fs';
import path from 'node:path';
import { query } from './database';
import { tempMigrations, type TempMigrations } from './fixtures';

/**
 * A SaaS project's tenant migrations, as such a team writes them: accounts per tenant, then a
 * unique e-mail constraint that fails in a tenant whose data has duplicates (the usual way one
 * tenant among many breaks a deploy).
 */
export const ACCOUNTS = `import { DataTypes } from 'sequelize';
import type { Migration } from 'updown';

export const up: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.createTable('accounts', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    email: { type: DataTypes.STRING, allowNull: false },
  });
};
export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.dropTable('accounts');
};
`;

export const UNIQUE_EMAIL = `import type { Migration } from 'updown';

export const up: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.addConstraint('accounts', { fields: ['email'], type: 'unique', name: 'accounts_email_key' });
};
export const down: Migration = async ({ context: { queryInterface } }) => {
  await queryInterface.removeConstraint('accounts', 'accounts_email_key');
};
`;

/** A file that takes a while on the server, so a test can watch tenants running side by side. */
export const SLOW = (seconds: number) => `import type { Migration } from 'updown';

export const up: Migration = async ({ context: { sequelize } }) => {
  await sequelize.query('SELECT pg_sleep(${seconds})');
};
export const down: Migration = async () => undefined;
`;

export function tenantProject(files: Record<string, string>): TempMigrations {
  const project = tempMigrations();
  for (const [name, source] of Object.entries(files)) fs.writeFileSync(path.join(project.dir, name), source);
  return project;
}

export async function createSchemas(url: string, schemas: string[]): Promise<void> {
  for (const schema of schemas) await query(url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE; CREATE SCHEMA "${schema}"`);
}

/** Schema → names recorded in its SequelizeMeta, for every schema that has one. */
export async function appliedBySchema(url: string): Promise<Record<string, string[]>> {
  const tables = await query<{ schema: string }>(url, "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'SequelizeMeta' ORDER BY 1");
  const out: Record<string, string[]> = {};
  for (const { schema } of tables) {
    out[schema] = (await query<{ name: string }>(url, `SELECT name FROM "${schema}"."SequelizeMeta" ORDER BY name`)).map((row) => row.name);
  }
  return out;
}

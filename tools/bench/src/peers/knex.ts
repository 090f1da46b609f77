/**
 * knex, as a knex project is written: a knexfile, one CommonJS migration per file using the schema
 * builder, and the knex CLI (`migrate:latest`, `migrate:rollback --all`, `migrate:list`). knex runs
 * all pending migrations in one transaction by default (each row in `knex_migrations`).
 */
import path from 'node:path';
import { writeFiles, type MigrationSpec } from '../generate';
import { js, nodeBin, packageVersion, peerEnv, type Tool } from './tool';

function migrationSource(m: MigrationSpec): string {
  const up = [
    `  await knex.schema.createTable(${js(m.table)}, (table) => {`,
    `    table.uuid('id').primary().notNullable().defaultTo(knex.raw('gen_random_uuid()'));`,
    `    table.string('name', 120).notNullable();`,
    `    table.string('email');`,
    `    table.integer('amount_cents').notNullable().defaultTo(0);`,
    `    table.boolean('is_active').notNullable().defaultTo(true);`,
    `    table.jsonb('settings');`,
    `    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());`,
    `    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());`,
    ...(m.index ? [`    table.index([${js(m.index.column)}], ${js(m.index.name)});`] : []),
    `  });`,
  ];
  const down: string[] = [];
  if (m.extraColumn) {
    up.push(`  await knex.schema.alterTable(${js(m.extraColumn.table)}, (table) => { table.text(${js(m.extraColumn.column)}); });`);
    down.push(`  await knex.schema.alterTable(${js(m.extraColumn.table)}, (table) => { table.dropColumn(${js(m.extraColumn.column)}); });`);
  }
  if (m.index) down.push(`  await knex.schema.alterTable(${js(m.table)}, (table) => { table.dropIndex([${js(m.index.column)}], ${js(m.index.name)}); });`);
  down.push(`  await knex.schema.dropTable(${js(m.table)});`);
  return [`exports.up = async (knex) => {`, ...up, `};`, ``, `exports.down = async (knex) => {`, ...down, `};`, ``].join('\n');
}

const KNEXFILE = `module.exports = {
  development: {
    client: 'pg',
    connection: process.env.DATABASE_URL,
    migrations: { directory: './migrations', tableName: 'knex_migrations' },
  },
};
`;

export function knexTool(): Tool {
  return {
    key: 'knex',
    label: `knex ${packageVersion('knex')}`,
    commits: 'batch',
    trackingTable: 'knex_migrations',
    prepare(work, dir) {
      writeFiles(dir, [['knexfile.js', KNEXFILE], ...work.migrations.map((m): [string, string] => [path.join('migrations', `${m.name}.js`), migrationSource(m)])]);
      const knex = (url: string, ...args: string[]) => nodeBin('knex', 'knex', [...args, '--knexfile', path.join(dir, 'knexfile.js')], dir, peerEnv(url));
      return {
        up: (url) => knex(url, 'migrate:latest'),
        status: (url) => knex(url, 'migrate:list'),
        upAgain: (url) => knex(url, 'migrate:latest'),
        down: (url) => knex(url, 'migrate:rollback', '--all'),
      };
    },
  };
}

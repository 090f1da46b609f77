/**
 * Writes N migrations of a realistic shape, and the SQL the psql floor runs for the same work.
 *
 * Migration i (1-based) creates table bench_i: a uuid primary key defaulting to gen_random_uuid()
 * (core since PostgreSQL 13, so no pgcrypto migration), five columns and timestamps. Every third
 * also adds a column to an earlier table; every fifth also adds an index. Each has the matching down.
 * The floor's SQL is the DDL Sequelize sends for the same calls (checked against a statement trace).
 */
import fs from 'node:fs';
import path from 'node:path';

export const TRACKING_TABLE = 'SequelizeMeta';

export interface Generated {
  n: number;
  /** The migrations folder (inside the repo, so `sequelize` resolves). */
  dir: string;
  /** psql scripts: every migration in its own BEGIN/COMMIT with its tracking row. */
  upSql: string;
  downSql: string;
  /** Creates the floor's tracking table (run before upSql, not timed). */
  setupSql: string;
  /** Every table the migrations create, for the warm reset (TRUNCATE). */
  tables: string[];
}

const pad = (i: number) => String(i).padStart(4, '0');
const table = (i: number) => `bench_${pad(i)}`;

/** 14-digit timestamps one minute apart, from 2024-01-01 00:00 UTC. */
function timestamp(i: number): string {
  const date = new Date(Date.UTC(2024, 0, 1) + i * 60_000);
  return date.toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

export function migrationName(i: number): string {
  return `${timestamp(i)}-createBench${pad(i)}`;
}

/** The earlier table that migration i adds a column to (every third), and that column. */
const extraColumn = (i: number) => ({ table: table(Math.ceil(i / 2)), column: `note_${pad(i)}` });
const indexName = (i: number) => `${table(i)}_email_idx`;

function moduleSource(i: number): string {
  const up = [
    `  await queryInterface.createTable('${table(i)}', {`,
    `    id: { type: DataTypes.UUID, primaryKey: true, allowNull: false, defaultValue: Sequelize.literal('gen_random_uuid()') },`,
    `    name: { type: DataTypes.STRING(120), allowNull: false },`,
    `    email: { type: DataTypes.STRING, allowNull: true },`,
    `    amount_cents: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },`,
    `    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },`,
    `    settings: { type: DataTypes.JSONB, allowNull: true },`,
    `    created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') },`,
    `    updated_at: { type: DataTypes.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') },`,
    `  });`,
  ];
  const down: string[] = [];
  if (i % 3 === 0) {
    const extra = extraColumn(i);
    up.push(`  await queryInterface.addColumn('${extra.table}', '${extra.column}', { type: DataTypes.TEXT, allowNull: true });`);
    down.unshift(`  await queryInterface.removeColumn('${extra.table}', '${extra.column}');`);
  }
  if (i % 5 === 0) {
    up.push(`  await queryInterface.addIndex('${table(i)}', ['email'], { name: '${indexName(i)}' });`);
    down.unshift(`  await queryInterface.removeIndex('${table(i)}', '${indexName(i)}');`);
  }
  down.push(`  await queryInterface.dropTable('${table(i)}');`);
  return [
    `import { DataTypes, Sequelize } from 'sequelize';`,
    `import type { Migration } from 'updown';`,
    ``,
    `export const up: Migration = async ({ context: { queryInterface } }) => {`,
    ...up,
    `};`,
    ``,
    `export const down: Migration = async ({ context: { queryInterface } }) => {`,
    ...down,
    `};`,
    ``,
  ].join('\n');
}

/** The statements Sequelize 6 sends for migration i's up and down (schema public). */
function floorStatements(i: number): { up: string[]; down: string[] } {
  const t = `"public"."${table(i)}"`;
  const up = [
    `CREATE TABLE IF NOT EXISTS ${t} ("id" UUID NOT NULL DEFAULT gen_random_uuid(), "name" VARCHAR(120) NOT NULL, ` +
      `"email" VARCHAR(255), "amount_cents" INTEGER NOT NULL DEFAULT 0, "is_active" BOOLEAN NOT NULL DEFAULT true, ` +
      `"settings" JSONB, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
      `"updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), PRIMARY KEY ("id"));`,
  ];
  const down: string[] = [];
  if (i % 3 === 0) {
    const extra = extraColumn(i);
    up.push(`ALTER TABLE "public"."${extra.table}" ADD COLUMN "${extra.column}" TEXT;`);
    down.unshift(`ALTER TABLE "public"."${extra.table}" DROP COLUMN "${extra.column}";`);
  }
  if (i % 5 === 0) {
    up.push(`CREATE INDEX "${indexName(i)}" ON ${t} ("email");`);
    down.unshift(`DROP INDEX IF EXISTS "public"."${indexName(i)}";`);
  }
  down.push(`DROP TABLE IF EXISTS ${t};`);
  return { up, down };
}

function transactionOf(statements: string[], tracking: string): string {
  return ['BEGIN;', ...statements, tracking, 'COMMIT;', ''].join('\n');
}

/** Writes the N files into `root/N/` (replacing what was there) and returns the floor's SQL. */
export function generate(root: string, n: number): Generated {
  const dir = path.join(root, String(n));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const up: string[] = [];
  const down: string[] = [];
  for (let i = 1; i <= n; i++) {
    const name = migrationName(i);
    fs.writeFileSync(path.join(dir, `${name}.ts`), moduleSource(i));
    const sql = floorStatements(i);
    up.push(transactionOf(sql.up, `INSERT INTO "${TRACKING_TABLE}" (name) VALUES ('${name}');`));
    down.unshift(transactionOf(sql.down, `DELETE FROM "${TRACKING_TABLE}" WHERE name = '${name}';`));
  }
  return {
    n,
    dir,
    upSql: up.join('\n'),
    downSql: down.join('\n'),
    setupSql: `CREATE TABLE "${TRACKING_TABLE}" (name varchar(255) NOT NULL PRIMARY KEY);`,
    tables: Array.from({ length: n }, (_, k) => table(k + 1)),
  };
}

/**
 * updown itself, on the workload in its own module shape (`({ context: { queryInterface } })`,
 * TypeScript), run as the CLI a project runs: `node tools/updown/bin/updown.js migrate … --dir --url`.
 * Two modes: the default (one transaction per file, each with its row) and `--single-transaction`
 * (every planned file in one), the latter only when `migrate up --help` offers the flag.
 */
import path from 'node:path';
import { exitsZero } from '../measure';
import { writeFiles, type MigrationSpec } from '../generate';
import { FLOOR_TRACKING_TABLE } from './floor';
import { js, type Command, type Tool } from './tool';

const repoRoot = path.resolve(__dirname, '../../../..');
export const UPDOWN_BIN = path.join(repoRoot, 'tools/updown/bin/updown.js');

function moduleSource(m: MigrationSpec): string {
  const up = [
    `  await queryInterface.createTable(${js(m.table)}, {`,
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
  if (m.extraColumn) {
    up.push(`  await queryInterface.addColumn(${js(m.extraColumn.table)}, ${js(m.extraColumn.column)}, { type: DataTypes.TEXT, allowNull: true });`);
    down.unshift(`  await queryInterface.removeColumn(${js(m.extraColumn.table)}, ${js(m.extraColumn.column)});`);
  }
  if (m.index) {
    up.push(`  await queryInterface.addIndex(${js(m.table)}, [${js(m.index.column)}], { name: ${js(m.index.name)} });`);
    down.unshift(`  await queryInterface.removeIndex(${js(m.table)}, ${js(m.index.name)});`);
  }
  down.push(`  await queryInterface.dropTable(${js(m.table)});`);
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

/** `migrate up --help` lists --single-transaction (being added to the engine while the bench runs without it). */
export function hasSingleTransaction(): boolean {
  return exitsZero(process.execPath, [UPDOWN_BIN, 'migrate', 'up', '--help'], repoRoot, '--single-transaction');
}

/** The migrations folder updown runs (the verify figure and the profile use it too). */
export const updownDir = (root: string) => path.join(root, 'updown');

function updownTool(single: boolean): Tool {
  const flags = single ? ['--single-transaction'] : [];
  return {
    key: single ? 'updown-single' : 'updown',
    label: single ? 'updown --single-transaction' : 'updown',
    commits: single ? 'batch' : 'per-file',
    trackingTable: FLOOR_TRACKING_TABLE,
    prepare(work, dir) {
      // Both modes run the same files; the default mode writes them.
      if (!single) writeFiles(dir, work.migrations.map((m) => [`${m.name}.ts`, moduleSource(m)]));
      const filesDir = updownDir(work.root);
      const migrate = (url: string, ...command: string[]): Command => ({
        file: process.execPath,
        args: [UPDOWN_BIN, 'migrate', ...command, '--dir', filesDir, '--url', url],
        cwd: repoRoot,
      });
      return {
        up: (url) => migrate(url, 'up', ...flags),
        down: (url) => migrate(url, 'down', '--all', ...flags),
        ...(single ? {} : { status: (url: string) => migrate(url, 'status'), upAgain: (url: string) => migrate(url, 'up') }),
      };
    },
  };
}

export function updownTools(withSingle: boolean): Tool[] {
  return withSingle ? [updownTool(false), updownTool(true)] : [updownTool(false)];
}

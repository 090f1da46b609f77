/**
 * Bare Umzug with SequelizeStorage, precompiled: what a project that wires Umzug itself runs. One
 * CommonJS migration per file in Umzug's README shape (`({ context: queryInterface })`), and a tiny
 * runner (`up`, `down --to 0`, `executed` + `pending`). No transaction around a file (Umzug adds
 * none), rows in `SequelizeMeta`.
 */
import path from 'node:path';
import { js, packageVersion, peerEnv, type Tool } from './tool';
import { writeFiles, type MigrationSpec } from '../generate';

/** The queryInterface calls of migration m, with `Sequelize` holding the data types (sequelize-cli's idiom too). */
export function sequelizeMigrationBody(m: MigrationSpec): { up: string[]; down: string[] } {
  const up = [
    `  await queryInterface.createTable(${js(m.table)}, {`,
    `    id: { type: Sequelize.UUID, primaryKey: true, allowNull: false, defaultValue: Sequelize.literal('gen_random_uuid()') },`,
    `    name: { type: Sequelize.STRING(120), allowNull: false },`,
    `    email: { type: Sequelize.STRING, allowNull: true },`,
    `    amount_cents: { type: Sequelize.INTEGER, allowNull: false, defaultValue: 0 },`,
    `    is_active: { type: Sequelize.BOOLEAN, allowNull: false, defaultValue: true },`,
    `    settings: { type: Sequelize.JSONB, allowNull: true },`,
    `    created_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') },`,
    `    updated_at: { type: Sequelize.DATE, allowNull: false, defaultValue: Sequelize.literal('now()') },`,
    `  });`,
  ];
  const down: string[] = [];
  if (m.extraColumn) {
    up.push(`  await queryInterface.addColumn(${js(m.extraColumn.table)}, ${js(m.extraColumn.column)}, { type: Sequelize.TEXT, allowNull: true });`);
    down.unshift(`  await queryInterface.removeColumn(${js(m.extraColumn.table)}, ${js(m.extraColumn.column)});`);
  }
  if (m.index) {
    up.push(`  await queryInterface.addIndex(${js(m.table)}, [${js(m.index.column)}], { name: ${js(m.index.name)} });`);
    down.unshift(`  await queryInterface.removeIndex(${js(m.table)}, ${js(m.index.name)});`);
  }
  down.push(`  await queryInterface.dropTable(${js(m.table)});`);
  return { up, down };
}

function migrationSource(m: MigrationSpec): string {
  const body = sequelizeMigrationBody(m);
  return [
    `const { Sequelize } = require('sequelize');`,
    ``,
    `exports.up = async ({ context: queryInterface }) => {`,
    ...body.up,
    `};`,
    ``,
    `exports.down = async ({ context: queryInterface }) => {`,
    ...body.down,
    `};`,
    ``,
  ].join('\n');
}

const RUNNER = `'use strict';
// node migrate.js up | down | status
const path = require('path');
const { Sequelize } = require('sequelize');
const { Umzug, SequelizeStorage } = require('umzug');

const sequelize = new Sequelize(process.env.DATABASE_URL, { logging: false });
const umzug = new Umzug({
  migrations: { glob: ['migrations/*.js', { cwd: __dirname }] },
  context: sequelize.getQueryInterface(),
  storage: new SequelizeStorage({ sequelize }),
  logger: console,
});

async function main(command) {
  if (command === 'up') await umzug.up();
  else if (command === 'down') await umzug.down({ to: 0 });
  else if (command === 'status') {
    const [executed, pending] = await Promise.all([umzug.executed(), umzug.pending()]);
    for (const m of executed) console.log('up   ' + m.name);
    for (const m of pending) console.log('down ' + m.name);
  } else throw new Error('usage: node migrate.js up | down | status');
}

main(process.argv[2]).then(
  () => sequelize.close(),
  (error) => { console.error(error); process.exitCode = 1; return sequelize.close(); },
);
`;

export function umzugTool(): Tool {
  return {
    key: 'umzug',
    label: `bare Umzug ${packageVersion('umzug')} + SequelizeStorage, precompiled`,
    commits: 'per-file',
    trackingTable: 'SequelizeMeta',
    prepare(work, dir) {
      writeFiles(dir, [['migrate.js', RUNNER], ...work.migrations.map((m): [string, string] => [path.join('migrations', `${m.name}.js`), migrationSource(m)])]);
      const runner = (url: string, command: string) => ({ file: process.execPath, args: [path.join(dir, 'migrate.js'), command], cwd: dir, env: peerEnv(url) });
      return {
        up: (url) => runner(url, 'up'),
        status: (url) => runner(url, 'status'),
        upAgain: (url) => runner(url, 'up'),
        down: (url) => runner(url, 'down'),
      };
    },
  };
}

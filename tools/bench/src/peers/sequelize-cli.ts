/**
 * sequelize-cli, as its projects are written: `.sequelizerc`, a config reading DATABASE_URL, one
 * CommonJS migration per file (`up(queryInterface, Sequelize)`), and `db:migrate`,
 * `db:migrate:status`, `db:migrate:undo:all`. It commits every statement on its own (no transaction
 * around a file), rows in `SequelizeMeta`.
 */
import path from 'node:path';
import { writeFiles, type MigrationSpec } from '../generate';
import { sequelizeMigrationBody } from './umzug';
import { nodeBin, packageVersion, peerEnv, type Tool } from './tool';

function migrationSource(m: MigrationSpec): string {
  const body = sequelizeMigrationBody(m);
  return [
    `'use strict';`,
    ``,
    `/** @type {import('sequelize-cli').Migration} */`,
    `module.exports = {`,
    `  async up(queryInterface, Sequelize) {`,
    ...body.up.map((line) => `  ${line}`),
    `  },`,
    ``,
    `  async down(queryInterface, Sequelize) {`,
    ...body.down.map((line) => `  ${line}`),
    `  },`,
    `};`,
    ``,
  ].join('\n');
}

const SEQUELIZERC = `const path = require('path');

module.exports = {
  config: path.resolve(__dirname, 'config', 'config.js'),
  'migrations-path': path.resolve(__dirname, 'migrations'),
  'seeders-path': path.resolve(__dirname, 'seeders'),
  'models-path': path.resolve(__dirname, 'models'),
};
`;

const CONFIG = `module.exports = {
  development: { use_env_variable: 'DATABASE_URL', dialect: 'postgres', logging: false },
};
`;

export function sequelizeCliTool(): Tool {
  return {
    key: 'sequelize-cli',
    label: `sequelize-cli ${packageVersion('sequelize-cli')}`,
    commits: 'per-file',
    // At N=1000 one pass takes ~100 s (about 20× the floor) and 3 GB: one run says as much as three.
    largeRuns: 1,
    trackingTable: 'SequelizeMeta',
    prepare(work, dir) {
      writeFiles(dir, [
        ['.sequelizerc', SEQUELIZERC],
        ['config/config.js', CONFIG],
        ...work.migrations.map((m): [string, string] => [path.join('migrations', `${m.name}.js`), migrationSource(m)]),
      ]);
      const cli = (url: string, command: string) => nodeBin('sequelize-cli', 'sequelize-cli', [command], dir, peerEnv(url));
      return {
        up: (url) => cli(url, 'db:migrate'),
        status: (url) => cli(url, 'db:migrate:status'),
        upAgain: (url) => cli(url, 'db:migrate'),
        down: (url) => cli(url, 'db:migrate:undo:all'),
      };
    },
  };
}

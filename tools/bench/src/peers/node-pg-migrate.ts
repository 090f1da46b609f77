/**
 * node-pg-migrate, as its projects are written: one CommonJS migration per file using `pgm`, run by
 * its CLI with DATABASE_URL (`up`, `down <N>`). It runs all pending migrations in one transaction by
 * default (rows in `pgmigrations`). It has no status command: `up --dry-run` (which lists what would
 * run, nothing once all is applied) is the nearest.
 */
import path from 'node:path';
import { writeFiles, type MigrationSpec } from '../generate';
import { js, nodeBin, packageVersion, peerEnv, type Tool } from './tool';

function migrationSource(m: MigrationSpec): string {
  const up = [
    `  pgm.createTable(${js(m.table)}, {`,
    `    id: { type: 'uuid', primaryKey: true, notNull: true, default: pgm.func('gen_random_uuid()') },`,
    `    name: { type: 'varchar(120)', notNull: true },`,
    `    email: { type: 'varchar(255)' },`,
    `    amount_cents: { type: 'integer', notNull: true, default: 0 },`,
    `    is_active: { type: 'boolean', notNull: true, default: true },`,
    `    settings: { type: 'jsonb' },`,
    `    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },`,
    `    updated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },`,
    `  });`,
  ];
  const down: string[] = [];
  if (m.extraColumn) {
    up.push(`  pgm.addColumns(${js(m.extraColumn.table)}, { ${m.extraColumn.column}: { type: 'text' } });`);
    down.push(`  pgm.dropColumns(${js(m.extraColumn.table)}, [${js(m.extraColumn.column)}]);`);
  }
  if (m.index) {
    up.push(`  pgm.createIndex(${js(m.table)}, ${js(m.index.column)}, { name: ${js(m.index.name)} });`);
    down.unshift(`  pgm.dropIndex(${js(m.table)}, ${js(m.index.column)}, { name: ${js(m.index.name)} });`);
  }
  down.push(`  pgm.dropTable(${js(m.table)});`);
  return [`exports.up = (pgm) => {`, ...up, `};`, ``, `exports.down = (pgm) => {`, ...down, `};`, ``].join('\n');
}

export function nodePgMigrateTool(): Tool {
  return {
    key: 'node-pg-migrate',
    label: `node-pg-migrate ${packageVersion('node-pg-migrate').split('.')[0]}`,
    commits: 'batch',
    trackingTable: 'pgmigrations',
    prepare(work, dir) {
      writeFiles(dir, work.migrations.map((m): [string, string] => [path.join('migrations', `${m.name}.js`), migrationSource(m)]));
      const npm = (url: string, ...args: string[]) => nodeBin('node-pg-migrate', 'node-pg-migrate', [...args, '-m', 'migrations'], dir, peerEnv(url));
      return {
        up: (url) => npm(url, 'up'),
        status: (url) => npm(url, 'up', '--dry-run'),
        upAgain: (url) => npm(url, 'up'),
        down: (url) => npm(url, 'down', String(work.n)),
      };
    },
  };
}

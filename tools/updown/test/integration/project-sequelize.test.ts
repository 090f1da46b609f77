/**
 * A project with its own copy of sequelize (another install than updown's): updown must build its
 * connection from the project's copy, or `Sequelize.literal` is refused ("Invalid value Literal")
 * and `Sequelize.fn('now')` silently becomes a constant timestamp.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, spawnCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query, resetSchema } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

let url: string;
let project: string;

/** A project folder whose node_modules has a real copy of sequelize, and links for everything else. */
function projectWithOwnSequelize(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-own-sequelize-'));
  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(modules);
  const shared = path.join(REPO_ROOT, 'node_modules');
  for (const entry of fs.readdirSync(shared)) {
    if (entry === 'sequelize' || entry.startsWith('.')) continue;
    fs.symlinkSync(path.join(shared, entry), path.join(modules, entry), 'dir');
  }
  fs.cpSync(path.join(shared, 'sequelize'), path.join(modules, 'sequelize'), { recursive: true, dereference: true });
  const migrations = path.join(root, 'migrations');
  fs.mkdirSync(migrations);
  fs.writeFileSync(
    path.join(migrations, '20240920000000-createEvents.js'),
    `'use strict';
const { Sequelize, DataTypes } = require('sequelize');

module.exports = {
  up: async ({ context: { queryInterface } }) => {
    await queryInterface.createTable('events', {
      id: { type: DataTypes.UUID, primaryKey: true, defaultValue: Sequelize.literal('gen_random_uuid()') },
      happened_at: { type: DataTypes.DATE, allowNull: false, defaultValue: Sequelize.fn('now') },
    });
  },
  down: async ({ context: { queryInterface } }) => {
    await queryInterface.dropTable('events');
  },
};
`,
  );
  return root;
}

beforeAll(async () => {
  url = await createScratchDatabase('updown_own_sequelize');
  project = projectWithOwnSequelize();
});
afterAll(async () => {
  await dropScratchDatabase(url);
  fs.rmSync(project, { recursive: true, force: true });
});

it("uses the project's copy: literal and fn defaults land as written, not as constants", async () => {
  // The copy is a different module instance from the one updown itself resolves.
  expect(fs.realpathSync(path.join(project, 'node_modules/sequelize'))).not.toBe(fs.realpathSync(path.join(REPO_ROOT, 'node_modules/sequelize')));
  const result = await spawnCli(['migrate', 'up', '--url', url, '--dir', path.join(project, 'migrations')], { cwd: project });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const defaults = await query<{ column_name: string; column_default: string }>(
    url,
    "SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'events' ORDER BY column_name",
  );
  expect(defaults).toEqual([
    { column_name: 'happened_at', column_default: 'now()' },
    { column_name: 'id', column_default: 'gen_random_uuid()' },
  ]);
});

it("loads Sequelize's validator only when something uses it, and then as Sequelize's own", async () => {
  await resetSchema(url);
  const result = await spawnCli(['migrate', 'up', '--url', url, '--dir', fixtureDir('uses-validator')]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('validator loaded before use: false');
  expect(result.stdout).toContain('isEmail: true false');
  expect(result.stdout).toContain('model validation: SequelizeValidationError');
});

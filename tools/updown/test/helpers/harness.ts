import fs from 'node:fs';
import path from 'node:path';
import { dropTestDatabases, teardownTestDatabase, type TestDatabaseOptions } from '../../src/testing/jest';
import { tempMigrations, type TempMigrations } from './fixtures';

/** The seed the harness suites apply: two widgets, removed again by its down. */
export const WIDGET_SEED = `import type { Seed } from 'updown';
export const up: Seed = async ({ context: { queryInterface } }) => {
  await queryInterface.bulkInsert('widgets', [{ name: 'seeded-a' }, { name: 'seeded-b' }]);
};
export const down: Seed = async ({ context: { queryInterface } }) => {
  await queryInterface.bulkDelete('widgets', {});
};
`;

/** A project for setupTestDatabase: the basic migrations, one seed, and an updown.config.js naming both. */
export function harnessProject(): { temp: TempMigrations; configPath: string } {
  const temp = tempMigrations('basic');
  fs.mkdirSync(path.join(temp.root, 'seeds'));
  fs.writeFileSync(path.join(temp.root, 'seeds', '20240101000000-someWidgets.ts'), WIDGET_SEED);
  const configPath = path.join(temp.root, 'updown.config.js');
  fs.writeFileSync(configPath, "module.exports = { migrations: { dir: 'migrations' }, seeds: { dir: 'seeds' } };\n");
  return { temp, configPath };
}

/**
 * A harness suite's project, made before its tests. After them, the suite's connections are closed,
 * every database it made is dropped (`leftOver` must then name none), and the project is removed.
 */
export function harnessSuite(options: () => TestDatabaseOptions, leftOver: () => Promise<string[]>): { readonly temp: TempMigrations; readonly configPath: string } {
  let project: { temp: TempMigrations; configPath: string } | undefined;
  beforeAll(() => {
    project = harnessProject();
  });
  afterAll(async () => {
    await teardownTestDatabase();
    await dropTestDatabases(options());
    expect(await leftOver()).toEqual([]);
    project!.temp.remove();
  });
  return {
    get temp() {
      return project!.temp;
    },
    get configPath() {
      return project!.configPath;
    },
  };
}

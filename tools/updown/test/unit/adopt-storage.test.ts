import { pickEnvironment } from '../../src/adopt/environment';
import { storageLayouts } from '../../src/adopt/storage';
import { UsageError } from '../../src/errors';

const ORIGIN = 'config/config.json (production)';

describe('storageLayouts: sequelize-cli storage settings as stream layouts', () => {
  it("uses sequelize-cli's defaults: migrations in SequelizeMeta, seeders not tracked", () => {
    expect(storageLayouts({}, ORIGIN)).toEqual({
      migrations: { format: 'sequelize-cli', table: 'SequelizeMeta' },
      seeds: { format: 'sequelize-cli', tracked: false },
    });
  });

  it('takes the table names and schemas, and tracks seeders with seederStorage "sequelize"', () => {
    const section = {
      migrationStorageTableName: 'schema_migrations',
      migrationStorageTableSchema: 'meta',
      seederStorage: 'sequelize',
      seederStorageTableName: 'schema_seeds',
      seederStorageTableSchema: 'meta',
    };
    expect(storageLayouts(section, ORIGIN)).toEqual({
      migrations: { format: 'sequelize-cli', table: 'schema_migrations', tableSchema: 'meta' },
      seeds: { format: 'sequelize-cli', table: 'schema_seeds', tableSchema: 'meta' },
    });
    expect(storageLayouts({ seederStorage: 'sequelize' }, ORIGIN).seeds).toEqual({ format: 'sequelize-cli', table: 'SequelizeData' });
  });

  it('treats an empty setting as the default, as sequelize-cli reads them with ||', () => {
    expect(storageLayouts({ migrationStorage: '', migrationStorageTableName: '' }, ORIGIN).migrations).toEqual({ format: 'sequelize-cli', table: 'SequelizeMeta' });
  });

  it.each([
    [{ migrationStorage: 'json' }, 'migrationStorage "json"'],
    [{ migrationStorage: 'none' }, 'migrationStorage "none"'],
    [{ seederStorage: 'json' }, 'seederStorage "json"'],
    [{ migrationStorage: './my-storage.js' }, 'migrationStorage "./my-storage.js"'],
  ])('refuses %p, naming the file and the setting', (section, what) => {
    expect(() => storageLayouts(section, ORIGIN)).toThrow(UsageError);
    expect(() => storageLayouts(section, ORIGIN)).toThrow(`${ORIGIN}: ${what} is not supported`);
  });

  it('refuses a table name that is not a string', () => {
    expect(() => storageLayouts({ migrationStorageTableName: 42 }, ORIGIN)).toThrow(/"migrationStorageTableName" must be a string/);
  });
});

describe('pickEnvironment', () => {
  const config = { development: { database: 'dev' }, test: { database: 'test' } };

  it("picks the environment's section and lists the others", () => {
    expect(pickEnvironment(config, 'test', 'config.json')).toEqual({ name: 'test', section: { database: 'test' }, environments: ['development', 'test'], flat: false });
  });

  it('takes a flat file as every environment, as sequelize-cli does', () => {
    expect(pickEnvironment({ use_env_variable: 'DB_URL' }, 'staging', 'config.json')).toMatchObject({ section: { use_env_variable: 'DB_URL' }, flat: true });
  });

  it('refuses a missing environment, naming the ones there are', () => {
    expect(() => pickEnvironment(config, 'staging', '/app/config/config.json')).toThrow(
      '/app/config/config.json has no environment "staging" (it has "development", "test")',
    );
  });

  it('refuses a file that is not an object', () => {
    expect(() => pickEnvironment([1, 2], 'development', 'config.json')).toThrow(/must hold an object/);
  });
});

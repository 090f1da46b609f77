import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, resolveOptions } from '../../src/config';
import { UsageError } from '../../src/errors';

const logger = { info: () => undefined, warn: () => undefined };
const ENV = { DATABASE_URL: 'postgres://app@127.0.0.1:5432/app' };

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-config-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes an updown.config.js whose default export is `config` (JSON), and returns its path. */
function writeConfig(config: unknown, name = 'updown.config.js'): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, `module.exports = ${JSON.stringify(config)};\n`);
  return file;
}

describe('updown.config.ts streams with a layout', () => {
  it('carries each stream\'s format and tracking table into the resolved options', () => {
    writeConfig({
      migrations: { dir: 'db/migrations', format: 'sequelize-cli', table: 'schema_migrations', tableSchema: 'audit' },
      seeds: { dir: 'db/seeds', format: 'umzug', context: 'sequelize', tracked: false },
    });
    const resolved = resolveOptions('migrations', {}, logger, ENV, root);
    expect(resolved.options.dir).toBe(path.join(root, 'db/migrations'));
    expect(resolved.options.layout).toEqual({ format: 'sequelize-cli', table: 'schema_migrations', tableSchema: 'audit' });
    expect(resolved.seedsDir).toBe(path.join(root, 'db/seeds'));
    expect(resolved.seedsLayout).toEqual({ format: 'umzug', context: 'sequelize', tracked: false });
    expect(resolved.urlSource).toBe('DATABASE_URL');
    expect(resolved.source).toMatchObject({ kind: 'updown', loaded: { file: path.join(root, 'updown.config.js') } });
  });

  it('defaults the format to updown and leaves the tables to the engine', () => {
    writeConfig({ migrations: { dir: 'migrations' } });
    const resolved = resolveOptions('migrations', {}, logger, ENV, root);
    expect(resolved.options.layout).toEqual({ format: 'updown' });
    expect(resolved.seedsDir).toBeUndefined();
    expect(resolved.seedsLayout).toBeUndefined();
  });

  it('lets --format override every stream\'s format, keeping the rest of the layout', () => {
    writeConfig({ migrations: { dir: 'm', format: 'sequelize-cli', table: 'meta' }, seeds: { dir: 's', tracked: false } });
    const resolved = resolveOptions('seeds', { format: 'umzug' }, logger, ENV, root);
    expect(resolved.options.dir).toBe(path.join(root, 's'));
    expect(resolved.options.layout).toEqual({ format: 'umzug', tracked: false });
    expect(resolved.seedsLayout).toEqual({ format: 'umzug', tracked: false });
    expect(resolveOptions('migrations', { format: 'updown' }, logger, ENV, root).options.layout).toEqual({ format: 'updown', table: 'meta' });
  });

  it('with --dir reads no config: the layout is the flag\'s format or updown', () => {
    writeConfig({ migrations: { dir: 'elsewhere', format: 'umzug' } });
    const plain = resolveOptions('migrations', { dir: 'here' }, logger, ENV, root);
    expect(plain.options).toMatchObject({ dir: path.join(root, 'here'), layout: { format: 'updown' } });
    expect(plain.source).toEqual({ kind: 'flags' });
    expect(resolveOptions('migrations', { dir: 'here', format: 'sequelize-cli' }, logger, ENV, root).options.layout).toEqual({ format: 'sequelize-cli' });
  });

  it('refuses an unknown --format, naming the value and the formats there are', () => {
    writeConfig({ migrations: { dir: 'm' } });
    const attempt = () => resolveOptions('migrations', { format: 'knex' }, logger, ENV, root);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow('--format "knex" is not a module format: use one of updown, sequelize-cli, umzug');
  });
});

describe('updown.config.ts validation names the file and the field', () => {
  it.each([
    [{ migrations: { dir: 'm', format: 'knex' } }, 'migrations.format "knex" is not a module format: use one of updown, sequelize-cli, umzug'],
    [{ migrations: { dir: 'm' }, seeds: { dir: 's', format: 'rails' } }, 'seeds.format "rails" is not a module format'],
    [{ migrations: { dir: 'm', tabel: 'meta' } }, 'migrations.tabel is not a stream setting: use dir, format, context, table, tableSchema, tracked, noTransaction'],
    [{ migrations: { dir: 'm', table: '' } }, 'migrations.table must be a name of 1 to 63 characters, not ""'],
    [{ migrations: { dir: 'm', tableSchema: 'x'.repeat(64) } }, 'migrations.tableSchema must be a name of 1 to 63 characters'],
    [{ migrations: { dir: 'm', tracked: 'no' } }, 'migrations.tracked must be true or false'],
    [{ migrations: { dir: 'm', noTransaction: 'one' } }, 'migrations.noTransaction must be a list of file names'],
    [{ migrations: { dir: 'm', format: 'umzug', context: 'models' } }, 'migrations.context "models" must be "queryInterface" or "sequelize"'],
    [{ migrations: { dir: 'm', context: 'sequelize' } }, "migrations.context only applies to format 'umzug' (this stream's is 'updown')"],
    [{ migrations: { dir: 'm' }, seeds: { format: 'umzug' } }, 'seeds.dir must name the stream\'s folder'],
  ])('%j', (config, message) => {
    const file = writeConfig(config);
    expect(() => loadConfig(file)).toThrow(UsageError);
    expect(() => loadConfig(file)).toThrow(`${file}: ${message}`);
  });

  it('accepts every field at once', () => {
    const file = writeConfig({
      migrations: { dir: 'm', format: 'umzug', context: 'queryInterface', table: 't', tableSchema: 's', tracked: true, noTransaction: ['20240101000000-index'] },
    });
    expect(loadConfig(file).config.migrations.noTransaction).toEqual(['20240101000000-index']);
  });
});

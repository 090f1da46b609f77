import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'pg-connection-string';
import { AmbiguousLayoutError, NoLayoutError } from '../../src/adopt';
import { resolveDir, resolveOptions, resolveOptionsAsync, type ResolvedOptions } from '../../src/config';
import { UsageError } from '../../src/errors';

/*
 * sequelize-cli projects in temporary folders, written the way `sequelize-cli init` and its users
 * write them, resolved into updown's options.
 */

const logger = { info: () => undefined, warn: () => undefined };

let root: string;
beforeEach(() => {
  // realpath: macOS and some CI runners put the temp folder behind a symlink.
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'updown-sqcli-')));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes files (path relative to the temp root → contents); a trailing "/" makes a folder. */
function project(files: Record<string, string | object>): void {
  for (const [name, contents] of Object.entries(files)) {
    const file = path.join(root, name);
    if (name.endsWith('/')) {
      fs.mkdirSync(file, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof contents === 'string' ? contents : `${JSON.stringify(contents, null, 2)}\n`);
  }
}

const at = (...parts: string[]) => path.join(root, ...parts);
const resolve = (flags = {}, env: NodeJS.ProcessEnv = {}, cwd = root, kind: 'migrations' | 'seeds' = 'migrations') =>
  resolveOptions(kind, flags, logger, env, cwd);

const RC_WITH_PATHS = `const path = require('path');

module.exports = {
  config: path.resolve('config', 'database.json'),
  'migrations-path': path.resolve('db', 'migrate'),
  seedersPath: path.resolve('db', 'seeds'),
};
`;

describe("a project with sequelize-cli's defaults (no .sequelizerc)", () => {
  beforeEach(() =>
    project({
      'config/config.json': {
        development: { username: 'app', password: 'p@ss:w/rd', database: 'app_dev', host: '127.0.0.1', port: 5433, dialect: 'postgres' },
        test: { username: 'app', password: null, database: 'app_test', host: '127.0.0.1', dialect: 'postgres' },
      },
      'migrations/': '',
    }),
  );

  it('resolves folders, URL, layouts and environment the way sequelize-cli db:migrate would', () => {
    const resolved = resolve();
    expect(resolved.options).toMatchObject({
      dir: at('migrations'),
      kind: 'migrations',
      env: 'development',
      schema: 'public',
      layout: { format: 'sequelize-cli', table: 'SequelizeMeta' },
    });
    expect(parse(resolved.options.url!)).toMatchObject({ user: 'app', password: 'p@ss:w/rd', host: '127.0.0.1', port: '5433', database: 'app_dev' });
    expect(resolved.urlSource).toBe(`${at('config/config.json')} (development): username, password, host, port, database`);
    expect(resolved.urlSource).not.toContain('p@ss');
    // seeders/ does not exist: no seeds stream for `db fresh`, but `seed up` still names the folder.
    expect(resolved.seedsDir).toBeUndefined();
    expect(resolve({}, {}, root, 'seeds').options).toMatchObject({ dir: at('seeders'), layout: { format: 'sequelize-cli', tracked: false } });
  });

  it('takes the environment from --env, then NODE_ENV, else development', () => {
    expect(resolve({ env: 'test' }, { NODE_ENV: 'development' }).options.url).toBe('postgres://app@127.0.0.1/app_test');
    expect(resolve({}, { NODE_ENV: 'test' }).options).toMatchObject({ env: 'test', url: 'postgres://app@127.0.0.1/app_test' });
  });

  it('refuses an environment the file lacks, naming the ones it has', () => {
    expect(() => resolve({ env: 'production' })).toThrow(`${at('config/config.json')} has no environment "production" (it has "development", "test")`);
  });

  it('lets --url win over the config file, and the config file over DATABASE_URL', () => {
    const env = { DATABASE_URL: 'postgres://from-env@h/db' };
    expect(resolve({ url: 'postgres://from-flag@h/db' }, env)).toMatchObject({ options: { url: 'postgres://from-flag@h/db' }, urlSource: '--url' });
    expect(resolve({}, env).options.url).toMatch(/^postgres:\/\/app:/);
  });

  it('prefers config.js over config.json, as sequelize-cli does', () => {
    project({ 'config/config.js': "module.exports = { development: { url: 'postgres://js@h/db' } };\n" });
    expect(resolve()).toMatchObject({ options: { url: 'postgres://js@h/db' }, urlSource: `${at('config/config.js')} (development): url` });
  });
});

describe('a project with a .sequelizerc', () => {
  beforeEach(() =>
    project({
      '.sequelizerc': RC_WITH_PATHS,
      'config/database.json': {
        development: { use_env_variable: 'APP_DATABASE_URL', migrationStorageTableName: 'schema_meta', seederStorage: 'sequelize' },
        production: { use_env_variable: 'APP_DATABASE_URL', dialectOptions: { ssl: { require: true, rejectUnauthorized: false } } },
      },
      'db/migrate/': '',
      'db/seeds/': '',
    }),
  );
  const env = { APP_DATABASE_URL: 'postgres://app@db.internal:5432/app' };

  it('reads its paths (path.resolve from the project folder) even when run from a subfolder', () => {
    const resolved = resolve({}, env, at('db', 'migrate'));
    expect(resolved.options).toMatchObject({ dir: at('db/migrate'), url: env.APP_DATABASE_URL, layout: { format: 'sequelize-cli', table: 'schema_meta' } });
    expect(resolved).toMatchObject({ seedsDir: at('db/seeds'), seedsLayout: { format: 'sequelize-cli', table: 'SequelizeData' } });
    expect(resolved.urlSource).toBe(`${at('config/database.json')} (development): use_env_variable APP_DATABASE_URL`);
    expect(resolved.source).toMatchObject({ kind: 'sequelize-cli', project: { root, rcFile: at('.sequelizerc'), environments: ['development', 'production'] } });
    expect(process.cwd()).not.toBe(at('db', 'migrate'));
  });

  it('gives create its folder without reading the config file', () => {
    fs.rmSync(at('config'), { recursive: true });
    expect(resolveDir('migrations', {}, root)).toBe(at('db/migrate'));
    expect(resolveDir('seeds', {}, root)).toBe(at('db/seeds'));
  });

  it("adds the environment's dialectOptions.ssl to the URL", () => {
    expect(resolve({ env: 'production' }, env).options.url).toBe(`${env.APP_DATABASE_URL}?sslmode=no-verify`);
  });

  it('refuses a use_env_variable that is not set, naming the variable and the file', () => {
    const attempt = () => resolve({}, { DATABASE_URL: 'postgres://other@h/db' });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(`${at('config/database.json')} (development) says use_env_variable "APP_DATABASE_URL", but APP_DATABASE_URL is not set`);
    // --url needs no variable.
    expect(resolve({ url: 'postgres://flag@h/db' }, {}).options.url).toBe('postgres://flag@h/db');
  });

  it('takes env and url from .sequelizerc, and with a url reads no config file (like sequelize-cli)', () => {
    project({ '.sequelizerc': "module.exports = { env: 'production', url: 'postgres://rc@h/db', 'migrations-path': 'db/migrate' };\n" });
    fs.rmSync(at('config'), { recursive: true });
    const resolved = resolve({}, { NODE_ENV: 'development' });
    expect(resolved.options).toMatchObject({ env: 'production', url: 'postgres://rc@h/db', layout: { format: 'sequelize-cli', table: 'SequelizeMeta' } });
    expect(resolved.urlSource).toBe(`${at('.sequelizerc')}: url`);
  });

  it('refuses migrationStorage json, naming the file, the environment and the setting', () => {
    project({ 'config/database.json': { development: { use_env_variable: 'APP_DATABASE_URL', migrationStorage: 'json' } } });
    expect(() => resolve({}, env)).toThrow(`${at('config/database.json')} (development): migrationStorage "json" is not supported`);
  });
});

describe('config.js exports sequelize-cli accepts', () => {
  const rc = "module.exports = { config: 'config/db.js' };\n";
  const url = 'postgres://app@h/db';
  it.each([
    ['an object', `module.exports = { development: { url: '${url}' } };`],
    ['a function', `module.exports = () => ({ development: { url: '${url}' } });`],
    ['an async function', `module.exports = async () => ({ development: { url: '${url}' } });`],
    ['a promise', `module.exports = Promise.resolve({ development: { url: '${url}' } });`],
    ['a function taking a callback', `module.exports = (done) => setImmediate(() => done(null, { development: { url: '${url}' } }));`],
    ['an ES module default (transpiled)', `Object.defineProperty(exports, '__esModule', { value: true }); exports.default = { development: { url: '${url}' } };`],
  ])('%s', async (_, source) => {
    project({ '.sequelizerc': rc, 'config/db.js': `${source}\n`, 'migrations/': '' });
    const resolved: ResolvedOptions = await resolveOptionsAsync('migrations', {}, logger, {}, root);
    expect(resolved.options.url).toBe(url);
  });

  it('the synchronous resolveOptions refuses a promise, pointing at resolveOptionsAsync', () => {
    project({ '.sequelizerc': rc, 'config/db.js': `module.exports = Promise.resolve({ development: { url: '${url}' } });\n` });
    expect(() => resolve()).toThrow(`${at('config/db.js')} exports a promise or a callback: read it with resolveOptionsAsync`);
  });

  it('names the file when its function fails', async () => {
    project({ '.sequelizerc': rc, 'config/db.js': "module.exports = async () => { throw new Error('vault is sealed'); };\n" });
    await expect(resolveOptionsAsync('migrations', {}, logger, {}, root)).rejects.toThrow(`${at('config/db.js')}: its exported function failed: vault is sealed`);
  });
});

describe('which layout: the nearest folder wins, two in one folder are refused', () => {
  const updownConfig = "module.exports = { migrations: { dir: 'src/migrations' } };\n";
  const sequelizeConfig = { development: { url: 'postgres://sq@h/db' } };
  const env = { DATABASE_URL: 'postgres://env@h/db' };

  it('a sequelize-cli project in a subfolder wins over an updown.config.js above it', () => {
    project({ 'updown.config.js': updownConfig, 'legacy/.sequelizerc': 'module.exports = {};\n', 'legacy/config/config.json': sequelizeConfig });
    expect(resolve({}, env, at('legacy')).options).toMatchObject({ dir: at('legacy/migrations'), url: 'postgres://sq@h/db' });
    expect(resolve({}, env, root).options).toMatchObject({ dir: at('src/migrations'), url: 'postgres://env@h/db', layout: { format: 'updown' } });
  });

  it('both in one folder: refused with a way out, which --format and --config give', () => {
    project({ 'updown.config.js': updownConfig, '.sequelizerc': 'module.exports = {};\n', 'config/config.json': sequelizeConfig });
    expect(() => resolve({}, env)).toThrow(AmbiguousLayoutError);
    expect(() => resolve({}, env)).toThrow(/found updown\.config\.js and a sequelize-cli project \(\.sequelizerc\) in .*: pass --format sequelize-cli .* or --config .*updown\.config\.js/);
    expect(resolve({ format: 'sequelize-cli' }, env).options.dir).toBe(at('migrations'));
    expect(resolve({ format: 'updown' }, env).options.dir).toBe(at('src/migrations'));
    expect(resolve({ config: 'updown.config.js' }, env).options.dir).toBe(at('src/migrations'));
    expect(resolve({ config: '.sequelizerc' }, env).options.dir).toBe(at('migrations'));
  });

  it('a package.json that depends on umzug itself makes config/ + migrations/ ambiguous', () => {
    project({ 'package.json': { dependencies: { umzug: '^3.8.0', sequelize: '^6.37.0' } }, 'config/config.json': sequelizeConfig, 'migrations/': '' });
    expect(() => resolve({}, env)).toThrow(/an Umzug project \(.*package\.json depends on umzug\).*--format sequelize-cli or --format umzug/);
    expect(resolve({ format: 'umzug' }, env).options.layout).toEqual({ format: 'umzug', table: 'SequelizeMeta' });
  });

  it('config/config.json without migrations/ is not a project; nothing found names where it looked', () => {
    project({ 'config/config.json': sequelizeConfig });
    const attempt = () => resolve({}, env, at('config'));
    expect(attempt).toThrow(NoLayoutError);
    expect(attempt).toThrow(new RegExp(`found no project: looked for updown\\.config\\.ts, .* in ${at('config')}, ${root}, `));
  });
});

describe('a config file that cannot be read', () => {
  it.each([
    ['{\n  "development": {\n    "password": "s3cret"\n', /config\.json is not valid JSON at line 4, column 1: fix it/],
    ['{ "development": { "password": s3cret } }', /config\.json is not valid JSON: fix it/],
  ])('invalid JSON is named with its place, never its text (%#)', (text, message) => {
    project({ 'config/config.json': text, 'migrations/': '' });
    expect(() => resolve()).toThrow(message);
    expect(() => resolve()).not.toThrow(/s3cret/);
  });

  it('a missing config file says where sequelize-cli looked and how to name another', () => {
    project({ '.sequelizerc': "module.exports = { config: 'settings/db.json' };\n" });
    expect(() => resolve()).toThrow(`cannot find ${at('settings/db.json')}, the sequelize-cli config file: create it, name another with "config" in .sequelizerc, or pass --url`);
  });

  it('a .sequelizerc that exports no options object is refused', () => {
    project({ '.sequelizerc': 'module.exports = () => ({});\n' });
    expect(() => resolve()).toThrow(`${at('.sequelizerc')} must export an object of options`);
  });
});

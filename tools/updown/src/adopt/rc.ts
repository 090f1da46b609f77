import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors';
import { inFolder } from './cwd';
import { SEQUELIZE_CONFIG_FILES, type SequelizeLayout } from './discover';

/** What sequelize-cli takes from `.sequelizerc` (and its defaults), as absolute paths. */
export interface RcOptions {
  migrationsDir: string;
  seedersDir: string;
  /** The config file sequelize-cli would read; it may not exist. */
  configFile: string;
  /** `url` replaces the config file altogether, as sequelize-cli's `--url` does. */
  url?: string;
  env?: string;
  rcFile?: string;
}

/** yargs reads `.sequelizerc` as options: `migrations-path` and `migrationsPath` are the same one. */
const KEYS = {
  migrationsPath: ['migrations-path', 'migrationsPath'],
  seedersPath: ['seeders-path', 'seedersPath'],
  config: ['config'],
  url: ['url'],
  env: ['env'],
} as const;

function option(raw: Record<string, unknown>, names: readonly string[], rcFile: string): string | undefined {
  for (const name of names) {
    const value = raw[name];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new UsageError(`${rcFile}: "${name}" must be a string (a path or URL), not ${JSON.stringify(value)}`);
    return value;
  }
  return undefined;
}

const exists = (file: string) => fs.existsSync(file);

/** sequelize-cli's paths from the options and its defaults, all relative to the project folder. */
export function rcOptions(raw: Record<string, unknown>, root: string, rcFile?: string, fileExists = exists): RcOptions {
  const get = (key: keyof typeof KEYS) => option(raw, KEYS[key], rcFile ?? path.join(root, '.sequelizerc'));
  const [configJs, configJson] = SEQUELIZE_CONFIG_FILES.map((name) => path.join(root, name));
  const config = get('config');
  return {
    migrationsDir: path.resolve(root, get('migrationsPath') ?? 'migrations'),
    seedersDir: path.resolve(root, get('seedersPath') ?? 'seeders'),
    configFile: config ? path.resolve(root, config) : fileExists(configJs) ? configJs : configJson,
    url: get('url'),
    env: get('env'),
    rcFile,
  };
}

/** `.sequelizerc` is a CommonJS module; sequelize-cli keeps only what survives JSON (functions do not). */
function loadRc(file: string, root: string): Record<string, unknown> {
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = inFolder(root, () => require(file));
  } catch (error) {
    throw new UsageError(`${file} cannot be loaded: ${(error as Error).message}`);
  }
  const json = JSON.stringify(exported); // undefined for a function, as for nothing at all
  const plain: unknown = json === undefined ? undefined : JSON.parse(json);
  if (!plain || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new UsageError(`${file} must export an object of options (module.exports = { 'migrations-path': … }), as sequelize-cli requires`);
  }
  return plain as Record<string, unknown>;
}

/** The project's paths: from its `.sequelizerc` when it has one, else sequelize-cli's defaults. */
export function readRc(layout: SequelizeLayout): RcOptions {
  const raw = layout.rcFile ? loadRc(layout.rcFile, layout.root) : {};
  return rcOptions(raw, layout.root, layout.rcFile);
}

import { UsageError } from '../errors';

/** One environment's settings from a sequelize-cli config file (`development: { … }`). */
export type Section = Record<string, unknown>;

export interface Environment {
  name: string;
  section: Section;
  /** The environments the file has (its top-level keys), for messages. */
  environments: string[];
  /** True when the file is one flat section, which sequelize-cli uses for every environment. */
  flat: boolean;
}

/** Keys that only a section has: a file with one of these at the top is a flat section. */
const SECTION_KEYS = ['url', 'use_env_variable', 'database', 'host', 'username', 'dialect', 'migrationStorage', 'migrationStorageTableName'];

const isObject = (value: unknown): value is Section => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The environment's section, as sequelize-cli's `readConfig` picks it: `config[env]` when the file
 * has it, else the whole file (a flat config). An environment that is missing from a file of
 * environments is refused, naming the ones there are (sequelize-cli would fail later, obscurely).
 */
export function pickEnvironment(config: unknown, name: string, file: string): Environment {
  if (!isObject(config)) throw new UsageError(`${file} must hold an object (or a promise for one), as sequelize-cli requires`);
  const environments = Object.keys(config).filter((key) => isObject(config[key]) && !SECTION_KEYS.includes(key));
  const section = config[name];
  if (isObject(section)) return { name, section, environments, flat: false };
  if (SECTION_KEYS.some((key) => key in config)) return { name, section: config, environments: [], flat: true };
  const known = environments.length ? `it has ${environments.map((env) => `"${env}"`).join(', ')}` : 'it has none';
  throw new UsageError(`${file} has no environment "${name}" (${known}): pass --env or set NODE_ENV to one of them, or add "${name}" to the file`);
}

import { loadSequelizeConfig, loadSequelizeConfigSync } from './config-file';
import { databaseSpec, type DatabaseSpec } from './database-url';
import type { SequelizeLayout } from './discover';
import { pickEnvironment, type Section } from './environment';
import { readRc, type RcOptions } from './rc';
import { defaultLayouts, storageLayouts, type SequelizeLayouts } from './storage';

/** A sequelize-cli project as sequelize-cli itself would read it for one environment. */
export interface SequelizeProject {
  root: string;
  rcFile?: string;
  /** The config file read; none when `.sequelizerc` gives a `url` (sequelize-cli then reads none). */
  configFile?: string;
  environment: string;
  /** The environments the config file has ([] for a flat file). */
  environments: string[];
  migrationsDir: string;
  seedersDir: string;
  database?: DatabaseSpec;
  layouts: SequelizeLayouts;
  /** Settings of the section that updown does not use (it connects its own way), e.g. `dialectOptions.application_name`. */
  ignored: string[];
}

/** sequelize-cli's order: `--env`, then `env` in .sequelizerc, then NODE_ENV, then development. */
export function environmentName(flag: string | undefined, rc: RcOptions, env: NodeJS.ProcessEnv): string {
  return flag ?? rc.env ?? (env.NODE_ENV || undefined) ?? 'development';
}

function ignoredSettings(section: Section): string[] {
  const dialectOptions = section.dialectOptions;
  if (!dialectOptions || typeof dialectOptions !== 'object') return [];
  return Object.keys(dialectOptions)
    .filter((key) => key !== 'ssl')
    .map((key) => `dialectOptions.${key}`);
}

/** Pure: the project from its `.sequelizerc` options and its loaded config (undefined when not read). */
export function projectFrom(layout: SequelizeLayout, rc: RcOptions, config: unknown, environment: string): SequelizeProject {
  const base = { root: layout.root, rcFile: rc.rcFile, environment, migrationsDir: rc.migrationsDir, seedersDir: rc.seedersDir };
  if (rc.url) {
    const origin = rc.rcFile ?? '.sequelizerc';
    return { ...base, environments: [], database: { kind: 'url', url: rc.url, origin }, layouts: defaultLayouts(), ignored: [] };
  }
  const picked = pickEnvironment(config, environment, rc.configFile);
  const origin = picked.flat ? rc.configFile : `${rc.configFile} (${environment})`;
  return {
    ...base,
    configFile: rc.configFile,
    environments: picked.environments,
    database: databaseSpec(picked.section, origin),
    layouts: storageLayouts(picked.section, origin),
    ignored: ignoredSettings(picked.section),
  };
}

/** Reads `.sequelizerc` and the config file; awaits a config.js that exports a promise or a function. */
export async function readSequelizeProject(layout: SequelizeLayout, envFlag: string | undefined, env: NodeJS.ProcessEnv): Promise<SequelizeProject> {
  const rc = readRc(layout);
  const config = rc.url ? undefined : await loadSequelizeConfig(rc.configFile, layout.root);
  return projectFrom(layout, rc, config, environmentName(envFlag, rc, env));
}

/** The same for callers that cannot await (a config.js whose export needs awaiting is refused). */
export function readSequelizeProjectSync(layout: SequelizeLayout, envFlag: string | undefined, env: NodeJS.ProcessEnv): SequelizeProject {
  const rc = readRc(layout);
  const config = rc.url ? undefined : loadSequelizeConfigSync(rc.configFile, layout.root);
  return projectFrom(layout, rc, config, environmentName(envFlag, rc, env));
}

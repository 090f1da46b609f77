import fs from 'node:fs';
import path from 'node:path';

/** updown's own config files, in the order they are tried. */
export const UPDOWN_CONFIG_FILES = ['updown.config.ts', 'updown.config.js'];
export const SEQUELIZE_RC = '.sequelizerc';
/** sequelize-cli's default config files (config-helper: config.js wins over config.json). */
export const SEQUELIZE_CONFIG_FILES = ['config/config.js', 'config/config.json'];

/** A project layout updown can read: its own config, or a sequelize-cli project rooted in a folder. */
export type Layout = UpdownLayout | SequelizeLayout;

export interface UpdownLayout {
  kind: 'updown';
  file: string;
}

export interface SequelizeLayout {
  kind: 'sequelize-cli';
  /** The folder sequelize-cli would run in: its paths are relative to it. */
  root: string;
  rcFile?: string;
  /** What made the folder look like a sequelize-cli project, e.g. `.sequelizerc`. */
  evidence: string;
}

/** What the upward search found: the nearest folder with a layout, and every folder it looked in. */
export interface Discovery {
  dir?: string;
  layouts: Layout[];
  /** Set when the nearest folder's package.json depends on umzug itself: its files may be Umzug-shaped. */
  umzugHint?: string;
  looked: string[];
}

const isFile = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
const isDir = (dir: string) => fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;

function sequelizeLayout(dir: string): Layout | undefined {
  const rcFile = path.join(dir, SEQUELIZE_RC);
  if (isFile(rcFile)) return { kind: 'sequelize-cli', root: dir, rcFile, evidence: SEQUELIZE_RC };
  // Without a .sequelizerc, sequelize-cli's defaults: a config file beside migrations/.
  const config = SEQUELIZE_CONFIG_FILES.find((name) => isFile(path.join(dir, name)));
  if (config && isDir(path.join(dir, 'migrations'))) return { kind: 'sequelize-cli', root: dir, evidence: `${config} and migrations/` };
  return undefined;
}

function updownLayout(dir: string): Layout | undefined {
  const file = UPDOWN_CONFIG_FILES.map((name) => path.join(dir, name)).find(isFile);
  return file ? { kind: 'updown', file } : undefined;
}

/** A package.json that names umzug directly (and not sequelize-cli) drives Umzug itself. */
export function umzugHint(dir: string): string | undefined {
  const file = path.join(dir, 'package.json');
  if (!isFile(file)) return undefined;
  let pkg: Record<string, Record<string, string> | undefined>;
  try {
    pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined; // not ours to judge: a broken package.json fails elsewhere, louder
  }
  const names = new Set(['dependencies', 'devDependencies'].flatMap((field) => Object.keys(pkg[field] ?? {})));
  return names.has('umzug') && !names.has('sequelize-cli') ? `${file} depends on umzug` : undefined;
}

/** The nearest folder, from `from` upwards, that holds updown.config.ts or a sequelize-cli project. */
export function discover(from: string): Discovery {
  const looked: string[] = [];
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    looked.push(dir);
    const layouts = [updownLayout(dir), sequelizeLayout(dir)].filter((layout): layout is Layout => layout !== undefined);
    if (layouts.length > 0) return { dir, layouts, umzugHint: umzugHint(dir), looked };
    if (path.dirname(dir) === dir) return { layouts: [], looked };
  }
}

/** What the search looks for, for a "nothing found" message. */
export function lookedFor(): string {
  return `${UPDOWN_CONFIG_FILES.join(', ')}, ${SEQUELIZE_RC}, or ${SEQUELIZE_CONFIG_FILES.join('|')} beside migrations/`;
}

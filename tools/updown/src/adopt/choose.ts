import path from 'node:path';
import { UsageError } from '../errors';
import type { ModuleFormat } from '../types';
import { discover, lookedFor, SEQUELIZE_RC, type Discovery, type Layout, type SequelizeLayout, type UpdownLayout } from './discover';

/** Nothing to read: no updown.config.ts and no sequelize-cli project from the folder upwards. */
export class NoLayoutError extends UsageError {
  constructor(readonly looked: string[]) {
    super(
      `found no project: looked for ${lookedFor()} in ${looked.join(', ')}. ` +
        'Run from the project folder, pass --config, or pass --dir and --url',
    );
  }
}

/** Two layouts in the same folder: updown does not guess which one the user means. */
export class AmbiguousLayoutError extends UsageError {
  constructor(dir: string, what: string[], how: string) {
    super(`found ${what.join(' and ')} in ${dir}: ${how}`);
  }
}

/** `--config FILE`: a `.sequelizerc` names a sequelize-cli project, anything else is updown's config. */
export function explicitLayout(file: string): Layout {
  if (path.basename(file) === SEQUELIZE_RC) return { kind: 'sequelize-cli', root: path.dirname(file), rcFile: file, evidence: SEQUELIZE_RC };
  return { kind: 'updown', file };
}

function layoutName(layout: Layout, dir: string): string {
  return layout.kind === 'updown' ? path.relative(dir, layout.file) : `a sequelize-cli project (${layout.evidence})`;
}

/**
 * The layout to read from what `discover` found. `--format` settles a tie: `sequelize-cli` picks
 * the sequelize-cli project, `updown`/`umzug` pick updown.config.ts; with no flag a tie is refused.
 */
export function chooseLayout(found: Discovery, format: ModuleFormat | undefined): Layout | undefined {
  const [first, second] = found.layouts;
  if (!first) return undefined;
  const sequelize = found.layouts.find((layout): layout is SequelizeLayout => layout.kind === 'sequelize-cli');
  const updown = found.layouts.find((layout): layout is UpdownLayout => layout.kind === 'updown');
  if (second && sequelize && updown) {
    if (format === 'sequelize-cli') return sequelize;
    if (format) return updown;
    throw new AmbiguousLayoutError(
      found.dir!,
      found.layouts.map((layout) => layoutName(layout, found.dir!)),
      `pass --format sequelize-cli to read the sequelize-cli project, or --config ${updown.file} to use updown's config`,
    );
  }
  if (first.kind === 'sequelize-cli' && found.umzugHint && !format) {
    throw new AmbiguousLayoutError(
      found.dir!,
      [layoutName(first, found.dir!), `an Umzug project (${found.umzugHint})`],
      "its files may be sequelize-cli's `up(queryInterface, Sequelize)` or Umzug's `up({ context })`: pass --format sequelize-cli or --format umzug",
    );
  }
  return first;
}

/**
 * The layout for these flags: `--config` names it, `--dir` needs none, else the nearest one found
 * (none found is refused, naming the folders searched).
 */
export function locateLayout(flags: { config?: string; dir?: string }, format: ModuleFormat | undefined, cwd: string): Layout | undefined {
  if (flags.config) return explicitLayout(path.resolve(cwd, flags.config));
  if (flags.dir) return undefined;
  const found = discover(cwd);
  const layout = chooseLayout(found, format);
  if (!layout) throw new NoLayoutError(found.looked);
  return layout;
}

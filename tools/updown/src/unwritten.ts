/**
 * The files `create` writes carry a marker in each placeholder (`throw new Error('updown:unwritten
 * …')`, templates/). A placeholder left in place used to defeat "refuse before reverting": an
 * unedited down() threw half-way through `down --all`, after the newer files were reverted, and an
 * unedited up() ran `SELECT 1` and was recorded as applied. The loaded functions are read (their
 * source text, as every JavaScript engine keeps it) at plan time, so the run refuses first.
 */
import { UnwrittenMigrationError } from './errors';
import type { MigrationFile } from './plan';
import type { Direction, Logger, MigrationModule } from './types';

export const UNWRITTEN_MARKER = 'updown:unwritten';

function isPlaceholder(fn: unknown): boolean {
  return typeof fn === 'function' && Function.prototype.toString.call(fn).includes(UNWRITTEN_MARKER);
}

/** The directions of `module` that are still the template's placeholder (a `change` stands for both). */
export function unwrittenDirections(module: MigrationModule): Direction[] {
  if (module.change !== undefined) return isPlaceholder(module.change) ? ['up', 'down'] : [];
  return (['up', 'down'] as const).filter((direction) => isPlaceholder(module[direction]));
}

/**
 * Refuses to run a file in `direction` while that direction is a placeholder; going up through a
 * file whose down() is one is allowed, with a warning that `down` will refuse it.
 */
export function checkWritten(file: MigrationFile, module: MigrationModule, direction: Direction, logger: Logger): void {
  const unwritten = unwrittenDirections(module);
  if (unwritten.includes(direction)) throw new UnwrittenMigrationError(file.name, file.path, direction, module.change !== undefined);
  if (direction === 'up' && unwritten.includes('down')) {
    logger.warn(`${file.path}: down() is still the template's placeholder: \`down\` will refuse this file until you write it (after this up, with \`repair --accept ${file.name}\`)`);
  }
}

/**
 * Runs `fn` with the process in `dir`. sequelize-cli always runs in the project folder, and its
 * `.sequelizerc` and config.js habitually call `path.resolve('config', …)`, which reads the
 * current folder; loading them from a subfolder must see the folder sequelize-cli would.
 */
export function inFolder<T>(dir: string, fn: () => T): T {
  const before = process.cwd();
  if (before === dir) return fn();
  process.chdir(dir);
  try {
    return fn();
  } finally {
    process.chdir(before);
  }
}

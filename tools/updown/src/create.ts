import fs from 'node:fs';
import path from 'node:path';
import { InvalidNameError, UsageError } from './errors';
import { listFiles } from './loader';
import type { StreamKind } from './types';

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_NAME_LENGTH = 100;
const TEMPLATES = {
  migrations: path.join(__dirname, '..', 'templates', 'migration.ts'),
  seeds: path.join(__dirname, '..', 'templates', 'seed.ts'),
  change: path.join(__dirname, '..', 'templates', 'change.ts'),
};

/** Refuses anything but a plain identifier, before any file or folder is touched. */
export function validateName(name: string): void {
  const problem =
    name.length === 0
      ? 'is empty'
      : name.length > MAX_NAME_LENGTH
        ? `is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`
        : !NAME_PATTERN.test(name)
          ? 'is not a plain identifier (letters, digits and _, starting with a letter; no spaces, dots or slashes)'
          : undefined;
  if (problem) {
    throw new InvalidNameError(`the name "${name}" ${problem}: use a camelCase name such as addStripeCustomerIdToOrganizations`);
  }
}

/** `YYYYMMDDHHmmss` in UTC, so the order is the same on every machine. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * Writes `<dir>/YYYYMMDDHHmmss-NAME.ts` from the stream's template (or the reversible `change`
 * template) and returns its path.
 */
export function createFile(options: { dir: string; name: string; kind: StreamKind; change?: boolean; now?: Date }): string {
  validateName(options.name);
  const existing = fs.existsSync(options.dir) ? listFiles(options.dir) : [];
  const clash = existing.find((file) => file.name.slice(15) === options.name);
  if (clash) throw new UsageError(`${clash.path} already has the name "${options.name}": pick another name`);
  const taken = new Set(existing.map((file) => file.name.slice(0, 14)));
  let time = (options.now ?? new Date()).getTime();
  while (taken.has(timestamp(new Date(time)))) time += 1000; // two files in one second still sort apart
  const file = path.join(options.dir, `${timestamp(new Date(time))}-${options.name}.ts`);
  const template = options.change ? TEMPLATES.change : TEMPLATES[options.kind];
  const body = fs.readFileSync(template, 'utf8').replace(/__NAME__/g, options.name);
  fs.mkdirSync(options.dir, { recursive: true });
  fs.writeFileSync(file, body, { flag: 'wx' });
  return file;
}

import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { UsageError } from '../errors';
import { registerTypeScript } from '../typescript';
import { inFolder } from './cwd';

/*
 * sequelize-cli's config file (config-helper `init`): JSON, or a module whose export is an object,
 * a promise of one, a function returning either, or a function taking a Node-style callback.
 */

function missing(file: string): UsageError {
  return new UsageError(`cannot find ${file}, the sequelize-cli config file: create it, name another with "config" in .sequelizerc, or pass --url`);
}

/** Where JSON.parse stopped, as line:column; never its message, which quotes the file (and so its passwords). */
function jsonPosition(text: string, error: unknown): string {
  const position = /position (\d+)/.exec((error as Error).message);
  if (!position) return '';
  const before = text.slice(0, Number(position[1])).split('\n');
  return ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON${jsonPosition(text, error)}: fix it, sequelize-cli cannot read it either`);
  }
}

/** What `import()` gives for the module: CommonJS `module.exports`, or an ES module's default export. */
function exportOf(loaded: unknown): unknown {
  const module = loaded as { __esModule?: boolean; default?: unknown; [Symbol.toStringTag]?: string } | undefined;
  const namespace = module?.__esModule || module?.[Symbol.toStringTag] === 'Module';
  return namespace ? module?.default : loaded;
}

function requireFrom(root: string, file: string): unknown {
  registerTypeScript();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return inFolder(root, () => require(file));
}

const isEsmError = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ERR_REQUIRE_ESM';

// A real dynamic import: TypeScript would turn `import()` into `require()` under CommonJS.
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

function loadFailed(file: string, error: unknown): UsageError {
  return new UsageError(`${file} cannot be loaded: ${(error as Error).message}`, { cause: error });
}

async function loadModule(file: string, root: string): Promise<unknown> {
  try {
    return exportOf(requireFrom(root, file));
  } catch (error) {
    if (!isEsmError(error)) throw loadFailed(file, error);
  }
  try {
    return exportOf(await importEsm(pathToFileURL(file).href));
  } catch (error) {
    throw loadFailed(file, error);
  }
}

/** The config object, awaiting whatever the module exported. */
export async function loadSequelizeConfig(file: string, root: string): Promise<unknown> {
  if (!fs.existsSync(file)) throw missing(file);
  if (file.endsWith('.json')) return readJson(file);
  const exported = await loadModule(file, root);
  if (typeof exported !== 'function') return exported;
  try {
    return exported.length === 1 ? await promisify(exported as (done: (error: unknown, value: unknown) => void) => void)() : await exported();
  } catch (error) {
    throw new UsageError(`${file}: its exported function failed: ${(error as Error).message}`, { cause: error });
  }
}

const isThenable = (value: unknown) => typeof (value as { then?: unknown } | undefined)?.then === 'function';

/**
 * The same without awaiting, for callers that cannot (the Jest harness): a file whose export
 * needs awaiting is refused with a pointer to the async entry point.
 */
export function loadSequelizeConfigSync(file: string, root: string): unknown {
  if (!fs.existsSync(file)) throw missing(file);
  if (file.endsWith('.json')) return readJson(file);
  let exported: unknown;
  try {
    exported = exportOf(requireFrom(root, file));
  } catch (error) {
    throw loadFailed(file, error);
  }
  let value = exported;
  try {
    if (typeof exported === 'function' && exported.length === 0) value = exported();
  } catch (error) {
    throw new UsageError(`${file}: its exported function failed: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value === 'function' || isThenable(value)) {
    throw new UsageError(`${file} exports a promise or a callback: read it with resolveOptionsAsync (the CLI does)`);
  }
  return value;
}

/**
 * A dependency's module that updown's commands load but rarely use, put in require's cache as a
 * stand-in that loads the real one the first time anything reads from it. Two are deferred: Umzug's
 * command-line module (umzug-engine.ts) and Sequelize's validator (project.ts), about 100 and 50 ms
 * of every process that runs a file. A program that uses them in the same process still gets them,
 * only later.
 */
import Module from 'node:module';

/** An object that loads the real one on first use and then behaves as it does (`load` is called on each use: make it cheap). */
export function lazyObject(target: () => object): object {
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(target(), key),
      set: (_, key, value) => Reflect.set(target(), key, value),
      has: (_, key) => Reflect.has(target(), key),
      deleteProperty: (_, key) => Reflect.deleteProperty(target(), key),
      defineProperty: (_, key, descriptor) => Reflect.defineProperty(target(), key, descriptor),
      ownKeys: () => Reflect.ownKeys(target()),
      getPrototypeOf: () => Reflect.getPrototypeOf(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        // A proxy may not report a property as non-configurable when its own target lacks it.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

/**
 * Puts `exports(load)` in require's cache for `file`; `load()` requires the real module once. Nothing
 * is done when it is loaded already, or under Jest, whose module registry is its own.
 */
export function defer(file: string, exports: (load: () => Record<string, unknown>) => object): void {
  if (require.cache[file] || typeof Module !== 'function') return;
  let real: Record<string, unknown> | undefined;
  const load = (): Record<string, unknown> => {
    if (!real) {
      delete require.cache[file];
      real = require(file) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
    }
    return real;
  };
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = exports(load);
  require.cache[file] = standIn;
}

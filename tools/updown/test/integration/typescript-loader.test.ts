/**
 * typescript.js's requireFile: a listed `.ts` migration is compiled and run as a module without
 * require's lookups. It must behave as require would: one module per file, its own `require`,
 * `__filename` and `__dirname`, and a file that throws while loading is not left half-loaded. The
 * packages it requires are resolved once per folder, and V8's code cache of it is kept on disk.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A real process: inside Jest, Jest's transform loads TypeScript and updown's hook stays off.
const HOOK = path.resolve(__dirname, '../../src/typescript.js');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-ts-loader-'));
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  write('helper.ts', `export const helperName: string = 'helper';\n`);
  // A package beside the files: a bare import resolves from the file's own folder upwards.
  fs.mkdirSync(path.join(dir, 'node_modules', 'beside-lib'), { recursive: true });
  write('node_modules/beside-lib/index.js', `globalThis.besideLoads = (globalThis.besideLoads ?? 0) + 1;\nexports.kind = 'beside';\n`);
  write('20250101000000-good.ts', [
    `import { helperName } from './helper';`,
    `import { kind } from 'beside-lib';`,
    `export const seen = { helperName, kind, file: __filename, dir: __dirname, loads: 0 };`,
    `seen.loads += 1;`,
    `export const up = async (): Promise<void> => undefined;`,
  ].join('\n'));
  write('20250102000000-throwsAtLoad.ts', `let count: number = Number(process.env.UPDOWN_TEST_LOADS ?? 0);\nprocess.env.UPDOWN_TEST_LOADS = String(++count);\nthrow new Error('broken at load ' + count);\n`);
  write('20250103000000-plain.js', `exports.kind = 'javascript';\n`);
  for (const name of ['20250104000000-first.ts', '20250105000000-second.ts', '20250106000000-third.ts']) {
    write(name, `import lib from 'beside-lib';\nexport const seen = { lib, resolved: require.resolve('beside-lib'), loads: (globalThis as { besideLoads?: number }).besideLoads };\n`);
  }
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `body` in a fresh node with the hook registered; returns what it printed as JSON. */
function inNode(body: string, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const script = `
    const hook = require(${JSON.stringify(HOOK)});
    hook.registerTypeScript();
    const file = (name) => require('node:path').join(${JSON.stringify(dir)}, name);
    const out = {};
    ${body}
    process.stdout.write(JSON.stringify(out));`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..'), env });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

it('loads a .ts file once, with its own require, __filename and __dirname, as require would', () => {
  const out = inNode(`
    const first = hook.requireFile(file('20250101000000-good.ts'));
    const second = hook.requireFile(file('20250101000000-good.ts'));
    out.same = first === second;
    out.seen = first.seen;
    out.sameAsRequire = require(file('20250101000000-good.ts')) === first;
    out.up = typeof first.up;
  `);
  expect(out).toEqual({
    same: true,
    sameAsRequire: true,
    up: 'function',
    seen: { helperName: 'helper', kind: 'beside', file: path.join(dir, '20250101000000-good.ts'), dir, loads: 1 },
  });
});

it('leaves nothing cached of a file that throws while it loads: loading it again runs it again', () => {
  const out = inNode(`
    out.errors = [];
    for (let i = 0; i < 2; i++) {
      try { hook.requireFile(file('20250102000000-throwsAtLoad.ts')); } catch (error) { out.errors.push(error.message); }
    }
    out.cached = Object.keys(require.cache).some((key) => key.endsWith('throwsAtLoad.ts'));
  `);
  expect(out).toEqual({ errors: ['broken at load 1', 'broken at load 2'], cached: false });
});

it('requires anything that is not TypeScript as it is', () => {
  const out = inNode(`out.kind = hook.requireFile(file('20250103000000-plain.js')).kind;`);
  expect(out).toEqual({ kind: 'javascript' });
});

it('gives a package that files of one folder require as the module require has cached, and loads it again once dropped from the cache', () => {
  const out = inNode(`
    const [first, second] = ['20250104000000-first.ts', '20250105000000-second.ts'].map((name) => hook.requireFile(file(name)).seen);
    const entry = file('node_modules/beside-lib/index.js');
    out.same = first.lib === second.lib && first.lib === require(entry);
    out.loads = [first.loads, second.loads];
    out.resolved = second.resolved;
    out.child = require.cache[file('20250105000000-second.ts')].children.some((child) => child.filename === entry);
    delete require.cache[entry];
    const third = hook.requireFile(file('20250106000000-third.ts')).seen;
    out.reloaded = third.lib !== first.lib && third.loads === 2;
  `);
  expect(out).toEqual({ same: true, loads: [1, 1], resolved: path.join(dir, 'node_modules/beside-lib/index.js'), child: true, reloaded: true });
});

describe("V8's code cache", () => {
  const name = '20250107000000-cached.ts';
  const run = () => inNode(`out.value = hook.requireFile(file('${name}')).value;`).value;
  /** The cache files made for this file's current text: SWC's output holds the marker, its `.v8` sits beside it. */
  const cacheFiles = (marker: string) => {
    const cacheDir = path.join(os.tmpdir(), `updown-swc-${process.getuid?.() ?? 'user'}`);
    const js = fs.readdirSync(cacheDir).filter((entry) => entry.endsWith('.js') && fs.readFileSync(path.join(cacheDir, entry), 'utf8').includes(marker));
    return js.map((entry) => path.join(cacheDir, entry.replace(/\.js$/, '.v8')));
  };
  const writeValue = (value: string) => fs.writeFileSync(path.join(dir, name), `export const value: string = '${value}';\n`);

  it('is kept beside the compiled file, and runs the file as it is now after an edit of the same length', () => {
    writeValue(`first-${path.basename(dir)}`);
    expect(run()).toBe(`first-${path.basename(dir)}`);
    const [v8] = cacheFiles(`first-${path.basename(dir)}`);
    expect(fs.existsSync(v8)).toBe(true);
    // V8 checks only the length of the code a cache was made for: the same length, other text.
    writeValue(`other-${path.basename(dir)}`);
    expect(run()).toBe(`other-${path.basename(dir)}`);
  });

  it('that V8 rejects is dropped, the file still runs, and the next load makes it anew', () => {
    writeValue(`broken-${path.basename(dir)}`);
    expect(run()).toBe(`broken-${path.basename(dir)}`);
    const [v8] = cacheFiles(`broken-${path.basename(dir)}`);
    fs.writeFileSync(v8, 'not a code cache');
    expect(run()).toBe(`broken-${path.basename(dir)}`);
    expect(fs.existsSync(v8)).toBe(false);
    expect(run()).toBe(`broken-${path.basename(dir)}`);
    expect(fs.readFileSync(v8).toString()).not.toBe('not a code cache');
  });
});

it('loads a .ts file when the temporary folder cannot hold the cache: it is compiled each time', () => {
  // A path below a file: no folder can be made there.
  const unwritable = path.join(dir, '20250103000000-plain.js', 'tmp');
  const out = inNode(`out.kind = hook.requireFile(file('20250101000000-good.ts')).seen.kind;`, { ...process.env, TMPDIR: unwritable });
  expect(out).toEqual({ kind: 'beside' });
});

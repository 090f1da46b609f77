/**
 * typescript.js's requireFile: a listed `.ts` migration is compiled and run as a module without
 * require's lookups. It must behave as require would: one module per file, its own `require`,
 * `__filename` and `__dirname`, and a file that throws while loading is not left half-loaded.
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
  write('node_modules/beside-lib/index.js', `exports.kind = 'beside';\n`);
  write('20250101000000-good.ts', [
    `import { helperName } from './helper';`,
    `import { kind } from 'beside-lib';`,
    `export const seen = { helperName, kind, file: __filename, dir: __dirname, loads: 0 };`,
    `seen.loads += 1;`,
    `export const up = async (): Promise<void> => undefined;`,
  ].join('\n'));
  write('20250102000000-throwsAtLoad.ts', `let count: number = Number(process.env.UPDOWN_TEST_LOADS ?? 0);\nprocess.env.UPDOWN_TEST_LOADS = String(++count);\nthrow new Error('broken at load ' + count);\n`);
  write('20250103000000-plain.js', `exports.kind = 'javascript';\n`);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `body` in a fresh node with the hook registered; returns what it printed as JSON. */
function inNode(body: string): Record<string, unknown> {
  const script = `
    const hook = require(${JSON.stringify(HOOK)});
    hook.registerTypeScript();
    const file = (name) => require('node:path').join(${JSON.stringify(dir)}, name);
    const out = {};
    ${body}
    process.stdout.write(JSON.stringify(out));`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });
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

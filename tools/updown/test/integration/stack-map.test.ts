import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createScratchDatabase, dropScratchDatabase } from '../helpers/database';

// A real process: inside Jest, Jest's transform loads TypeScript and updown's hook stays off.

const ENTRY = path.resolve(__dirname, '../../entry.js');

/** A migration whose up() fails in JavaScript at line 13 of the TypeScript, column 9; the compiled line differs. */
const FAILING = `import path from 'node:path';
import type { Migration } from 'updown';

interface Settings {
  columns: string[];
}

const settings: Settings = { columns: [] };

export const up: Migration = async ({ context: { queryInterface } }) => {
  void path.sep;
  void queryInterface;
  throw new TypeError(\`no column in \${settings.columns.length}\`);
};

export const down: Migration = async () => undefined;
`;

let url: string;
let dir: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_stack_map');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-stack-map-'));
  fs.writeFileSync(path.join(dir, '20250101000000-fails-in-javascript.ts'), FAILING);
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await dropScratchDatabase(url);
});

/** Runs `up` through the library in a fresh node (with `flags`), and returns the failure's stack and the source-map switch. */
function failingUp(flags: string[] = []): { stack: string; nodeSourceMaps: boolean; nodeError: string } {
  const script = `
    const load = require(${JSON.stringify(ENTRY)});
    const { up } = load('api');
    const { resolveOptions } = load('config');
    const options = resolveOptions('migrations', { url: process.argv[1], dir: process.argv[2] }, { info() {}, warn() {} }).options;
    up(options).then((result) => {
      const cause = result.errors[0] && result.errors[0].cause;
      let nodeError = '';
      try { require('node:fs').readFileSync({}); } catch (error) { nodeError = error.stack.split('\\n')[0]; }
      console.log(JSON.stringify({ stack: String(cause && cause.stack), nodeSourceMaps: process.sourceMapsEnabled, nodeError }));
    });`;
  const child = spawnSync(process.execPath, [...flags, '-e', script, url, dir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as { stack: string; nodeSourceMaps: boolean; nodeError: string };
}

test("a migration's stack points at its TypeScript line, without Node's up-front source maps", () => {
  const { stack, nodeSourceMaps } = failingUp();
  expect(stack.split('\n')[0]).toBe('TypeError: no column in 0');
  expect(stack).toContain(`${path.join(dir, '20250101000000-fails-in-javascript.ts')}:13:9`);
  expect(nodeSourceMaps).toBe(false);
});

test("the process's other stacks keep Node's own form, its errors' codes included", () => {
  const { nodeError } = failingUp();
  expect(nodeError).toMatch(/^TypeError \[ERR_INVALID_ARG_TYPE\]: The "path" argument/);
});

test('with --enable-source-maps, Node maps the same frame', () => {
  const { stack, nodeSourceMaps } = failingUp(['--enable-source-maps']);
  expect(stack).toContain(`${path.join(dir, '20250101000000-fails-in-javascript.ts')}:13:9`);
  expect(nodeSourceMaps).toBe(true);
});

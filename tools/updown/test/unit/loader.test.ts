import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidMigrationError, UsageError } from '../../src/errors';
import { listFiles, loadModule } from '../../src/loader';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-loader-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, body = 'export const up = async () => undefined;\n') => {
  fs.writeFileSync(path.join(dir, name), body);
  return path.join(dir, name);
};

describe('listFiles', () => {
  it('lists timestamped .ts/.js/.cjs files in name order, without extension, and ignores the rest', () => {
    write('20240102000000-second.ts');
    write('20240101000000-first.js');
    write('20240103000000-third.cjs');
    write('20240104000000-types.d.ts');
    write('README.md');
    write('helper.ts');
    write('2024-bad-stamp.ts');
    fs.mkdirSync(path.join(dir, '20240105000000-folder'));
    expect(listFiles(dir).map((file) => [file.name, path.basename(file.path)])).toEqual([
      ['20240101000000-first', '20240101000000-first.js'],
      ['20240102000000-second', '20240102000000-second.ts'],
      ['20240103000000-third', '20240103000000-third.cjs'],
    ]);
  });

  it('refuses the same migration twice (.ts next to its .js)', () => {
    write('20240101000000-first.ts');
    write('20240101000000-first.js');
    expect(() => listFiles(dir)).toThrow(UsageError);
    expect(() => listFiles(dir)).toThrow(/the same migration twice/);
  });

  it('refuses a folder that does not exist, naming it', () => {
    expect(() => listFiles(path.join(dir, 'nope'))).toThrow(`${path.join(dir, 'nope')} does not exist`);
  });
});

describe('loadModule', () => {
  const file = (name: string) => ({ name: name.replace(/\.ts$/, ''), path: path.join(dir, name), checksum: '' });

  it('refuses a module without up(), and a down or transaction of the wrong type', () => {
    write('20240101000000-noUp.ts', 'export const down = async () => undefined;\n');
    write('20240102000000-badDown.ts', 'export const up = async () => undefined;\nexport const down = 42;\n');
    write('20240103000000-badTx.ts', "export const up = async () => undefined;\nexport const transaction = 'no';\n");
    expect(() => loadModule(file('20240101000000-noUp.ts'))).toThrow(InvalidMigrationError);
    expect(() => loadModule(file('20240101000000-noUp.ts'))).toThrow(/exports no up\(\) function/);
    expect(() => loadModule(file('20240102000000-badDown.ts'))).toThrow(/`down` that is not a function/);
    expect(() => loadModule(file('20240103000000-badTx.ts'))).toThrow(/`transaction` must be true or false/);
  });

  it('names the file when it cannot be loaded', () => {
    write('20240101000000-throws.ts', "throw new Error('top-level failure');\n");
    expect(() => loadModule(file('20240101000000-throws.ts'))).toThrow(/20240101000000-throws\.ts: cannot be loaded: top-level failure/);
  });

  // (Jest's own jest.config.ts loader registers ts-node in its process, so only the visible effect is checked.)
  it('inside Jest, loading a migration leaves the host alone: stack traces still point at the right lines', () => {
    write('20240101000000-plain.ts');
    loadModule(file('20240101000000-plain.ts'));
    const expected = fs.readFileSync(__filename, 'utf8').split('\n').findIndex((line) => line.includes('STACK' + '-MARKER')) + 1;
    const actual = Number(/:(\d+):\d+\)?$/.exec((new Error().stack ?? '').split('\n')[1])?.[1]); // STACK-MARKER
    expect(actual).toBe(expected);
  });
});

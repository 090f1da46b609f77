import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createScratchDatabase, dropScratchDatabase } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// A real process: Jest's own module registry would hide what Node's require cache does.

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_umzug_cli');
});
afterAll(() => dropScratchDatabase(url));

const ENTRY = path.resolve(__dirname, '../../entry.js');

test("a run loads Umzug's engine without its CLI, and a program that uses Umzug's CLI in the same process still gets it", () => {
  const script = `
    const load = require(${JSON.stringify(ENTRY)});
    const { up } = load('api');
    const { resolveOptions } = load('config');
    const rushstack = () => Object.keys(require.cache).some((file) => file.includes('@rushstack'));
    const options = resolveOptions('migrations', { url: process.argv[1], dir: process.argv[2] }, { info() {}, warn() {} }).options;
    up(options).then((result) => {
      const during = rushstack();
      const { Umzug } = require('umzug');
      const cli = new Umzug({ migrations: [], logger: undefined }).getCli();
      console.log(JSON.stringify({ applied: result.executed.length, during, after: rushstack(), cli: typeof cli.execute }));
    });`;
  const child = spawnSync(process.execPath, ['-e', script, url, fixtureDir('basic')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(child.stderr).toBe('');
  expect(JSON.parse(child.stdout)).toEqual({ applied: 3, during: false, after: true, cli: 'function' });
});

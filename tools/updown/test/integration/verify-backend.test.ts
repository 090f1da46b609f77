import path from 'node:path';
import { runCli, REPO_ROOT } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase } from '../helpers/database';

// The sample backend: every migration and seed verifies clean, and its committed dump is current.

const CONFIG = path.join(REPO_ROOT, 'apps/backend/updown.config.ts');
const DUMP = path.join(REPO_ROOT, 'apps/backend/db/schema.txt');

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_vbackend');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const cli = (...args: string[]) => runCli([...args, '--url', url, '--config', CONFIG]);

it('every migration verifies clean, from an empty database', async () => {
  const result = await cli('migrate', 'verify', '--all');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/7 migrations verified: every down reverses its up/);
});

it('every seed verifies clean', async () => {
  const result = await cli('seed', 'verify', '--all');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/3 seeds verified/);
});

it('the committed apps/backend/db/schema.txt matches the migrated schema', async () => {
  expect((await cli('migrate', 'up')).code).toBe(0);
  const result = await cli('db', 'dump', '--check');
  expect(result.stdout).toContain('matches the database');
  expect(result.code).toBe(0);
  // The default file is db/schema.txt next to updown.config.ts.
  expect(result.stdout).toContain(path.relative(process.cwd(), DUMP));
});

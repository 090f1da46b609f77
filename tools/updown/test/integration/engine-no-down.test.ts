import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, tablesIn } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

const ALL = ['20240601000000-createAlpha', '20240602000000-createBeta', '20240603000000-createGamma'];
const BETA_FILE = `${fixtureDir('no-down')}/20240602000000-createBeta.ts`;

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_nodown');
  expect((await migrate('up')).code).toBe(0);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

function migrate(...args: string[]) {
  return runCli(['migrate', ...args, '--url', url, '--dir', fixtureDir('no-down')]);
}

async function expectUntouched(): Promise<void> {
  expect(await appliedNames(url)).toEqual(ALL);
  expect((await tablesIn(url)).filter((table) => ['alpha', 'beta', 'gamma'].includes(table))).toEqual(['alpha', 'beta', 'gamma']);
}

it.each([
  ['--step 2 (the newest has a down, the second has not)', ['--step', '2']],
  ['--all', ['--all']],
  ['--to the oldest', ['--to', ALL[0]]],
  ['--to the file itself', ['--to', ALL[1]]],
])('going down through it with %s is refused with exit 2, and nothing at all is reverted', async (_, flags) => {
  const result = await migrate('down', ...flags);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(BETA_FILE);
  expect(result.stderr).toMatch(/has no down\(\)/);
  expect(result.stdout).not.toMatch(/reverted/);
  await expectUntouched();
});

it('--json reports the refusal in the document', async () => {
  const result = await migrate('down', '--all', '--json');
  expect(result.code).toBe(2);
  const doc = onlyJson<{ ok: boolean; executed: unknown[]; error: { message: string } }>(result.stdout);
  expect(doc).toMatchObject({ ok: false, executed: [] });
  expect(doc.error.message).toContain(BETA_FILE);
  await expectUntouched();
});

it('files after it in the plan still go down on their own; then it is refused', async () => {
  const first = await migrate('down');
  expect(first.code).toBe(0);
  expect(first.stdout).toMatch(/reverted\s+20240603000000-createGamma/);
  expect(await appliedNames(url)).toEqual(ALL.slice(0, 2));
  expect(await tablesIn(url)).not.toContain('gamma');

  const second = await migrate('down');
  expect(second.code).toBe(2);
  expect(second.stderr).toContain(BETA_FILE);
  expect(await appliedNames(url)).toEqual(ALL.slice(0, 2));
  expect(await tablesIn(url)).toEqual(expect.arrayContaining(['alpha', 'beta']));
});

it('redo through it is refused too', async () => {
  const result = await migrate('redo');
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(BETA_FILE);
  expect(await appliedNames(url)).toEqual(ALL.slice(0, 2));
});

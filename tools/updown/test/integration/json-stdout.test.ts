/**
 * Issue 10: `--json` stays exactly one document on stdout even when a migration writes to stdout
 * (console.log, process.stdout.write, child processes with inherited stdio, spawned or run
 * synchronously): during a `--json` run, what migrations print goes to stderr. A real process
 * proves it, since a child inherits file descriptor 1 itself (src/cli/json-stdout.ts).
 */
import { onlyJson, runCli, spawnCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, resetDatabase } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

const DIR = fixtureDir('prints-to-stdout');
const NAME = '20240101000000-createChatty';
const PRINTS = ['chatty: console.log', 'chatty: process.stdout.write', 'chatty: spawnSync, stdio inherit', 'chatty: execSync, stdio inherit', 'chatty: spawn, stdio inherit'];

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_json_stdout');
});
afterEach(async () => {
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const args = (...extra: string[]) => ['migrate', ...extra, '--url', url, '--dir', DIR];

it('up --json: one document on stdout, everything the migration and its children printed on stderr', async () => {
  const result = await spawnCli(args('up', '--json'));
  expect(result.code).toBe(0);
  const doc = onlyJson<{ ok: boolean; executed: { name: string; direction: string }[] }>(result.stdout);
  expect(doc).toMatchObject({ ok: true, executed: [{ name: NAME, direction: 'up', stream: 'migrations' }] });
  for (const text of PRINTS) expect(result.stderr).toContain(`${text}\n`);
  expect(await appliedNames(url)).toEqual([NAME]);
});

it('down --json, a failure and a refusal with --json: still one document each, with the right code', async () => {
  expect((await spawnCli(args('up'))).code).toBe(0);
  const down = await spawnCli(args('down', '--json'));
  expect(down.code).toBe(0);
  expect(onlyJson(down.stdout)).toMatchObject({ ok: true, executed: [{ name: NAME, direction: 'down' }] });
  expect(down.stderr).toContain('chatty: down\n');

  const refused = await spawnCli(args('up', '--json', '--to', 'nosuch'));
  expect(refused.code).toBe(2);
  expect(onlyJson(refused.stdout)).toMatchObject({ ok: false, error: { type: 'UsageError' } });
  const usage = await spawnCli(args('up', '--json', '--nosuch'));
  expect(usage.code).toBe(2);
  expect(onlyJson(usage.stdout)).toMatchObject({ ok: false, error: { type: 'UsageError' } });
});

it('without --json, the same prints stay on stdout, where the user expects them', async () => {
  const result = await spawnCli(args('up'));
  expect(result.code).toBe(0);
  for (const text of PRINTS) expect(result.stdout).toContain(`${text}\n`);
  expect(result.stdout).toMatch(new RegExp(`migrated +${NAME}`));
});

it('in-process, process.stdout.write is diverted too (Jest replaces console: console.log is proved by the real process above)', async () => {
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((text: string) => written.push(text) > 0) as typeof process.stdout.write;
  try {
    const result = await runCli(args('up', '--json'));
    expect(onlyJson(result.stdout)).toMatchObject({ ok: true });
  } finally {
    process.stdout.write = write;
  }
  expect(written.join('')).not.toContain('chatty');
});

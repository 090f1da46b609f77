/**
 * A reader that stops early (`updown migrate status | head -1`) closes the pipe: updown drops the
 * rest of its output and runs to its end, with its own exit code and no EPIPE stack trace. A
 * migration is never cut short because nobody reads what it prints.
 */
import { spawn } from 'node:child_process';
import { BIN, REPO_ROOT } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_closed_stdout');
});
afterAll(() => dropScratchDatabase(url));

/** Runs the CLI with its stdout closed before it writes anything; resolves with its exit code and stderr. */
function withStdoutClosed(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Node takes tens of milliseconds to start: the pipe is closed before its first write.
  child.stdout!.destroy();
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('--help into a closed pipe exits 0 without a stack trace', async () => {
  const { code, stderr } = await withStdoutClosed(['--help']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
});

test('migrate up into a closed pipe applies every file and exits 0', async () => {
  const dir = fixtureDir('basic');
  const { code, stderr } = await withStdoutClosed(['migrate', 'up', '--dir', dir, '--url', url]);
  expect(stderr).not.toMatch(/EPIPE|Error/);
  expect(code).toBe(0);
  expect(await appliedNames(url)).toHaveLength(3);
});

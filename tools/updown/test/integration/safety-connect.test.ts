/**
 * Issue 3, connecting: a server that does not answer is retried with a bounded backoff (exit 4), a
 * permanent error (unknown database) is not retried at all, and a password in the URL never reaches
 * output. Extends engine-connect.test.ts with timings and the masked form on every line.
 */
import { onlyJson, runCli } from '../helpers/cli';
import { serverUrl } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

const PASSWORD = 'Sup3rS3cret';
/** connection.ts retries a refused connection 4 times, after 250, 500, 1000 and 2000 ms. */
const BACKOFF_SUM_MS = 250 + 500 + 1_000 + 2_000;

const status = (url: string, ...extra: string[]) => runCli(['migrate', 'status', '--url', url, '--dir', fixtureDir('basic'), ...extra]);

function expectNoPassword(result: { stdout: string; stderr: string }): void {
  for (const line of `${result.stdout}\n${result.stderr}`.split('\n')) expect(line).not.toContain(PASSWORD);
}

describe('a closed port (127.0.0.1:1)', () => {
  const forms = [
    ['in the authority', `postgres://postgres:${PASSWORD}@127.0.0.1:1/x`, 'postgres://postgres:****@127.0.0.1:1/x'],
    ['as ?password=', `postgres://postgres@127.0.0.1:1/x?password=${PASSWORD}`, 'postgres://postgres@127.0.0.1:1/x?password=****'],
  ] as const;

  it('exits 4 after the whole bounded backoff, password masked on every line (human and --json, side by side)', async () => {
    const timed = async (args: string[]) => {
      const started = Date.now();
      const result = await runCli(args);
      return { ...result, elapsed: Date.now() - started };
    };
    const [human, json] = await Promise.all([
      Promise.all(forms.map(([, url]) => timed(['migrate', 'up', '--url', url, '--dir', fixtureDir('basic')]))),
      Promise.all(forms.map(([, url]) => timed(['migrate', 'status', '--json', '--url', url, '--dir', fixtureDir('basic')]))),
    ]);

    forms.forEach(([form, , masked], i) => {
      for (const result of [human[i], json[i]]) {
        expect({ form, code: result.code }).toEqual({ form, code: 4 });
        expect(result.elapsed).toBeGreaterThanOrEqual(BACKOFF_SUM_MS);
        expect(result.elapsed).toBeLessThan(BACKOFF_SUM_MS + 8_000); // bounded: no retry forever
        expect(result.stdout + result.stderr).toContain('****');
        expectNoPassword(result);
      }
      const error = human[i].stderr.split('\n').find((line) => line.startsWith('error'))!;
      expect(error).toContain(`cannot connect to ${masked} after 5 attempt(s)`);
      expect(error).toMatch(/ECONNREFUSED/);
      expect(error).toContain('is PostgreSQL running');
      const doc = onlyJson<{ ok: boolean; error: { message: string; type: string } }>(json[i].stdout);
      expect(doc).toMatchObject({ ok: false, error: { type: 'ConnectError' } });
      expect(doc.error.message).toContain(masked);
    });
  });
});

describe('a database that does not exist (3D000) on the real server', () => {
  /** Trust auth accepts any password, so the server answers with 3D000 and the password is ours to leak. */
  function unknownDatabase(form: 'authority' | 'query'): string {
    const url = new URL(serverUrl());
    url.pathname = '/updown_safety_no_such_db';
    if (form === 'authority') url.password = PASSWORD;
    else url.searchParams.set('password', PASSWORD);
    return url.toString();
  }

  it.each(['authority', 'query'] as const)('exits 4 at once, without retrying, with a hint (password in the %s)', async (form) => {
    const started = Date.now();
    const result = await status(unknownDatabase(form));
    const elapsed = Date.now() - started;
    expect(result.code).toBe(4);
    expect(elapsed).toBeLessThan(BACKOFF_SUM_MS / 2); // well under the backoff of a transient failure
    const error = result.stderr.split('\n').find((line) => line.startsWith('error'))!;
    expect(error).toContain('after 1 attempt(s)');
    expect(error).toContain('updown_safety_no_such_db');
    expect(error).toContain('[3D000]');
    expect(error).toContain('create the database first');
    expect(error).toContain('****');
    expectNoPassword(result);
  });
});

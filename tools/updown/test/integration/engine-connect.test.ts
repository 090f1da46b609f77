import { onlyJson, runCli, spawnCli } from '../helpers/cli';
import { serverUrl } from '../helpers/database';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

const PASSWORD = 's3cretPW';
const CLOSED_PORT_URL = `postgres://postgres:${PASSWORD}@127.0.0.1:1/x`;
const MASKED = 'postgres://postgres:****@127.0.0.1:1/x';

/** A database that does not exist on the real server, with a password in the URL. */
function missingDatabaseUrl(): string {
  const url = new URL(serverUrl());
  url.password = PASSWORD;
  url.pathname = '/updown_no_such_database';
  return url.toString();
}

describe('4: cannot connect', () => {
  it('a closed port exits 4 after bounded retries, naming the URL with its password masked', async () => {
    const started = Date.now();
    // A real process (the exit code must reach the shell) and an in-process --json run, side by side.
    const [human, json] = await Promise.all([
      spawnCli(['migrate', 'up', '--url', CLOSED_PORT_URL, '--dir', 'tools/updown/test/fixtures/basic']),
      runCli(['migrate', 'up', '--json', '--url', CLOSED_PORT_URL, '--dir', `${__dirname}/../fixtures/basic`]),
    ]);
    const elapsed = Date.now() - started;
    expect(human.code).toBe(4);
    expect(json.code).toBe(4);
    expect(elapsed).toBeLessThan(30_000); // bounded
    expect(human.stderr).toContain(MASKED);
    expect(human.stderr).toMatch(/after [2-9]\d* attempt/); // it retried a refused connection
    expect(human.stderr).toMatch(/ECONNREFUSED/);
    const doc = onlyJson<{ ok: boolean; error: { message: string } }>(json.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.message).toContain(MASKED);
    for (const text of [human.stdout, human.stderr, json.stdout, json.stderr]) expect(text).not.toContain(PASSWORD);
  });

  it('a database that does not exist exits 4 at once (not transient), password masked', async () => {
    const url = missingDatabaseUrl();
    const started = Date.now();
    const result = await runCli(['migrate', 'status', '--url', url, '--dir', `${__dirname}/../fixtures/basic`]);
    expect(result.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.stderr).toContain('updown_no_such_database');
    expect(result.stderr).toMatch(/3D000/);
    expect(result.stderr).toContain(':****@');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('a password given as ?password= is masked too', async () => {
    const url = new URL(serverUrl());
    url.pathname = '/updown_no_such_database';
    url.searchParams.set('password', PASSWORD);
    const result = await runCli(['migrate', 'status', '--url', url.toString(), '--dir', `${__dirname}/../fixtures/basic`]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('updown_no_such_database');
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('a URL that cannot be parsed is refused without echoing its password', async () => {
    const result = await runCli(['migrate', 'up', '--url', `postgres://postgres:${PASSWORD}@127.0.0.1:notaport/x`, '--dir', `${__dirname}/../fixtures/basic`]);
    expect([2, 4]).toContain(result.code);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });
});

/**
 * verify on a history with several wrong downs: every file gets a verdict in one run. After a down
 * that fails or leaves something behind, the state after that file's up is restored (its trial goes
 * back to the mark taken after up), so the files after it are verified from the right state.
 */
import { onlyJson, runCli, spawnCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query, tableExists } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_vgoing');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

interface Verdict {
  name: string;
  reversible: boolean;
  irreversible?: boolean;
  differences: { message: string }[];
  error?: { phase: string; message: string; code?: string };
}

const verify = (...flags: string[]) => runCli(['migrate', 'verify', '--all', '--url', url, '--dir', fixtureDir('verify-keeps-going'), ...flags]);

describe('verify --all through several wrong downs', () => {
  it('gives every file its verdict, and verifies the good file after them', async () => {
    const result = await verify('--json');
    expect(result.code).toBe(1);
    const report = onlyJson<{ migrations: Verdict[]; notVerified: string[] }>(result.stdout);
    expect(report.notVerified).toEqual([]);
    const byName = new Map(report.migrations.map((verdict) => [verdict.name, verdict]));
    expect([...byName.keys()]).toEqual([
      '20240801000000-createOrders',
      '20240802000000-addOrderTotal',
      '20240803000000-indexOrderTotal',
      '20240804000000-backfillOrders',
      '20240805000000-createInvoices',
    ]);
    expect(byName.get('20240801000000-createOrders')).toMatchObject({ reversible: true });
    expect(byName.get('20240802000000-addOrderTotal')).toMatchObject({ reversible: false, error: { phase: 'down', code: '42703' } });
    const index = byName.get('20240803000000-indexOrderTotal')!;
    expect(index.reversible).toBe(false);
    expect(index.differences.map((d) => d.message)).toEqual(['after down: index orders_total on orders still exists']);
    expect(index.error).toMatchObject({ phase: 'up again', code: '42P07' });
    // A down that refuses on purpose is irreversible, told apart from a broken one.
    expect(byName.get('20240804000000-backfillOrders')).toMatchObject({
      reversible: false,
      irreversible: true,
      error: { phase: 'down', message: 'down() refuses on purpose: Cannot undo this migration.' },
    });
    // Verified from the state after every earlier up, not from what a failed down left.
    expect(byName.get('20240805000000-createInvoices')).toMatchObject({ reversible: true, differences: [] });
  });

  it('prints a line per file and a summary with the count, and leaves the target untouched', async () => {
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/reversible\s+20240801000000-createOrders/);
    expect(result.stdout).toMatch(/NOT reversible\s+20240802000000-addOrderTotal/);
    expect(result.stdout).toMatch(/irreversible\s+20240804000000-backfillOrders: down\(\) refuses on purpose/);
    expect(result.stdout).toMatch(/reversible\s+20240805000000-createInvoices/);
    expect(result.stdout).toMatch(/3 of 5 migrations not reversible/);
    expect(await tableExists(url, 'orders')).toBe(false);
    expect(await tableExists(url, 'SequelizeMeta')).toBe(false);
    const name = new URL(url).pathname.slice(1);
    expect(await query(url, "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_verify\\_%'", [name])).toEqual([]);
  });
});

describe('a migration that shells out to a script, during verify', () => {
  it('gives the script the scratch database in DATABASE_URL, never the target', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const marks = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'updown-marks-')), 'marks.txt');
    const target = new URL(url).pathname.slice(1);
    // A real process: a child process inherits the real environment, not Jest's copy of it.
    const result = await spawnCli(['migrate', 'verify', '--all', '--url', url, '--dir', fixtureDir('verify-shells-out')], {
      env: { SHELL_OUT_MARKS: marks, DATABASE_URL: url },
    });
    expect(result.code).toBe(0);
    const seen = fs.readFileSync(marks, 'utf8').trim().split('\n');
    // up, down, up again: three runs of the script, each on the scratch copy.
    expect(seen).toHaveLength(3);
    for (const database of seen) {
      expect(database).not.toBe(target);
      expect(database).toMatch(/_verify_/);
    }
  });
});

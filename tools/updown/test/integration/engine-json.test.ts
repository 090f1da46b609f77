import { onlyJson, runCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, resetDatabase } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

const BASIC = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];

interface RunDoc {
  ok: boolean;
  executed: { name: string; direction: string; durationMs: number }[];
  error?: { message: string; migration?: string; code?: string };
}
interface StatusDoc {
  ok: boolean;
  items: { name: string; state: string; appliedAt?: string }[];
}

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_json');
});
afterEach(async () => {
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const json = (scenario: string, ...args: string[]) => runCli(['migrate', ...args, '--json', '--url', url, '--dir', fixtureDir(scenario)]);

function expectRunShape(doc: RunDoc): void {
  expect(typeof doc.ok).toBe('boolean');
  expect(Array.isArray(doc.executed)).toBe(true);
  for (const item of doc.executed) {
    expect(item).toEqual(expect.objectContaining({ name: expect.any(String), direction: expect.stringMatching(/^(up|down)$/), durationMs: expect.any(Number) }));
    expect(item.durationMs).toBeGreaterThanOrEqual(0);
  }
}

it('status, up, status, down: one document each, in the contract shapes', async () => {
  const pending = await json('basic', 'status');
  expect(pending.code).toBe(0);
  const before = onlyJson<StatusDoc>(pending.stdout);
  expect(before).toEqual({ ok: false, items: BASIC.map((name) => ({ name, state: 'pending' })) });

  const up = await json('basic', 'up');
  expect(up.code).toBe(0);
  const upDoc = onlyJson<RunDoc>(up.stdout);
  expectRunShape(upDoc);
  expect(upDoc.ok).toBe(true);
  expect(upDoc.error).toBeUndefined();
  expect(upDoc.executed.map(({ name, direction }) => ({ name, direction }))).toEqual(BASIC.map((name) => ({ name, direction: 'up' })));

  const applied = onlyJson<StatusDoc>((await json('basic', 'status')).stdout);
  expect(applied.ok).toBe(true);
  expect(applied.items.map(({ name, state }) => ({ name, state }))).toEqual(BASIC.map((name) => ({ name, state: 'applied' })));
  for (const item of applied.items) {
    expect(item.appliedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(item.appliedAt!) - Date.now())).toBeLessThan(60_000);
  }

  const down = await json('basic', 'down', '--step', '2');
  expect(down.code).toBe(0);
  const downDoc = onlyJson<RunDoc>(down.stdout);
  expectRunShape(downDoc);
  expect(downDoc.executed.map(({ name, direction }) => ({ name, direction }))).toEqual([
    { name: BASIC[2], direction: 'down' },
    { name: BASIC[1], direction: 'down' },
  ]);

  const nothing = await json('basic', 'up', '--to', BASIC[0]);
  expect(nothing.code).toBe(0); // already applied: nothing to do, so a deploy step can be rerun (issue 10)
  expect(onlyJson<RunDoc>(nothing.stdout)).toMatchObject({ ok: true, executed: [] });
});

it('nothing to do is ok with an empty executed list', async () => {
  expect((await json('basic', 'up')).code).toBe(0);
  const again = await json('basic', 'up');
  expect(again.code).toBe(0);
  expect(onlyJson<RunDoc>(again.stdout)).toMatchObject({ ok: true, executed: [] });
});

it('a failure is still one document: ok false, what ran, and the error naming the migration', async () => {
  const result = await json('fails-halfway', 'up');
  expect(result.code).toBe(1);
  const doc = onlyJson<RunDoc>(result.stdout);
  expectRunShape(doc);
  expect(doc.ok).toBe(false);
  expect(doc.executed.map((item) => item.name)).toEqual(['20240201000000-createGadgets']);
  expect(doc.error).toMatchObject({ migration: '20240202000000-createDoomed', message: expect.stringContaining('createDoomed fails on purpose') });
  expect(doc.error!.code).toBeUndefined(); // not an SQL error: no PostgreSQL code

  const status = await json('fails-halfway', 'status');
  const items = onlyJson<StatusDoc>(status.stdout).items;
  expect(items.map(({ name, state }) => [name, state])).toEqual([
    ['20240201000000-createGadgets', 'applied'],
    ['20240202000000-createDoomed', 'pending'],
    ['20240203000000-createNeverReached', 'pending'],
  ]);
  expect(items[1]).not.toHaveProperty('appliedAt');
});

it.each([
  ['--to an unknown name', ['up', '--to', '20990101000000-nope', '--dir', fixtureDir('basic')]],
  ['--to together with --all', ['down', '--all', '--to', BASIC[0], '--dir', fixtureDir('basic')]],
  ['a folder that does not exist', ['up', '--dir', '/nonexistent/updown/migrations']],
  // Rejected by the argument parser, before any command runs: still a --json run.
  ['--step 0', ['up', '--step', '0', '--dir', fixtureDir('basic')]],
  ['an unknown option', ['up', '--bogus', '--dir', fixtureDir('basic')]],
])('a refusal (%s) is one document on stdout too', async (_, args) => {
  const result = await runCli(['migrate', ...args, '--json', '--url', url]);
  expect(result.code).toBe(2);
  expect(onlyJson<RunDoc>(result.stdout)).toMatchObject({ ok: false, executed: [], error: { message: expect.any(String) } });
});

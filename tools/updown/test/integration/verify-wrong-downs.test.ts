import { onlyJson, runCli } from '../helpers/cli';
import { createScratchDatabase, dropScratchDatabase, query } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Each fixture's second file has a deliberately wrong down(); `verify --all` must say exactly what.

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_vwrong');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const run = (fixture: string, ...flags: string[]) => runCli(['migrate', 'verify', '--url', url, '--dir', fixtureDir(fixture), ...flags]);
const verify = (fixture: string, ...flags: string[]) => run(fixture, '--all', ...flags);

async function scratchDatabasesLeft(): Promise<string[]> {
  const name = new URL(url).pathname.slice(1);
  const rows = await query<{ datname: string }>(url, "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_verify\\_%'", [name]);
  return rows.map((row) => row.datname);
}

it.each([
  ['verify-forgets-index', '20240702000000-indexWidgetsName', ['after down: index idx_widgets_name on widgets still exists'], 'up failed when run again after down (down left something behind) [42P07]'],
  ['verify-forgets-column', '20240702000000-addStripeCustomerId', ['after down: column users.stripe_customer_id still exists'], '[42701]'],
  ['verify-leaves-enum', '20240701000000-createUsers', ['after down: enum type enum_users_role left behind'], undefined],
  ['verify-fk-action', '20240702000000-keepMembershipsOfDeletedUsers', ['after down: constraint fk_memberships_user on memberships now ON DELETE NO ACTION, was CASCADE'], undefined],
  [
    'verify-drops-wrong-thing',
    '20240702000000-indexWidgetsName',
    ['after down: index idx_widgets_kind on widgets missing', 'after down: index idx_widgets_name on widgets still exists'],
    '[42P07]',
  ],
  ['verify-down-fails', '20240702000000-addWidgetColour', [], 'down failed [42703]: column "colur" of relation "widgets" does not exist'],
])('%s: reported precisely, exit 1', async (fixture, wrong, differences, error) => {
  // --from the wrong file: the one before it is replayed, not verified (faster).
  const result = await run(fixture, '--from', wrong);
  expect(result.code).toBe(1);
  const lines = result.stdout.split('\n');
  expect(lines).toContain(`NOT reversible ${wrong} (${/\((\d+ m?s)\)/.exec(lines.find((line) => line.includes(wrong))!)![1]})`);
  for (const difference of differences) expect(lines).toContain(`    ${difference}`);
  if (error) expect(result.stdout).toContain(error);
  expect(result.stdout).toMatch(/1 of 1 migration not reversible/);
  expect(await scratchDatabasesLeft()).toEqual([]);
});

it('--json carries the same findings in one document', async () => {
  const result = await verify('verify-fk-action', '--json');
  expect(result.code).toBe(1);
  const doc = onlyJson<{ ok: boolean; migrations: { name: string; reversible: boolean; differences: { message: string; kind: string }[] }[] }>(result.stdout);
  expect(doc.ok).toBe(false);
  expect(doc.migrations.map((m) => [m.name, m.reversible])).toEqual([
    ['20240701000000-createMemberships', true],
    ['20240702000000-keepMembershipsOfDeletedUsers', false],
  ]);
  expect(doc.migrations[1].differences).toEqual([
    expect.objectContaining({ phase: 'after down', kind: 'constraint', change: 'changed', message: expect.stringContaining('now ON DELETE NO ACTION, was CASCADE') }),
  ]);
});

it('a failing down is reported with its error and the next file is still verified', async () => {
  const result = await verify('verify-down-fails', '--json');
  const doc = onlyJson<{ migrations: { reversible: boolean; error?: { phase: string; code: string } }[] }>(result.stdout);
  expect(doc.migrations[1]).toMatchObject({ reversible: false, error: { phase: 'down', code: '42703' } });
});

it('a migration without down() is irreversible, not a crash; the ones after it are still verified', async () => {
  const result = await verify('no-down');
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/irreversible\s+20240602000000-createBeta: has no down\(\)/);
  expect(result.stdout).toMatch(/reversible\s+20240603000000-createGamma/);
});

it('a column re-added at the end of its table is a note, and the migration is reversible', async () => {
  const result = await verify('verify-column-order');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/reversible\s+20240702000000-removeWidgetName/);
  expect(result.stdout).toContain('note: after down: column widgets.name is now column 3 of 3, was 2');
});

it('a good fixture verifies clean', async () => {
  const result = await verify('basic');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/3 migrations verified: every down reverses its up/);
});

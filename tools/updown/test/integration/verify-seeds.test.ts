import { onlyJson, runCli } from '../helpers/cli';
import { appliedNames, createScratchDatabase, dropScratchDatabase, tablesIn } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// seed verify: on a scratch database with the migrations applied, each seed's down must remove its rows.

let url: string;
beforeAll(async () => {
  url = await createScratchDatabase('updown_vseeds');
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

const seedVerify = (...flags: string[]) =>
  runCli(['seed', 'verify', '--url', url, '--dir', `${fixtureDir('verify-seeds')}/seeds`, '--migrations-dir', `${fixtureDir('verify-seeds')}/migrations`, ...flags]);

it('names the rows a seed down left behind, by primary key; the good seed is reversible', async () => {
  const result = await seedVerify();
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/reversible\s+20240802000000-primaryColours/);
  expect(result.stdout).toMatch(/NOT reversible 20240803000000-greys/);
  expect(result.stdout).toContain('after down: table colours: 1 row left behind (keys [11])');
  // The target got neither the migrations nor the seeds.
  expect(await tablesIn(url)).toEqual([]);
  expect(await appliedNames(url, 'public', 'SequelizeData')).toEqual([]);
});

it('--json gives the same under "seeds"', async () => {
  const result = await seedVerify('--json');
  expect(result.code).toBe(1);
  const doc = onlyJson<{ ok: boolean; seeds: { name: string; reversible: boolean; differences: { kind: string; name: string; message: string }[] }[] }>(result.stdout);
  expect(doc.ok).toBe(false);
  expect(doc.seeds[1]).toMatchObject({ name: '20240803000000-greys', reversible: false, differences: [{ kind: 'rows', name: 'colours', message: expect.stringContaining('left behind') }] });
});

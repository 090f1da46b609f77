import { down, status, up } from '../../src/api';
import { resolveOptions } from '../../src/config';
import { MigrationFailedError, RefusedError } from '../../src/errors';
import type { ExecutedItem, Logger, RunOptions } from '../../src/types';
import { appliedNames, createScratchDatabase, dropScratchDatabase, resetDatabase, tableExists } from '../helpers/database';
import { fixtureDir } from '../helpers/fixtures';

// Real PostgreSQL and real processes: the root config's projects do not inherit the project's testTimeout.

const BASIC = ['20240101000000-createWidgets', '20240102000000-addWidgetColour', '20240103000000-indexWidgetName'];

let url: string;
const messages: string[] = [];
const logger: Logger = { info: (message) => messages.push(message), warn: (message) => messages.push(`warn: ${message}`) };

beforeAll(async () => {
  url = await createScratchDatabase('updown_api');
});
afterEach(async () => {
  await resetDatabase(url);
});
afterAll(async () => {
  await dropScratchDatabase(url);
});

/** Options as the library builds them (defaults included), for a fixture folder. */
function options(scenario: string, extra: Partial<RunOptions> = {}): RunOptions {
  const resolved = resolveOptions('migrations', { url, dir: fixtureDir(scenario) }, logger, {}, __dirname).options;
  return { ...resolved, url, ...extra };
}

it('up() returns {success, executed: [{name, direction, durationMs}], errors, durationMs} and calls onExecuted per file', async () => {
  const seen: ExecutedItem[] = [];
  const result = await up({ ...options('basic'), onExecuted: (item) => seen.push(item) });
  expect(result).toEqual({
    success: true,
    executed: BASIC.map((name) => expect.objectContaining({ name, direction: 'up', durationMs: expect.any(Number) })),
    errors: [],
    durationMs: expect.any(Number),
  });
  expect(seen.map((item) => item.name)).toEqual(BASIC);
  expect(await appliedNames(url)).toEqual(BASIC);

  const again = await up({ ...options('basic'), step: 1 });
  expect(again).toMatchObject({ success: true, executed: [], errors: [] });

  const st = await status(options('basic'));
  expect(st.success).toBe(true);
  expect(st.items.map((item) => [item.name, item.state, item.appliedAt instanceof Date])).toEqual(BASIC.map((name) => [name, 'applied', true]));

  const reverted = await down({ ...options('basic'), to: BASIC[1] });
  expect(reverted.success).toBe(true);
  expect(reverted.executed.map(({ name, direction }) => [name, direction])).toEqual([
    [BASIC[2], 'down'],
    [BASIC[1], 'down'],
  ]);
  expect(await appliedNames(url)).toEqual([BASIC[0]]);
});

it('a failing migration resolves with success false and a MigrationFailedError; it does not throw', async () => {
  const result = await up(options('fails-halfway'));
  expect(result.success).toBe(false);
  expect(result.executed.map((item) => item.name)).toEqual(['20240201000000-createGadgets']);
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors;
  expect(error).toBeInstanceOf(MigrationFailedError);
  expect(error).toMatchObject({ migration: '20240202000000-createDoomed', direction: 'up', file: `${fixtureDir('fails-halfway')}/20240202000000-createDoomed.ts` });
  expect((error.cause as Error).message).toBe('createDoomed fails on purpose after creating its table');
  expect(await tableExists(url, 'doomed')).toBe(false);
});

it('a refusal and an unreachable database resolve with success false too', async () => {
  const refused = await up({ ...options('basic'), to: 'nope' });
  expect(refused.success).toBe(false);
  expect(refused.errors[0]).toBeInstanceOf(RefusedError);

  const missing = new URL(url);
  missing.pathname = '/updown_api_no_such_database';
  const unreachable = await up({ ...options('basic'), url: missing.toString() });
  expect(unreachable.success).toBe(false);
  expect(unreachable.errors[0].name).toBe('ConnectError');
});

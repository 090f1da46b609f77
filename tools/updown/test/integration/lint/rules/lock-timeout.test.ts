import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE orders (id bigint PRIMARY KEY, note text)'],
    [
      { name: 'timeoutOff', sql: ['SET LOCAL lock_timeout = 0', 'ALTER TABLE orders ADD COLUMN channel text'] },
      { name: 'timeoutRaised', extra: "export const timeouts = { lock: '2min' };", sql: ['ALTER TABLE orders ADD COLUMN region text'] },
      { name: 'timeoutDefault', sql: ['ALTER TABLE orders ADD COLUMN coupon text'] },
      { name: 'timeoutLowered', extra: "export const timeouts = { lock: '1s' };", sql: ['ALTER TABLE orders ADD COLUMN referrer text'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('ACCESS EXCLUSIVE with lock_timeout turned off: found, from the setting read while it ran', () => {
  expect(run.rules('timeoutOff')).toEqual(['lock-timeout']);
  expect(run.findings('timeoutOff')[0].message).toMatch(/lock_timeout off/);
});

test("a file's own timeouts.lock past the run's 5s: found", () => {
  expect(run.rules('timeoutRaised')).toEqual(['lock-timeout']);
  expect(run.findings('timeoutRaised')[0].message).toMatch(/lock_timeout 120s, raised past the run's 5s/);
});

test("updown's default lock_timeout, or a lower one: nothing, and the summary says which was in force", () => {
  expect(run.rules('timeoutDefault')).toEqual([]);
  expect(run.rules('timeoutLowered')).toEqual([]);
  expect(run.result.lockTimeoutMs).toBe(5000);
});

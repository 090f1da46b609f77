import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE events (id bigint PRIMARY KEY, kind text)'],
    [
      { name: 'concurrentOutside', transaction: false, sql: ['CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind)'] },
      { name: 'concurrentInside', body: "  await queryInterface.addIndex('events', ['id', 'kind'], { name: 'events_id_kind_idx', concurrently: true });" },
      { name: 'afterTheFailure', sql: ['SELECT 1'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('a transaction = false file that uses CONCURRENTLY: nothing', () => {
  expect(run.rules('concurrentOutside')).toEqual([]);
});

test('CONCURRENTLY in a transactional file: PostgreSQL refuses it (25001), reported as this rule, not as a bare failure', () => {
  expect(run.rules('concurrentInside')).toEqual(['concurrently-in-transaction']);
  expect(run.findings('concurrentInside')[0].message).toMatch(/cannot run inside a transaction block/);
});

test('the files after it are not linted, and say so', () => {
  expect(run.result.notLinted).toEqual([expect.stringMatching(/-afterTheFailure$/)]);
  expect(run.result.success).toBe(false);
});

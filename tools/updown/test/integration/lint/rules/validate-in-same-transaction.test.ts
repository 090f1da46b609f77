import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE shipments (id bigint PRIMARY KEY, weight int)', 'ALTER TABLE shipments ADD CONSTRAINT shipments_weight_check CHECK (weight > 0) NOT VALID'],
    [
      { name: 'addAndValidate', sql: ['ALTER TABLE shipments ADD CONSTRAINT shipments_weight_max CHECK (weight < 100000) NOT VALID', 'ALTER TABLE shipments VALIDATE CONSTRAINT shipments_weight_max'] },
      { name: 'validateEarlier', sql: ['ALTER TABLE shipments VALIDATE CONSTRAINT shipments_weight_check'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('NOT VALID then VALIDATE in one file: found, with the lock of the ADD', () => {
  expect(run.rules('addAndValidate')).toEqual(['validate-in-same-transaction']);
  expect(run.findings('addAndValidate')[0].lock?.mode).toBe('AccessExclusiveLock');
});

test('VALIDATE of a constraint added by an earlier migration: nothing', () => {
  expect(run.rules('validateEarlier')).toEqual([]);
});

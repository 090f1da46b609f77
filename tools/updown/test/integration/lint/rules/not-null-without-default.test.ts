import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE customers (id bigint PRIMARY KEY)'],
    [
      { name: 'requiredNoDefault', body: "  await queryInterface.addColumn('customers', 'country', { type: DataTypes.STRING(2), allowNull: false });" },
      { name: 'requiredWithDefault', body: "  await queryInterface.addColumn('customers', 'currency', { type: DataTypes.STRING(3), allowNull: false, defaultValue: 'EUR' });" },
      { name: 'optional', sql: ['ALTER TABLE customers ADD COLUMN nickname text'] },
      { name: 'newTable', sql: ['CREATE TABLE regions (id bigint)', 'ALTER TABLE regions ADD COLUMN code text NOT NULL'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('NOT NULL with no default on an existing table: found (it passes on an empty scratch table, and fails on a real one)', () => {
  expect(run.rules('requiredNoDefault')).toEqual(['not-null-without-default']);
  expect(run.findings('requiredNoDefault')[0].lock).toEqual({ mode: 'AccessExclusiveLock', table: 'customers', observed: true });
});

test('with a constant default, nullable, or on a table created in the same file: nothing', () => {
  expect(run.rules('requiredWithDefault')).toEqual([]);
  expect(run.rules('optional')).toEqual([]);
  expect(run.rules('newTable')).toEqual([]);
});

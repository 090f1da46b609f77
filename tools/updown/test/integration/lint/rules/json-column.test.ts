import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE webhooks (id bigint PRIMARY KEY)'],
    [
      { name: 'jsonInNewTable', body: "  await queryInterface.createTable('deliveries', { id: { type: DataTypes.BIGINT, primaryKey: true }, payload: { type: DataTypes.JSON } });" },
      { name: 'jsonAdded', sql: ['ALTER TABLE webhooks ADD COLUMN headers json'] },
      { name: 'jsonbAdded', body: "  await queryInterface.addColumn('webhooks', 'body', { type: DataTypes.JSONB });" },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('a json column, in a new table (DataTypes.JSON) or added: found', () => {
  expect(run.rules('jsonInNewTable')).toEqual(['json-column']);
  expect(run.rules('jsonAdded')).toEqual(['json-column']);
});

test('jsonb: nothing', () => {
  expect(run.rules('jsonbAdded')).toEqual([]);
});

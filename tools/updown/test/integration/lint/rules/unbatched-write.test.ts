import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE subscriptions (id bigint PRIMARY KEY, plan text, expired boolean)'],
    [
      { name: 'backfillAll', body: "  await queryInterface.bulkUpdate('subscriptions', { plan: 'free' }, {});" },
      { name: 'deleteAll', sql: ['DELETE FROM subscriptions'] },
      { name: 'backfillSome', body: "  await queryInterface.bulkUpdate('subscriptions', { plan: 'free' }, { plan: null });" },
      { name: 'fillNewTable', sql: ['CREATE TABLE plans (code text, price int)', "INSERT INTO plans VALUES ('free', 0)", 'UPDATE plans SET price = 1'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('UPDATE (Sequelize bulkUpdate with an empty where) or DELETE of a whole existing table: found', () => {
  expect(run.rules('backfillAll')).toEqual(['unbatched-write']);
  expect(run.rules('deleteAll')).toEqual(['unbatched-write']);
});

test('an UPDATE with a WHERE, or of a table the same file created: nothing', () => {
  expect(run.rules('backfillSome')).toEqual([]);
  expect(run.rules('fillNewTable')).toEqual([]);
});

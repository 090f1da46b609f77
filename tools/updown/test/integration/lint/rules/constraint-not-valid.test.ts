import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE teams (id bigint PRIMARY KEY)', 'CREATE TABLE players (id bigint PRIMARY KEY, team_id bigint, age int, code text)', 'CREATE UNIQUE INDEX players_id_code ON players (code)'],
    [
      { name: 'foreignKey', body: "  await queryInterface.addConstraint('players', { fields: ['team_id'], type: 'foreign key', name: 'players_team_fk', references: { table: 'teams', field: 'id' } });" },
      { name: 'checkAge', sql: ['ALTER TABLE players ADD CONSTRAINT players_age_check CHECK (age >= 0)'] },
      { name: 'uniqueCode', sql: ['ALTER TABLE players ADD CONSTRAINT players_code_key UNIQUE (code)'] },
      { name: 'notValid', sql: ['ALTER TABLE players ADD CONSTRAINT players_team_fk2 FOREIGN KEY (team_id) REFERENCES teams (id) NOT VALID', 'ALTER TABLE players ADD CONSTRAINT players_age_check2 CHECK (age < 200) NOT VALID'] },
      { name: 'usingIndex', sql: ['ALTER TABLE players ADD CONSTRAINT players_code_unique UNIQUE USING INDEX players_id_code'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('a validated foreign key: found, SHARE ROW EXCLUSIVE observed', () => {
  expect(run.rules('foreignKey')).toEqual(['constraint-not-valid']);
  expect(run.findings('foreignKey')[0].lock).toEqual({ mode: 'ShareRowExclusiveLock', table: 'players', observed: true });
});

test('a validated check and a unique constraint that builds its index: found', () => {
  expect(run.rules('checkAge')).toEqual(['constraint-not-valid']);
  expect(run.rules('uniqueCode')).toEqual(['constraint-not-valid']);
});

test('NOT VALID and UNIQUE USING INDEX: nothing', () => {
  expect(run.rules('notValid')).toEqual([]);
  expect(run.rules('usingIndex')).toEqual([]);
});

import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ['CREATE TABLE bookings (id bigint PRIMARY KEY, during tstzrange)'],
    [
      { name: 'noOverlap', sql: ['ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&)'] },
      { name: 'newRooms', sql: ['CREATE TABLE rooms (id bigint, during tstzrange)', 'ALTER TABLE rooms ADD CONSTRAINT rooms_no_overlap EXCLUDE USING gist (during WITH &&)'] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('an exclusion constraint on an existing table: found', () => {
  expect(run.rules('noOverlap')).toEqual(['exclusion-constraint']);
  expect(run.findings('noOverlap')[0].lock).toEqual({ mode: 'AccessExclusiveLock', table: 'bookings', observed: true });
});

test('on a table created in the same file: nothing', () => {
  expect(run.rules('newRooms')).toEqual([]);
});

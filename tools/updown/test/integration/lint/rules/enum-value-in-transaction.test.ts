import { lintCases, type LintRun } from '../../../helpers/lint';

let run: LintRun;
beforeAll(async () => {
  run = await lintCases(
    ["CREATE TYPE ticket_state AS ENUM ('open', 'closed')"],
    [
      { name: 'addValueOutside', transaction: false, sql: ["ALTER TYPE ticket_state ADD VALUE IF NOT EXISTS 'pending'"] },
      { name: 'addValueInside', sql: ["ALTER TYPE ticket_state ADD VALUE 'archived'"] },
    ],
  );
});
afterAll(() => run?.cleanUp());

test('ADD VALUE in a transactional file: found (PostgreSQL 12+ accepts it; the value is unusable until commit)', () => {
  expect(run.rules('addValueInside')).toEqual(['enum-value-in-transaction']);
});

test('ADD VALUE in a transaction = false file: nothing', () => {
  expect(run.rules('addValueOutside')).toEqual([]);
});

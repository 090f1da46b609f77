/**
 * `up` in warn mode checks a column or index added to a table the run made after the statement has
 * been sent (LaterChecks): the same findings, in the same order, read no catalogs, and a statement
 * on any other table is still parsed before it is sent.
 */
import { FileObserver, LaterChecks } from '../../../src/lint/observer';
import { loadParser } from '../../../src/lint/parse';
import { onlyTableOf } from '../../../src/lint/plan';
import type { ObserverQuery } from '../../../src/watch';

beforeAll(async () => {
  await loadParser();
});

const noCatalogReads: ObserverQuery = async () => {
  throw new Error('read the catalogs');
};

function observer(later: LaterChecks | undefined, runCreated: string[]) {
  return new FileObserver({ name: '20240101000000-addPayload', path: 'x.ts' }, false, { runLockTimeoutMs: 1000, runCreated: new Set(runCreated), later });
}

test('a json column added to a table the run made: found once the queued checks run, with no catalog read', async () => {
  const later = new LaterChecks();
  const file = observer(later, ['events']);
  const after = file.observe('ALTER TABLE "public"."events" ADD COLUMN "payload" JSON;', undefined, noCatalogReads);
  expect(typeof after).toBe('function');
  await (after as (error?: unknown) => Promise<void>)();
  expect(file.findings).toEqual([]);
  later.run();
  expect(file.findings.map((finding) => [finding.rule, finding.message])).toEqual([['json-column', 'public.events.payload is json: use jsonb']]);
  expect(file.observed).toBe(0);
});

test('findings keep the order of the statements: a statement checked at once runs the queue first', async () => {
  const later = new LaterChecks();
  const file = observer(later, ['events']);
  const first = file.observe('ALTER TABLE events ADD COLUMN a json', undefined, noCatalogReads) as (error?: unknown) => Promise<void>;
  await first();
  const second = file.observe('ALTER TABLE events ADD COLUMN b json', undefined, noCatalogReads) as (error?: unknown) => Promise<void>;
  await second();
  // Neither is checked yet: the run has moved on to its next statement.
  expect(file.findings).toEqual([]);
  // A table the run did not make (no evidence needed for a CREATE TABLE): checked when it settles, after the queue.
  const third = file.observe('CREATE TABLE other (c json)', undefined, noCatalogReads) as (error?: unknown) => Promise<void>;
  await third();
  expect(file.findings.map((finding) => finding.message)).toEqual(['events.a is json: use jsonb', 'events.b is json: use jsonb', 'other.c is json: use jsonb']);
});

test('the queue runs on its own within two turns of the event loop', async () => {
  const later = new LaterChecks();
  const file = observer(later, ['events']);
  await (file.observe('ALTER TABLE events ADD COLUMN a json', undefined, noCatalogReads) as (error?: unknown) => Promise<void>)();
  await new Promise((resolve) => setImmediate(resolve));
  expect(file.findings).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(file.findings).toHaveLength(1);
});

test('the same findings as checking at once, for a table the run made', async () => {
  const sql = 'CREATE INDEX "events_kind_idx" ON "events" ("kind")';
  const later = new LaterChecks();
  const deferred = observer(later, ['events']);
  await (deferred.observe(sql, undefined, noCatalogReads) as (error?: unknown) => Promise<void>)();
  later.run();
  const atOnce = observer(undefined, ['events']);
  await (atOnce.observe(sql, undefined, noCatalogReads) as (error?: unknown) => Promise<void>)();
  expect(deferred.findings).toEqual(atOnce.findings);
});

test('a statement that failed is explained at once', async () => {
  const later = new LaterChecks();
  const file = observer(later, ['events']);
  const after = file.observe('ALTER TABLE events ADD COLUMN a json', undefined, noCatalogReads) as (error?: unknown) => Promise<void>;
  await after(Object.assign(new Error('column "a" of relation "events" already exists'), { code: '42701' }));
  expect(file.failure?.statement?.kind).toBe('AlterTableStmt');
});

test.each([
  ['ALTER TABLE "public"."bench_0002" ADD COLUMN "note_0003" TEXT;', 'bench_0002'],
  ['CREATE UNIQUE INDEX i ON s."Odd""Name" USING btree (a, b);', 'Odd"Name'],
  ['ALTER TABLE Events ADD COLUMN x int', 'events'],
  ['ALTER TABLE t ADD COLUMN x int REFERENCES u (id)', undefined],
  ['ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)', undefined],
  ['CREATE INDEX CONCURRENTLY i ON t (a)', undefined],
  ['ALTER TABLE t ADD COLUMN x int; DROP TABLE u', undefined],
  ['ALTER TABLE t ADD COLUMN x int DEFAULT (SELECT 1)', undefined],
])('onlyTableOf(%s) is %s: another relation named means a parse first', (sql, table) => {
  expect(onlyTableOf(sql)).toBe(table);
});

test('a table the run did not make is parsed before the statement is sent, and its evidence read', () => {
  const file = observer(new LaterChecks(), []);
  file.observe('ALTER TABLE users ADD COLUMN payload json', undefined, noCatalogReads);
  expect(file.observed).toBe(1);
});

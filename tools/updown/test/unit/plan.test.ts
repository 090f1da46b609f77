import { RefusedError, UsageError } from '../../src/errors';
import { checkHistory, planDown, planUp, statusOf, type AppliedEntry, type MigrationFile } from '../../src/plan';

const NAMES = ['20240101000000-a', '20240102000000-b', '20240103000000-c', '20240104000000-d'];
const file = (name: string): MigrationFile => ({ name, path: `/m/${name}.ts`, checksum: `sum-${name}` });
const FILES = NAMES.map(file);
const [A, B, C, D] = NAMES;
const applied = (...names: string[]): AppliedEntry[] => names.map((name) => ({ name, appliedAt: new Date(Date.UTC(2024, 0, 1)) }));
const names = (files: MigrationFile[]) => files.map((f) => f.name);

describe('planUp', () => {
  it('plans every pending file, oldest first, by default', () => {
    expect(names(planUp(FILES, applied(A, B)))).toEqual([C, D]);
    expect(names(planUp(FILES, []))).toEqual(NAMES);
  });

  it('plans nothing when everything is applied', () => {
    expect(planUp(FILES, applied(...NAMES))).toEqual([]);
  });

  it('--to is inclusive', () => {
    expect(names(planUp(FILES, applied(A), { to: C }))).toEqual([B, C]);
    expect(names(planUp(FILES, applied(A), { to: B }))).toEqual([B]);
    expect(names(planUp(FILES, applied(A), { to: D }))).toEqual([B, C, D]);
  });

  it('--to accepts the file name with its extension', () => {
    expect(names(planUp(FILES, [], { to: `${B}.ts` }))).toEqual([A, B]);
    expect(names(planUp(FILES, [], { to: `${A}.js` }))).toEqual([A]);
  });

  it('--to refuses an unknown name', () => {
    expect(() => planUp(FILES, applied(A), { to: '20990101000000-nope' })).toThrow(UsageError);
    expect(() => planUp(FILES, applied(A), { to: '20990101000000-nope' })).toThrow(/no file has that name/);
  });

  it('--to an applied file is nothing to do (a deploy step can be rerun), with or without its extension', () => {
    expect(planUp(FILES, applied(A, B), { to: B })).toEqual([]);
    expect(planUp(FILES, applied(A, B), { to: `${A}.ts` })).toEqual([]);
    expect(planUp(FILES, applied(A, B, C, D), { to: D })).toEqual([]);
  });

  it('--to an applied file still applies pending files older than it (a merged branch), and only those', () => {
    expect(names(planUp(FILES, applied(A, C), { to: C }))).toEqual([B]);
    expect(() => planUp(FILES, applied(A, C), { to: C, strictOrder: true })).toThrow(/--strict-order/);
  });

  it('--step counts pending files and stops at the end', () => {
    expect(names(planUp(FILES, applied(A), { step: 1 }))).toEqual([B]);
    expect(names(planUp(FILES, applied(A), { step: 2 }))).toEqual([B, C]);
    expect(names(planUp(FILES, applied(A), { step: 99 }))).toEqual([B, C, D]);
  });

  it.each([0, -1, 1.5, Number.NaN])('--step %p is refused', (step) => {
    expect(() => planUp(FILES, [], { step })).toThrow(UsageError);
    expect(() => planUp(FILES, [], { step })).toThrow(/--step must be a whole number of 1 or more/);
  });

  it('applies a pending file older than the newest applied one, unless --strict-order', () => {
    expect(names(planUp(FILES, applied(A, C)))).toEqual([B, D]);
    expect(() => planUp(FILES, applied(A, C), { strictOrder: true })).toThrow(UsageError);
    expect(() => planUp(FILES, applied(A, C), { strictOrder: true, step: 1 })).toThrow(`/m/${B}.ts is pending but older`);
    expect(names(planUp(FILES, applied(A, B), { strictOrder: true }))).toEqual([C, D]);
  });

  it('--to and --step together are refused', () => {
    expect(() => planUp(FILES, [], { to: B, step: 1 })).toThrow(UsageError);
    expect(() => planUp(FILES, [], { to: B, step: 1 })).toThrow(/--to and --step cannot be used together/);
  });
});

describe('planDown', () => {
  it('reverts only the last applied file by default', () => {
    expect(names(planDown(FILES, applied(A, B, C)))).toEqual([C]);
  });

  it('goes newest first whatever order the rows come in', () => {
    expect(names(planDown(FILES, applied(B, C, A), { all: true }))).toEqual([C, B, A]);
  });

  it('--step N reverts the last N, and at most what is applied', () => {
    expect(names(planDown(FILES, applied(A, B, C), { step: 2 }))).toEqual([C, B]);
    expect(names(planDown(FILES, applied(A, B, C), { step: 10 }))).toEqual([C, B, A]);
  });

  it('--all reverts everything applied', () => {
    expect(names(planDown(FILES, applied(A, B, C, D), { all: true }))).toEqual([D, C, B, A]);
  });

  it('--to is inclusive: reverts everything after the target and the target', () => {
    expect(names(planDown(FILES, applied(A, B, C, D), { to: B }))).toEqual([D, C, B]);
    expect(names(planDown(FILES, applied(A, B, C, D), { to: D }))).toEqual([D]);
    expect(names(planDown(FILES, applied(A, B, C, D), { to: `${A}.ts` }))).toEqual([D, C, B, A]);
  });

  it('--to refuses a pending file and an unknown name, saying which', () => {
    expect(() => planDown(FILES, applied(A, B), { to: C })).toThrow(UsageError);
    expect(() => planDown(FILES, applied(A, B), { to: C })).toThrow(/it is not applied/);
    expect(() => planDown(FILES, applied(A, B), { to: 'nope' })).toThrow(/no applied (file|migration) has that name/);
  });

  it('plans nothing when nothing is applied', () => {
    expect(planDown(FILES, [])).toEqual([]);
    expect(planDown(FILES, [], { all: true })).toEqual([]);
  });

  it.each([
    [{ to: B, step: 1 }, /--to and --step/],
    [{ to: B, all: true }, /--to and --all/],
    [{ step: 1, all: true }, /--step and --all/],
    [{ to: B, step: 1, all: true }, /--to and --step and --all/],
  ])('%p are mutually exclusive', (options, message) => {
    expect(() => planDown(FILES, applied(A, B, C), options)).toThrow(UsageError);
    expect(() => planDown(FILES, applied(A, B, C), options)).toThrow(message);
  });

  it.each([0, -2, 2.5])('--step %p is refused', (step) => {
    expect(() => planDown(FILES, applied(A), { step })).toThrow(UsageError);
  });

  it('refuses to plan through an applied file whose file is missing, naming it', () => {
    const withoutC = FILES.filter((f) => f.name !== C);
    expect(() => planDown(withoutC, applied(A, B, C))).toThrow(RefusedError);
    expect(() => planDown(withoutC, applied(A, B, C, D), { step: 2 })).toThrow(new RegExp(`${C} is recorded as applied but its file is missing`));
  });
});

describe('statusOf', () => {
  it('lists files and rows in name order with their state and appliedAt', () => {
    const at = new Date(Date.UTC(2024, 4, 5, 6, 7, 8));
    const items = statusOf([file(D), file(A), file(C)], [{ name: A, appliedAt: at }, { name: B, appliedAt: at }]);
    expect(items).toEqual([
      { name: A, state: 'applied', appliedAt: at },
      { name: B, state: 'missing', appliedAt: at },
      { name: C, state: 'pending' },
      { name: D, state: 'pending' },
    ]);
  });

  it('flags a pending file older than the newest applied one as out of order', () => {
    const items = statusOf(FILES, applied(A, C));
    expect(items.map((item) => [item.name, item.state, item.outOfOrder ?? false])).toEqual([
      [A, 'applied', false],
      [B, 'pending', true],
      [C, 'applied', false],
      [D, 'pending', false],
    ]);
  });

  it('shows an edited file as edited', () => {
    const items = statusOf(FILES, [{ name: A, checksum: 'sum-before-the-edit', checksumVersion: 1, sourceFile: `${A}.ts` }]);
    expect(items[0]).toMatchObject({ name: A, state: 'edited' });
  });

  it('pending items carry no appliedAt', () => {
    expect(statusOf(FILES, []).every((item) => item.state === 'pending' && !('appliedAt' in item))).toBe(true);
  });
});

describe('checkHistory', () => {
  it('accepts a history whose every row has its file (pending files are fine)', () => {
    expect(() => checkHistory(FILES, applied(A, B))).not.toThrow();
    expect(() => checkHistory(FILES, [])).not.toThrow();
  });

  it('refuses a row whose file is missing, naming it', () => {
    const withoutB = FILES.filter((f) => f.name !== B);
    expect(() => checkHistory(withoutB, applied(A, B, C))).toThrow(RefusedError);
    expect(() => checkHistory(withoutB, applied(A, B, C))).toThrow(new RegExp(`${B} is recorded as applied but its file is missing`));
  });

  it('refuses an applied file whose checksum changed, naming the file', () => {
    const entry = { name: B, checksum: 'sum-before-the-edit', checksumVersion: 1, sourceFile: `${B}.ts` };
    expect(() => checkHistory(FILES, [...applied(A), entry])).toThrow(RefusedError);
    expect(() => checkHistory(FILES, [...applied(A), entry])).toThrow(`/m/${B}.ts was edited after it was applied`);
  });

  it('does not call a file edited when the checksum cannot be compared', () => {
    const noChecksum = { name: A, checksum: null };
    const otherVersion = { name: B, checksum: 'x', checksumVersion: 999 };
    const compiled = { name: C, checksum: 'x', checksumVersion: 1, sourceFile: `${C}.js` };
    expect(() => checkHistory(FILES, [noChecksum, otherVersion, compiled])).not.toThrow();
  });

  it('refuses a file marked as failed (half applied outside a transaction)', () => {
    expect(() => checkHistory(FILES, [{ name: A, state: 'failed' }])).toThrow(/failed outside a transaction/);
  });
});

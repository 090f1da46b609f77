import { UsageError } from '../../src/errors';
import type { AppliedEntry, MigrationFile } from '../../src/plan';
import { planVerify } from '../../src/verify/range';

const NAMES = ['20240101000000-a', '20240102000000-b', '20240103000000-c', '20240104000000-d'];
const FILES: MigrationFile[] = NAMES.map((name) => ({ name, path: `/m/${name}.ts`, checksum: name }));
const [A, B, C, D] = NAMES;
const applied = (...names: string[]): AppliedEntry[] => names.map((name) => ({ name }));
const names = (plan: ReturnType<typeof planVerify>) => plan.range.map((file) => file.name);

describe('planVerify', () => {
  it('verifies the pending files by default, on a copy of the target', () => {
    const plan = planVerify(FILES, applied(A, B));
    expect(names(plan)).toEqual([C, D]);
    expect(plan.start).toEqual({ kind: 'target', lastApplied: B });
    expect(names(planVerify(FILES, applied(...NAMES)))).toEqual([]);
  });

  it('--all starts from an empty database; --to ends the range', () => {
    expect(planVerify(FILES, applied(A), { all: true })).toEqual({ range: FILES, start: { kind: 'empty' } });
    expect(names(planVerify(FILES, applied(A), { all: true, to: B }))).toEqual([A, B]);
    expect(names(planVerify(FILES, applied(A), { to: C }))).toEqual([B, C]);
  });

  it('--from where the target stands copies it; elsewhere it replays up to the file before', () => {
    expect(planVerify(FILES, applied(A), { from: B }).start).toEqual({ kind: 'target', lastApplied: A });
    const plan = planVerify(FILES, applied(A, B, C), { from: B, to: C });
    expect(names(plan)).toEqual([B, C]);
    expect(plan.start).toEqual({ kind: 'empty', replayTo: A });
  });

  it('refuses unknown names, --all with --from, a reversed range and an out-of-order pending file', () => {
    expect(() => planVerify(FILES, [], { from: 'nope' })).toThrow(UsageError);
    expect(() => planVerify(FILES, [], { all: true, from: A })).toThrow(/--all and --from/);
    expect(() => planVerify(FILES, [], { from: C, to: B })).toThrow(/comes after/);
    expect(() => planVerify(FILES, applied(A, C))).toThrow(/older than the newest applied/);
  });
});

import { diffSnapshots, keptInOrder } from '../../src/schema/diff';
import { renderSnapshot } from '../../src/schema/render';
import { unifiedDiff } from '../../src/schema/text-diff';
import type { Column, Constraint, Snapshot, Table } from '../../src/schema/types';
import { diffRows } from '../../src/verify/rows';

// Snapshots built by hand: the diff is a pure function of two values.

const empty = (): Snapshot => ({
  schema: 'public',
  tables: {},
  indexes: {},
  sequences: {},
  enums: {},
  views: {},
  routines: {},
  triggers: {},
  extensions: {},
  comments: {},
});

const col = (type: string, extra: Partial<Column> = {}): Column => ({ type, nullable: true, ...extra });

function table(columns: [string, Column][], constraints: Record<string, Constraint> = {}): Table {
  return { columns: Object.fromEntries(columns), columnOrder: columns.map(([name]) => name), constraints };
}

const fk = (onDelete: string): Constraint => ({
  type: 'foreign key',
  definition: `FOREIGN KEY (user_id) REFERENCES users(id)${onDelete === 'NO ACTION' ? '' : ` ON DELETE ${onDelete}`}`,
  columns: ['user_id'],
  references: { table: 'users', columns: ['id'], onDelete, onUpdate: 'NO ACTION' },
});

function widgets(): Snapshot {
  return {
    ...empty(),
    tables: {
      widgets: table([
        ['id', col('integer', { nullable: false, default: "nextval('widgets_id_seq'::regclass)" })],
        ['name', col('text', { nullable: false })],
        ['kind', col('text')],
      ]),
    },
    indexes: { idx_widgets_name: { table: 'widgets', definition: 'CREATE INDEX idx_widgets_name ON public.widgets USING btree (name)', valid: true } },
    sequences: { widgets_id_seq: { type: 'integer', start: '1', increment: '1', min: '1', max: '2147483647', cache: '1', cycle: false, ownedBy: 'widgets.id' } },
  };
}

const messages = (expected: Snapshot, actual: Snapshot) => diffSnapshots(expected, actual).differences.map((d) => d.message);

describe('diffSnapshots', () => {
  it('finds nothing between equal snapshots', () => {
    expect(diffSnapshots(widgets(), widgets())).toEqual({ differences: [], notes: [] });
  });

  it('a column that is still there after down', () => {
    const after = widgets();
    after.tables.widgets = table([...Object.entries(after.tables.widgets.columns), ['stripe_customer_id', col('character varying(255)')]]);
    expect(diffSnapshots(widgets(), after).differences).toEqual([
      { kind: 'column', name: 'widgets.stripe_customer_id', change: 'extra', message: 'column widgets.stripe_customer_id still exists' },
    ]);
  });

  it('an index that is missing, and one left behind', () => {
    const after = widgets();
    after.indexes = { idx_widgets_kind: { table: 'widgets', definition: 'CREATE INDEX idx_widgets_kind ON public.widgets USING btree (kind)', valid: true } };
    expect(messages(widgets(), after)).toEqual(['index idx_widgets_kind on widgets still exists', 'index idx_widgets_name on widgets missing']);
  });

  it('an enum type left behind, and one whose values changed', () => {
    const before = { ...empty(), enums: { enum_users_status: ['active', 'banned'] } };
    const after = { ...empty(), enums: { enum_users_role: ['owner', 'member'], enum_users_status: ['active'] } };
    expect(messages(before, after)).toEqual([
      'enum type enum_users_role left behind',
      "enum type enum_users_status values now ('active'), was ('active', 'banned')",
    ]);
  });

  it('a foreign key restored with another ON DELETE action', () => {
    const before = { ...empty(), tables: { memberships: table([['user_id', col('integer')]], { fk_x: fk('CASCADE') }) } };
    const after = { ...empty(), tables: { memberships: table([['user_id', col('integer')]], { fk_x: fk('NO ACTION') }) } };
    expect(diffSnapshots(before, after).differences).toEqual([
      { kind: 'constraint', name: 'memberships.fk_x', change: 'changed', message: 'constraint fk_x on memberships now ON DELETE NO ACTION, was CASCADE' },
    ]);
  });

  it('a column whose type, nullability and default changed: one sentence each', () => {
    const after = widgets();
    after.tables.widgets.columns.name = col('character varying(255)', { default: "''::character varying" });
    expect(messages(widgets(), after)).toEqual([
      'column widgets.name type changed from text to character varying(255)',
      'column widgets.name now nullable, was NOT NULL',
      "column widgets.name default now ''::character varying, was none",
    ]);
  });

  it('a missing table is one difference: its columns, indexes and comments go with it', () => {
    const before = widgets();
    before.comments = { 'table widgets': { owner: 'table widgets', text: 'things' }, 'column widgets.name': { owner: 'table widgets', text: 'shown' } };
    before.triggers = { 'widgets.touch': { table: 'widgets', definition: 'CREATE TRIGGER touch …', enabled: 'O' } };
    const after = { ...empty(), sequences: before.sequences };
    expect(messages(before, after)).toEqual(['table widgets missing']);
  });

  it('a column that came back at the end of its table is a note, not a difference', () => {
    const after = widgets();
    const { id, name, kind } = after.tables.widgets.columns;
    after.tables.widgets = table([['id', id], ['kind', kind], ['name', name]]);
    const diff = diffSnapshots(widgets(), after);
    expect(diff.differences).toEqual([]);
    expect(diff.notes).toEqual([expect.objectContaining({ kind: 'column', name: 'widgets.name', change: 'moved' })]);
    expect(diff.notes[0].message).toMatch(/^column widgets\.name is now column 3 of 3, was 2/);
  });

  it('sequences, extensions, functions and comments say what changed', () => {
    const before = {
      ...widgets(),
      extensions: { pgcrypto: { version: '1.3', schema: 'public' } },
      routines: { 'touch()': { kind: 'function' as const, definition: 'CREATE FUNCTION touch()\n RETURNS trigger\nAS $$ new $$' } },
      comments: { 'table widgets': { owner: 'table widgets', text: 'things' } },
    };
    const after = {
      ...before,
      sequences: { widgets_id_seq: { ...before.sequences.widgets_id_seq, increment: '2' } },
      extensions: { pgcrypto: { version: '1.2', schema: 'public' } },
      routines: { 'touch()': { kind: 'function' as const, definition: 'CREATE FUNCTION touch()\n RETURNS void\nAS $$ new $$' } },
      comments: { 'table widgets': { owner: 'table widgets', text: 'gadgets' } },
    };
    expect(messages(before, after)).toEqual([
      'sequence widgets_id_seq increment now 2, was 1',
      'function touch() definition changed at line 2: now "RETURNS void", was "RETURNS trigger"',
      'extension pgcrypto version now 1.2, was 1.3',
      'comment on table widgets now "gadgets", was "things"',
    ]);
  });

  it('a view that became materialized, and a table that turned up', () => {
    const before = { ...empty(), views: { active: { materialized: false, definition: ' SELECT 1;' } } };
    const after = { ...widgets(), indexes: {}, sequences: {}, views: { active: { materialized: true, definition: ' SELECT 1;' } } };
    expect(messages(before, after)).toEqual(['table widgets still exists', 'view active is now materialized']);
  });
});

describe('keptInOrder', () => {
  it('keeps the longest run in common order', () => {
    expect([...keptInOrder(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])].sort()).toEqual(['a', 'c', 'd']);
    expect([...keptInOrder(['a', 'b'], ['a', 'b'])]).toEqual(['a', 'b']);
  });
});

describe('renderSnapshot', () => {
  it('is the same text whatever order the records were built in', () => {
    const a = widgets();
    const b = { ...widgets(), indexes: { ...widgets().indexes } };
    b.tables = { widgets: { ...b.tables.widgets, columns: Object.fromEntries(Object.entries(b.tables.widgets.columns).reverse()) } };
    expect(renderSnapshot(a)).toBe(renderSnapshot(b));
    expect(renderSnapshot(a)).toContain('table widgets\n  id integer not null default nextval');
    expect(renderSnapshot(a)).not.toMatch(/\d{4}-\d{2}-\d{2}/); // no dates
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts and shows hunks otherwise', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', { before: 'x', after: 'y' })).toBe('');
    const diff = unifiedDiff('a\nb\nc\nd\ne\nf\n', 'a\nb\nc\nD\ne\nf\n', { before: 'schema.txt', after: 'database' });
    expect(diff).toBe(['--- schema.txt', '+++ database', '@@ -2,5 +2,5 @@', ' b', ' c', '-d', '+D', ' e', ' f', ''].join('\n'));
  });
});

describe('diffRows', () => {
  it('names the rows a seed down left behind, and the ones it removed too many', () => {
    const before = { colours: { count: 1, keys: ['[1]'], digest: 'x' } };
    const after = { colours: { count: 2, keys: ['[11]', '[12]'], digest: 'y' } };
    expect(diffRows(before, after).differences.map((d) => d.message)).toEqual([
      'table colours: 2 rows left behind (keys [11], [12])',
      'table colours: missing 1 row that existed before up (keys [1])',
    ]);
  });

  it('compares contents unless told not to', () => {
    const before = { t: { count: 1, keys: ['[1]'], digest: 'x' } };
    const after = { t: { count: 1, keys: ['[1]'], digest: 'y' } };
    expect(diffRows(before, after).differences).toHaveLength(1);
    expect(diffRows(before, after, { contents: false }).differences).toEqual([]);
  });
});

/**
 * Compares two snapshots and says, in words a reader can act on, what differs: "column
 * users.stripe_customer_id still exists", "index idx_widgets_name on widgets missing", "constraint
 * fk_x on memberships now ON DELETE NO ACTION, was CASCADE". Pure: snapshots in, data out.
 *
 * `expected` is the reference (the schema before `up`, or the committed dump), `actual` what was
 * found. "missing" means expected but not found; "extra" found but not expected.
 */
import { columnChanges, constraintChanges, definitionChange, fieldChanges } from './changes';
import { objectKeys, type Routine, type Snapshot, type Table } from './types';

export type ObjectKind =
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'sequence'
  | 'enum type'
  | 'view'
  | 'materialized view'
  | 'function'
  | 'procedure'
  | 'aggregate'
  | 'window function'
  | 'trigger'
  | 'extension'
  | 'comment';

export type Change = 'missing' | 'extra' | 'changed' | 'moved';

export interface Difference {
  kind: ObjectKind;
  /** The object as a reader finds it: `users.email`, `idx_widgets_name`, `memberships.fk_x`. */
  name: string;
  change: Change;
  /** The whole sentence: "column users.email type changed from text to character varying(320)". */
  message: string;
}

export interface SnapshotDiff {
  /** What makes the schemas different. */
  differences: Difference[];
  /** Worth saying, not a difference: a column that came back at the end of its table. */
  notes: Difference[];
}

/** Extra tables and their parts "still exist"; extra standalone objects were "left behind". */
const STILL_EXISTS = new Set<ObjectKind>(['table', 'column', 'constraint', 'index', 'trigger', 'view', 'materialized view', 'function', 'procedure', 'aggregate', 'window function']);

interface Item {
  kind: ObjectKind;
  name: string;
  /** How the object is named in a sentence: "constraint fk_x on memberships". */
  label: string;
}

function sentence(item: Item, change: Change, detail?: string): Difference {
  const what =
    change === 'missing' ? 'missing' : change === 'extra' ? (STILL_EXISTS.has(item.kind) ? 'still exists' : 'left behind') : (detail ?? 'changed');
  return { kind: item.kind, name: item.name, change, message: `${item.label} ${what}` };
}

/**
 * Walks two records by key: a key on one side only is missing or extra, a key on both is passed
 * to `changes`, which returns one phrase per thing that differs.
 */
function compare<T>(
  out: Difference[],
  expected: Record<string, T>,
  actual: Record<string, T>,
  item: (key: string, value: T) => Item,
  changes: (expected: T, actual: T) => string[],
  skip: (key: string, value: T) => boolean = () => false,
): void {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  for (const key of keys) {
    const [e, a] = [expected[key], actual[key]];
    // The same object on both sides (a refreshed snapshot keeps what it did not read again).
    if (e === a) continue;
    if (skip(key, (e ?? a) as T)) continue;
    if (e === undefined) out.push(sentence(item(key, a), 'extra'));
    else if (a === undefined) out.push(sentence(item(key, e), 'missing'));
    else for (const detail of changes(e, a)) out.push(sentence(item(key, e), 'changed', detail));
  }
}

/** The longest common subsequence of two name lists: what kept its relative order. */
export function keptInOrder(before: string[], after: string[]): Set<string> {
  const rows = before.length + 1;
  const cols = after.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = before.length - 1; i >= 0; i--) {
    for (let j = after.length - 1; j >= 0; j--) {
      table[i * cols + j] = before[i] === after[j] ? table[(i + 1) * cols + j + 1] + 1 : Math.max(table[(i + 1) * cols + j], table[i * cols + j + 1]);
    }
  }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < before.length && j < after.length; ) {
    if (before[i] === after[j]) {
      kept.add(before[i]);
      i++;
      j++;
    } else if (table[(i + 1) * cols + j] >= table[i * cols + j + 1]) i++;
    else j++;
  }
  return kept;
}

/** Columns present on both sides whose place among the others changed. */
function movedColumns(name: string, expected: Table, actual: Table): Difference[] {
  const common = new Set(expected.columnOrder.filter((column) => column in actual.columns));
  const before = expected.columnOrder.filter((column) => common.has(column));
  const after = actual.columnOrder.filter((column) => common.has(column));
  const kept = keptInOrder(before, after);
  return after
    .filter((column) => !kept.has(column))
    .map((column) => ({
      kind: 'column' as const,
      name: `${name}.${column}`,
      change: 'moved' as const,
      message:
        `column ${name}.${column} is now column ${actual.columnOrder.indexOf(column) + 1} of ${actual.columnOrder.length}, ` +
        `was ${expected.columnOrder.indexOf(column) + 1}: a re-added column goes to the end of its table (PostgreSQL cannot put it back in place)`,
    }));
}

const routineItem = (key: string, routine: Routine): Item => ({ kind: routine.kind, name: key, label: `${routine.kind} ${key}` });

export function diffSnapshots(expected: Snapshot, actual: Snapshot): SnapshotDiff {
  const differences: Difference[] = [];
  const notes: Difference[] = [];

  compare(differences, expected.tables, actual.tables, (name) => ({ kind: 'table', name, label: `table ${name}` }), () => []);
  for (const name of Object.keys(expected.tables).filter((table) => table in actual.tables)) {
    const [e, a] = [expected.tables[name], actual.tables[name]];
    if (e === a) continue;
    differences.push(...fieldChanges({ partitionKey: e.partitionKey }, { partitionKey: a.partitionKey }).map((detail) => sentence({ kind: 'table', name, label: `table ${name}` }, 'changed', detail)));
    compare(differences, e.columns, a.columns, (column) => ({ kind: 'column', name: `${name}.${column}`, label: `column ${name}.${column}` }), columnChanges);
    compare(
      differences,
      e.constraints,
      a.constraints,
      (constraint) => ({ kind: 'constraint', name: `${name}.${constraint}`, label: `constraint ${constraint} on ${name}` }),
      constraintChanges,
    );
    notes.push(...movedColumns(name, e, a));
  }

  // An index, trigger or comment goes with its table: only the table is reported then.
  const relations = (snapshot: Snapshot) => new Set([...Object.keys(snapshot.tables), ...Object.keys(snapshot.views)]);
  const [expectedRelations, actualRelations] = [relations(expected), relations(actual)];
  const onOneSideOnly = (relation: string) => expectedRelations.has(relation) !== actualRelations.has(relation);

  compare(
    differences,
    expected.indexes,
    actual.indexes,
    (name, index) => ({ kind: 'index', name, label: `index ${name} on ${index.table}` }),
    (e, a) => [...(e.valid && !a.valid ? ['is invalid (a failed CREATE INDEX CONCURRENTLY?)'] : []), ...definitionChange(e.definition, a.definition)],
    (_, index) => onOneSideOnly(index.table),
  );
  compare(differences, expected.sequences, actual.sequences, (name) => ({ kind: 'sequence', name, label: `sequence ${name}` }), fieldChanges);
  compare(differences, expected.enums, actual.enums, (name) => ({ kind: 'enum type', name, label: `enum type ${name}` }), (e, a) => {
    const list = (labels: string[]) => `(${labels.map((label) => `'${label}'`).join(', ')})`;
    return list(e) === list(a) ? [] : [`values now ${list(a)}, was ${list(e)}`];
  });
  compare(
    differences,
    expected.views,
    actual.views,
    (name, view) => ({ kind: view.materialized ? 'materialized view' : 'view', name, label: `${view.materialized ? 'materialized view' : 'view'} ${name}` }),
    (e, a) => (e.materialized !== a.materialized ? [`is now ${a.materialized ? 'materialized' : 'a plain view'}`] : definitionChange(e.definition, a.definition)),
  );
  compare(differences, expected.routines, actual.routines, routineItem, (e, a) =>
    e.kind !== a.kind ? [`is now a ${a.kind}, was a ${e.kind}`] : definitionChange(e.definition, a.definition),
  );
  compare(
    differences,
    expected.triggers,
    actual.triggers,
    (key, trigger) => ({ kind: 'trigger', name: key, label: `trigger ${key.slice(trigger.table.length + 1)} on ${trigger.table}` }),
    (e, a) => [...definitionChange(e.definition, a.definition), ...fieldChanges({ enabled: e.enabled }, { enabled: a.enabled })],
    (_, trigger) => onOneSideOnly(trigger.table),
  );
  compare(differences, expected.extensions, actual.extensions, (name) => ({ kind: 'extension', name, label: `extension ${name}` }), fieldChanges);

  const [expectedObjects, actualObjects] = [objectKeys(expected), objectKeys(actual)];
  compare(
    differences,
    expected.comments,
    actual.comments,
    (target) => ({ kind: 'comment', name: target, label: `comment on ${target}` }),
    (e, a) => (e.text === a.text ? [] : [`now ${JSON.stringify(a.text)}, was ${JSON.stringify(e.text)}`]),
    (_, comment) => expectedObjects.has(comment.owner) !== actualObjects.has(comment.owner),
  );
  return { differences, notes };
}

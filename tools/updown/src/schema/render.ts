/**
 * The schema file written by `updown db dump`: one section per kind of object, every list sorted,
 * nothing that changes between two runs on the same schema (no oids, no timestamps, no server
 * version), and the same on every supported PostgreSQL major but for what the README lists (test:
 * verify-dump-every-kind). Made for review: a migration's diff shows in it line by line.
 */
import type { Column, Snapshot, Table } from './types';

export const DUMP_HEADER = [
  '-- Schema as migrated, written by `updown db dump`. Do not edit: run the migrations, then dump again.',
  '-- `updown db dump --check` fails when the migrated database and this file differ.',
];

/** Quoted only when SQL would need it, as pg_get_*def() do. */
const ident = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

function columnLine(name: string, column: Column): string {
  const parts = [`  ${ident(name)} ${column.type}`];
  if (column.collation) parts.push(`collate ${column.collation}`);
  if (!column.nullable) parts.push('not null');
  if (column.default !== undefined) parts.push(`default ${column.default}`);
  if (column.identity) parts.push(`generated ${column.identity} as identity`);
  if (column.generated !== undefined) parts.push(`generated always as (${column.generated}) ${column.virtual ? 'virtual' : 'stored'}`);
  return parts.join(' ');
}

function tableLines(name: string, table: Table): string[] {
  const lines = [`table ${name}${table.partitionKey ? ` partition by ${table.partitionKey}` : ''}`];
  // Columns in their real order: it is what SELECT * returns.
  for (const column of table.columnOrder) lines.push(columnLine(column, table.columns[column]));
  for (const [constraint, value] of Object.entries(table.constraints)) lines.push(`  constraint ${constraint} ${value.definition}`);
  return lines;
}

/** A multi-line definition, indented under its heading. */
const block = (heading: string, definition: string): string[] => [heading, ...definition.trim().split('\n').map((line) => `    ${line.trimEnd()}`)];

function section(title: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : ['', `-- ${title}`, ...lines];
}

export function renderSnapshot(snapshot: Snapshot): string {
  const { tables, indexes, sequences, enums, views, routines, triggers, extensions, comments } = snapshot;
  const lines = [
    ...DUMP_HEADER,
    `-- schema ${snapshot.schema}`,
    ...section(
      'extensions',
      // The version only when it is not the one this server installs by default: the same migrations
      // then dump the same on every PostgreSQL major (pgcrypto is 1.3 up to 17, 1.4 on 18).
      Object.entries(extensions).map(
        ([name, ext]) => `extension ${name}${ext.version === ext.defaultVersion ? '' : ` ${ext.version}`} in schema ${ext.schema}`,
      ),
    ),
    ...section(
      'enum types',
      Object.entries(enums).map(([name, labels]) => `enum ${name} (${labels.map((label) => `'${label.replace(/'/g, "''")}'`).join(', ')})`),
    ),
    ...section(
      'sequences',
      Object.entries(sequences).map(
        ([name, s]) =>
          `sequence ${name} as ${s.type} start ${s.start} increment ${s.increment} min ${s.min} max ${s.max} cache ${s.cache}` +
          `${s.cycle ? ' cycle' : ''}${s.ownedBy ? ` owned by ${s.ownedBy}` : ''}`,
      ),
    ),
    ...section('tables', Object.entries(tables).flatMap(([name, table], i) => [...(i > 0 ? [''] : []), ...tableLines(name, table)])),
    ...section(
      'indexes',
      Object.entries(indexes).map(([, index]) => `${index.definition}${index.valid ? '' : ' -- INVALID'}`),
    ),
    ...section(
      'views',
      Object.entries(views).flatMap(([name, view]) => block(`${view.materialized ? 'materialized view' : 'view'} ${name} as`, view.definition)),
    ),
    ...section(
      'functions and procedures',
      Object.entries(routines).flatMap(([signature, routine]) => block(`${routine.kind} ${signature}`, routine.definition)),
    ),
    ...section(
      'triggers',
      Object.values(triggers).map((trigger) => `${trigger.definition}${trigger.enabled === 'O' ? '' : ` -- enabled: ${trigger.enabled}`}`),
    ),
    ...section(
      'comments',
      Object.entries(comments).map(([target, comment]) => `comment on ${target} is ${JSON.stringify(comment.text)}`),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

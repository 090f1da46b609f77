import path from 'node:path';
import type { Command } from 'commander';
import { adoptReport, type AdoptReport, type StreamReport } from '../../adopt/report';
import { action, type CliState, withCommonOptions, type GlobalFlags } from '../common';
import { EXIT } from '../exit-codes';
import type { Io } from '../output';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function trackingText(stream: StreamReport): string {
  if (!stream.tracking) return 'not tracked';
  const { schema, table, exists, rows } = stream.tracking;
  const state = exists === undefined ? 'not checked' : exists ? `exists, ${plural(rows ?? 0, 'row')}` : 'does not exist yet';
  return `tracked in "${schema}"."${table}" (${state})`;
}

function streamLine(stream: StreamReport): string {
  const files = stream.exists ? plural(stream.files.length, 'file') : 'folder does not exist';
  return `${stream.kind.padEnd(10)} ${stream.dir}: ${files}, format ${stream.layout.format}, ${trackingText(stream)}`;
}

/** Paths inside the project, shown from its folder (the first line names it). */
function shorten(root: string): (line: string) => string {
  const prefix = `${root}${path.sep}`;
  return (line) => line.split(prefix).join('');
}

/** The report for people: what was found, what updown will do, the equivalent config. */
export function adoptLines(report: AdoptReport): string[] {
  const titles: Record<string, string> = {
    'sequelize-cli': 'sequelize-cli project',
    updown: 'updown project',
    'drizzle-kit': 'drizzle-kit project',
    'numbered-sql': 'numbered SQL folder in',
    'sql-pairs': 'SQL up/down pairs in',
    'sql-sections': 'SQL files with migrate:up/down sections in',
  };
  const title = titles[report.layout] ?? 'folder';
  const environments = report.environments.length ? `; the config has ${report.environments.join(', ')}` : '';
  return [
    `${title} ${report.root} (environment ${report.environment}${environments})`,
    ...body(report).map(shorten(report.root)),
  ];
}

function body(report: AdoptReport): string[] {
  return [
    ...report.read.map((file) => `${'read'.padEnd(10)} ${file}`),
    ...report.streams.map(streamLine),
    `${'database'.padEnd(10)} ${report.database.url ? `${report.database.url} (from ${report.database.source})` : 'none named'}`,
    ...[report.database.note, ...report.notes].filter(Boolean).map((note) => `${'note'.padEnd(10)} ${note}`),
    '',
    'updown will:',
    ...report.plan.map((line) => `  - ${line}`),
    ...(report.configText ? ['', 'the equivalent updown.config.ts:', '', ...report.configText.trimEnd().split('\n').map((line) => `  ${line}`)] : []),
  ];
}

/** `updown adopt`: reads the project where it stands (sequelize-cli or updown's own) and says what it found. */
export function adoptCommand(parent: Command, io: Io, state: CliState): void {
  withCommonOptions(parent.command('adopt').description('show what updown reads from this project (e.g. a sequelize-cli one) and what it will do; writes nothing'))
    .action(
      action<GlobalFlags>(io, state, async (flags, printer) => {
        const report = await adoptReport(flags);
        if (printer.json) io.stdout(`${JSON.stringify(report)}\n`);
        else io.stdout(`${adoptLines(report).join('\n')}\n`);
        return EXIT.ok;
      }),
    );
}

/**
 * The observers of one run, one per file as the stream starts it (RunOptions.observe), and what
 * they found once the run is over: findings with their acknowledgements and table sizes, and a
 * finding of its own for a file that failed for a reason no rule explains.
 */
import { MigrationFailedError, pgDetails } from '../errors';
import { sameName } from '../plan';
import type { LintConfig, MigrationModule, RunOptions, StreamLayout } from '../types';
import { FileObserver, type ObserverSettings } from './observer';
import { FILE_FAILED } from './rules';
import { acknowledgements } from './settings';
import { sizeOf } from './target';
import type { LintedFile, LintFinding, TableSize } from './types';

export class Collector {
  private readonly observers = new Map<string, FileObserver>();
  private readonly allowed = new Map<string, Map<string, string>>();

  constructor(
    private readonly settings: ObserverSettings,
    private readonly layout: StreamLayout | undefined,
    private readonly config: LintConfig | undefined,
  ) {}

  /** For RunOptions.observe: a new observer for each file the stream starts. */
  readonly observe: NonNullable<RunOptions['observe']> = (file, module, direction) => {
    if (direction !== 'up') return undefined;
    this.allowed.set(file.name, acknowledgements(file, module, this.config));
    const listed = (this.layout?.noTransaction ?? []).some((name) => sameName(file.name, name));
    const observer = new FileObserver(file, module.transaction === false || (this.layout?.format !== 'updown' && listed), this.settings);
    this.observers.set(file.name, observer);
    return observer.observe;
  };

  /** Checks a file's acknowledgements before anything runs (a bad `allow` refuses the run). */
  acknowledge(file: { name: string; path: string }, module: MigrationModule): void {
    this.allowed.set(file.name, acknowledgements(file, module, this.config));
  }

  /** `withSql`: each file's statements as sent, too. */
  files(withSql = false): LintedFile[] {
    return [...this.observers.values()].map((observer) => ({
      name: observer.file.name,
      statements: observer.statements,
      observed: observer.observed,
      outsideTransaction: observer.outside,
      ...(withSql ? { sql: observer.sent } : {}),
    }));
  }

  /** The findings of one file so far, acknowledged where the file (or the config) says so. */
  findingsOf(name: string, sizes?: Map<string, TableSize>): LintFinding[] {
    this.settings.later?.run();
    const observer = this.observers.get(name);
    if (!observer) return [];
    const allowed = this.allowed.get(name) ?? new Map<string, string>();
    return observer.findings.map((finding) => ({
      ...finding,
      ...(finding.table && sizes ? { table: sizeOf(sizes, finding.table.name) } : {}),
      ...(allowed.has(finding.rule) ? { acknowledged: allowed.get(finding.rule) } : {}),
    }));
  }

  /** Every finding in run order, plus one for the file whose failure no rule explains. */
  findings(failure: unknown, sizes?: Map<string, TableSize>): LintFinding[] {
    const all = [...this.observers.keys()].flatMap((name) => this.findingsOf(name, sizes));
    if (!(failure instanceof MigrationFailedError)) return all;
    const observer = this.observers.get(failure.migration);
    if (observer?.failure?.explained) return all;
    const pg = failure.pg.code ? failure.pg : pgDetails(failure.cause);
    const statement = pg.sql ?? observer?.failure?.statement?.text;
    all.push({
      file: failure.migration,
      path: failure.file,
      rule: FILE_FAILED,
      message: `it failed while lint ran it, so it could not be checked: ${failure.cause instanceof Error ? failure.cause.message : String(failure.cause)}`,
      ...(statement ? { statement: statement.trim() } : {}),
      ...(pg.position && statement ? { position: pg.position } : {}),
      recipe: ['Make the file run on a copy of the target (`updown migrate verify` shows the same failure), then lint it again.'],
    });
    return all;
  }
}

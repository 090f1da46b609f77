/**
 * One file under observation: each statement it sends is parsed, the catalogs are read around the
 * ones that can lock or rewrite (plan.ts, evidence.ts), and every rule is asked about it. Used on
 * the scratch database by `migrate lint`, and in place by `migrate up` in warn mode.
 */
import { pgDetails } from '../errors';
import type { StatementAfter, StatementObserver } from '../watch';
import { compare, emptyLike, readSnapshot, type ObservedLock, type Snapshot, type StatementEvidence } from './evidence';
import { expectedLock } from './locks';
import { parseStatements, positionIn, type ParsedStatement } from './parse';
import { namedRelations, onlyTableOf, prefilter, probeScope } from './plan';
import { RULES } from './rules';
import type { Hit, Rule, RuleContext } from './rules/types';
import type { LintFinding } from './types';

export interface ObserverSettings {
  /** server_version_num; read from the first observed statement when not known. */
  pgVersion?: number;
  /** The run's lock_timeout for every file, in ms. */
  runLockTimeoutMs: number;
  /**
   * `up` in warn mode: tables created by earlier files of this run count as new (they are new
   * wherever the same files run together). Lint on a scratch database reports them (`--all`
   * lints a whole history, whose files ran in many runs).
   */
  runCreated?: Set<string>;
  /** `up` in warn mode: checks that need no evidence run here, while the run waits for the server. */
  later?: LaterChecks;
}

/**
 * Rule checks taken off a statement's path: queued when it settles, and run while the server works
 * on what the run sends next. In order: anything that checks a statement itself, or reads what an
 * observer found, runs the queue first.
 */
export class LaterChecks {
  private readonly queue: (() => void)[] = [];
  private scheduled = false;

  add(check: () => void): void {
    this.queue.push(check);
    if (this.scheduled) return;
    this.scheduled = true;
    // Two turns of the event loop: in the first, the migration sends its next statement, or the
    // executor its COMMIT (after watch.ts's one-turn settle); these checks then overlap it.
    setImmediate(() => setImmediate(() => this.run()));
  }

  run(): void {
    this.scheduled = false;
    for (let check = this.queue.shift(); check; check = this.queue.shift()) {
      try {
        check();
      } catch {
        // As a check after a statement (watch.ts): an observer never changes the run's outcome.
      }
    }
  }
}

/** The last part of a qualified name: tables are compared by name within the run's schema. */
const base = (name: string) => name.split('.').pop()!.replace(/"/g, '');

/** What a statement creates, so that later statements of the same file treat it as new. */
function createdBy(statement: ParsedStatement): string[] {
  const { kind, node } = statement;
  if (kind === 'CreateStmt') return [node.relation?.relname];
  if (kind === 'IndexStmt' && node.idxname) return [node.idxname];
  if (kind === 'CreateTableAsStmt') return [node.into?.rel?.relname];
  if (kind === 'ViewStmt') return [node.view?.relname];
  return [];
}

/** The lock each statement is documented to take, as evidence that was not read from pg_locks. */
function documentedLocks(parsed: ParsedStatement[]): ObservedLock[] {
  return parsed.flatMap((statement) => {
    const lock = expectedLock(statement);
    return lock ? [{ relation: { oid: 0, schema: '', name: base(lock.table), kind: 'r' }, mode: lock.mode, documented: true }] : [];
  });
}

export class FileObserver {
  readonly findings: LintFinding[] = [];
  statements = 0;
  observed = 0;
  /** Every statement the file sent, as sent (for `keepSql`: the squawk comparison). */
  readonly sent: string[] = [];
  /** The file failed with this error (after the findings its failure explains, if any). */
  failure?: { error: unknown; explained: boolean; statement?: ParsedStatement };
  private readonly created = new Set<string>();
  private readonly earlier: ParsedStatement[] = [];
  private readonly seen = new Set<string>();
  /** The relation locks the file held after its last observed statement (a transaction only gains locks). */
  private held = new Map<number, Set<string>>();

  constructor(
    readonly file: { name: string; path: string },
    /** The file runs outside a transaction (`transaction = false`, or retried so after 25001). */
    public outside: boolean,
    private readonly settings: ObserverSettings,
  ) {}

  get pgVersion(): number {
    return this.settings.pgVersion ?? 0;
  }

  readonly observe: StatementObserver = (sql, _bind, query) => {
    this.statements += 1;
    this.sent.push(sql);
    const quick = prefilter(sql);
    if (quick && 'skip' in quick) return undefined;
    if (quick) return async (error?: unknown) => void (error === undefined && this.create(quick.created));
    const later = this.checkLater(sql);
    if (later) return later;
    // The statements queued before this one are checked before it.
    this.settings.later?.run();
    const parsed = parseStatements(sql);
    if (!parsed || parsed.length === 0) return undefined;
    const scope = this.onlyNew(parsed) ? undefined : probeScope(parsed);
    if (scope) this.observed += 1;
    const after = (before: Snapshot | undefined) => async (error?: unknown) => {
      this.settings.later?.run();
      if (error !== undefined) return this.failed(parsed, error, before ? compare(before, before) : undefined);
      let evidence: StatementEvidence | undefined;
      if (scope) {
        const seen = await readSnapshot(query, scope, true);
        this.settings.pgVersion ??= seen.pgVersion;
        evidence = compare(before ?? emptyLike(seen), seen, this.held);
        if (scope.settingsOnly) evidence.locks = documentedLocks(parsed);
        // Outside a transaction every statement commits and releases its locks.
        else this.held = this.outside ? new Map() : seen.locks;
      }
      this.checkAll(parsed, evidence);
    };
    // Read first only what a statement can change (relfilenodes); the rest is read after it.
    if (!scope || scope.afterOnly || scope.settingsOnly) return after(undefined);
    return readSnapshot(query, scope, false).then((before) => {
      this.settings.pgVersion ??= before.pgVersion;
      return after(before);
    });
  };

  /**
   * A column or index added to a table this run made: no evidence is read for it (onlyNew), so it is
   * parsed and checked once it has been sent, off the run's path. A failure is explained at once.
   */
  private checkLater(sql: string): StatementAfter | undefined {
    const { later } = this.settings;
    const table = later && onlyTableOf(sql);
    if (!table || !this.isNew(table)) return undefined;
    return async (error?: unknown) => {
      if (error === undefined) return later.add(() => this.checkAll(parseStatements(sql) ?? [], undefined));
      later.run();
      const parsed = parseStatements(sql);
      if (parsed?.length) this.failed(parsed, error, undefined);
    };
  }

  private checkAll(parsed: ParsedStatement[], evidence: StatementEvidence | undefined): void {
    for (const statement of parsed) this.check(statement, evidence);
  }

  private isNew(name: string): boolean {
    const key = base(name);
    return this.created.has(key) || this.settings.runCreated?.has(key) === true;
  }

  /**
   * Every relation the statements name was made by this file (or, in `up`, by this run): no rule
   * about an existing table can fire, so there is no evidence worth reading (most of what warn mode
   * cost in a run that builds its tables).
   */
  private onlyNew(parsed: ParsedStatement[]): boolean {
    const named = parsed.map((statement) => (statement.kind === 'DoStmt' || statement.kind === 'SelectStmt' ? undefined : namedRelations(statement)));
    if (named.some((names) => names === undefined || names.length === 0)) return false;
    return named.flat().every((name) => this.isNew(name!));
  }

  private create(name: string): void {
    this.created.add(name);
    this.settings.runCreated?.add(name);
  }

  private context(evidence: StatementEvidence | undefined, alreadyFound: Set<string>): RuleContext {
    return {
      pgVersion: this.pgVersion,
      inTransaction: !this.outside,
      existing: (name) => {
        const key = base(name);
        if (this.created.has(key) || this.settings.runCreated?.has(key)) return false;
        return evidence && evidence.scoped.has(key) ? evidence.existed.has(key) : true;
      },
      evidence,
      earlier: this.earlier,
      runLockTimeoutMs: this.settings.runLockTimeoutMs,
      alreadyFound,
    };
  }

  private check(statement: ParsedStatement, evidence: StatementEvidence | undefined): void {
    const found = new Set<string>();
    const context = this.context(evidence, found);
    for (const rule of RULES) {
      const hits = rule.check?.(statement, context) ?? [];
      if (hits.length) found.add(rule.id);
      for (const hit of hits) this.add(rule, statement, hit, evidence);
    }
    this.earlier.push(statement);
    for (const name of createdBy(statement)) if (name) this.create(name);
    if (statement.kind === 'RenameStmt' && this.created.has(base(statement.node.relation?.relname ?? ''))) this.create(statement.node.newname);
  }

  private failed(parsed: ParsedStatement[], error: unknown, evidence: StatementEvidence | undefined): void {
    const pg = pgDetails(error);
    const detail = { code: pg.code, message: error instanceof Error ? error.message : String(error) };
    let explained = false;
    for (const statement of parsed) {
      const context = this.context(evidence, new Set());
      for (const rule of RULES) {
        for (const hit of rule.onError?.(statement, detail, context) ?? []) {
          explained = true;
          this.add(rule, statement, hit, evidence);
        }
      }
    }
    this.failure ??= { error, explained, statement: parsed[0] };
    // A sequelize-cli or Umzug file is run again outside a transaction after 25001 (executor.ts).
    if (pg.code === '25001') this.outside = true;
  }

  private add(rule: Rule, statement: ParsedStatement, hit: Hit, evidence: StatementEvidence | undefined): void {
    const key = `${rule.id}\0${statement.text}\0${hit.message}`;
    if (this.seen.has(key)) return; // a file retried after a lock timeout sends its statements again
    this.seen.add(key);
    const table = hit.table ? base(hit.table) : undefined;
    const observedLock = Boolean(hit.lock && evidence?.locks.some((lock) => !lock.documented && lock.mode === hit.lock && (!table || lock.relation.name === table)));
    const rewritten = evidence?.rewritten.map((relation) => relation.name) ?? [];
    this.findings.push({
      file: this.file.name,
      path: this.file.path,
      rule: rule.id,
      message: hit.message,
      statement: statement.text,
      ...(positionIn(statement, hit.location) ? { position: positionIn(statement, hit.location) } : {}),
      ...(hit.lock ? { lock: { mode: hit.lock, ...(table ? { table } : {}), observed: observedLock } } : {}),
      ...(rewritten.length ? { rewritten } : {}),
      ...(table ? { table: { name: table, onTarget: true } } : {}),
      recipe: rule.recipe(this.pgVersion),
    });
  }
}

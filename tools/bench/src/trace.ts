/**
 * `node tools/bench/bench.js --trace migrate up --dir … --url …`: runs the updown CLI in this
 * process with every statement pg sends counted and timed (client-side, from send to result), to
 * see where a command's time goes. Prints one JSON document (TraceResult) on stdout.
 */
import pg from 'pg';

export interface TraceResult {
  /** Process start until the engine is loaded (Node, the TypeScript hook, commander, Sequelize, pg). */
  loadedAtMs: number;
  /** main() from call to return. */
  mainMs: number;
  /** From main() start to the first statement (options, file listing and checksums, connecting). */
  beforeFirstQueryMs: number;
  queryCount: number;
  /** Sum of the statements' round trips (they run one after the other). */
  queryMs: number;
  byKind: { kind: string; count: number; ms: number }[];
  /** Pauses of more than 20 ms between one statement's result and the next statement. */
  gaps: { ms: number; after: string; before: string }[];
}

/** The statement with names and literals folded, so the N migrations' statements group together. */
function kindOf(sql: string): string {
  return sql
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/bench_\d+(_email_idx)?/g, 'bench_N$1')
    .replace(/note_\d+/g, 'note_N')
    .replace(/'[^']*'/g, "'…'")
    .slice(0, 70);
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

export async function trace(argv: string[]): Promise<TraceResult> {
  const kinds = new Map<string, { count: number; ms: number }>();
  const gaps: TraceResult['gaps'] = [];
  let firstQueryAt: number | undefined;
  let lastEnd: { at: number; kind: string } | undefined;
  const note = (kind: string, started: number) => {
    const ended = now();
    const entry = kinds.get(kind) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += ended - started;
    kinds.set(kind, entry);
    lastEnd = { at: ended, kind };
  };
  type Query = (...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
    if (text === undefined) return original.apply(this, args);
    const kind = kindOf(text);
    const started = now();
    firstQueryAt ??= started;
    if (lastEnd && started - lastEnd.at > 20) gaps.push({ ms: started - lastEnd.at, after: lastEnd.kind, before: kind });
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (...result: unknown[]) => void;
      args[last] = (...result: unknown[]) => {
        note(kind, started);
        callback(...result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args) as Promise<unknown>;
    result.then(() => note(kind, started), () => note(kind, started));
    return result;
  };

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require('../../updown/src/cli/index') as typeof import('../../updown/src/cli/index');
  const loadedAtMs = process.uptime() * 1000;
  const quiet = { stdout: () => true, stderr: (text: string) => process.stderr.write(text) };
  const started = now();
  const code = await main(argv, quiet);
  const mainMs = now() - started;
  if (code !== 0) throw new Error(`updown ${argv.join(' ')} exited ${code}`);
  const byKind = [...kinds.entries()].map(([kind, entry]) => ({ kind, ...entry })).sort((a, b) => b.ms - a.ms);
  return {
    loadedAtMs,
    mainMs,
    beforeFirstQueryMs: (firstQueryAt ?? started) - started,
    queryCount: byKind.reduce((sum, entry) => sum + entry.count, 0),
    queryMs: byKind.reduce((sum, entry) => sum + entry.ms, 0),
    byKind,
    gaps: gaps.sort((a, b) => b.ms - a.ms).slice(0, 5),
  };
}

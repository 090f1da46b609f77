/**
 * How a verification reads: one block per file as it is verified, a summary, and the `--json`
 * document. Pure: the CLI writes what these return.
 */
import pc from 'picocolors';
import type { ScratchInfo } from './scratch';
import type { Verdict, VerdictError, VerifyResult } from './types';

const ms = (durationMs: number) => (durationMs < 10_000 ? `${durationMs} ms` : `${(durationMs / 1000).toFixed(1)} s`);

function errorLine(error: VerdictError): string {
  const code = error.code ? ` [${error.code}]` : '';
  const what = { up: 'up failed', down: 'down failed', 'up again': 'up failed when run again after down (down left something behind)' }[error.phase];
  return `${what}${code}: ${error.message}${error.detail ? ` (${error.detail})` : ''}`;
}

export function scratchLine(scratch: ScratchInfo, noun: string): string {
  return pc.dim(`verifying ${noun} on ${scratch.description}`);
}

/** The lines for one file: its state, then what differs, then notes. */
export function verdictLines(verdict: Verdict): string[] {
  const took = pc.dim(`(${ms(verdict.durationMs)})`);
  if (verdict.skipped) return [`${pc.yellow('skipped'.padEnd(14))} ${verdict.name}: ${verdict.skipped}`];
  if (verdict.irreversible) return [`${pc.red('irreversible'.padEnd(14))} ${verdict.name}: ${verdict.error?.message ?? 'has no down()'}`];
  const head = verdict.reversible ? `${pc.green('reversible'.padEnd(14))} ${verdict.name} ${took}` : `${pc.red('NOT reversible'.padEnd(14))} ${verdict.name} ${took}`;
  const error = verdict.error ? [`    ${pc.red(errorLine(verdict.error))}`] : [];
  // In the order things happened: a failed `up again` comes after what `down` left.
  const [first, last] = verdict.error?.phase === 'up again' ? [[], error] : [error, []];
  return [
    head,
    ...first,
    ...verdict.differences.map((finding) => `    ${finding.message}`),
    ...last,
    ...verdict.notes.map((note) => `    ${pc.dim(`note: ${note.message}`)}`),
  ];
}

export function summaryLines(result: VerifyResult, noun: string): string[] {
  const lines: string[] = [];
  if (result.notVerified.length > 0) {
    lines.push(pc.yellow(`not verified (an earlier ${noun} could not be applied): ${result.notVerified.join(', ')}`));
  }
  const verified = result.verdicts.filter((verdict) => !verdict.skipped);
  const bad = verified.filter((verdict) => !verdict.reversible).length;
  const took = pc.dim(`in ${ms(result.durationMs)}`);
  if (result.errors.length > 0) return lines;
  if (result.verdicts.length === 0) return [`nothing to verify: no pending ${noun} (--all verifies every one from an empty database) ${took}`];
  const plural = (n: number) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  lines.push(
    bad === 0
      ? `${pc.green(`${plural(verified.length)} verified: every down reverses its up`)} ${took}`
      : `${pc.red(`${bad} of ${plural(verified.length)} not reversible`)} ${took}`,
  );
  return lines;
}

/** The `--json` document: fields may be added, never renamed. */
export function verifyJson(result: VerifyResult, key: 'migrations' | 'seeds', errorJson: (error: Error) => Record<string, unknown>): Record<string, unknown> {
  const strip = ({ phase, kind, name, change, message }: Verdict['differences'][number]) => ({ phase, kind, name, change, message });
  return {
    ok: result.success,
    ...(result.scratch ? { scratch: { method: result.scratch.method, database: result.scratch.database, description: result.scratch.description } } : {}),
    [key]: result.verdicts.map((verdict) => ({
      name: verdict.name,
      reversible: verdict.reversible,
      ...(verdict.irreversible ? { irreversible: true } : {}),
      ...(verdict.skipped ? { skipped: verdict.skipped } : {}),
      differences: verdict.differences.map(strip),
      notes: verdict.notes.map(strip),
      ...(verdict.error ? { error: verdict.error } : {}),
      durationMs: verdict.durationMs,
    })),
    notVerified: result.notVerified,
    durationMs: result.durationMs,
    ...(result.errors[0] ? { error: errorJson(result.errors[0]) } : {}),
  };
}

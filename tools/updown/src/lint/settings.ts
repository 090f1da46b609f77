/**
 * What lint is told: `lint` in updown.config.ts (mode, acknowledgements for files that must not
 * be edited) and each file's `export const lint = { allow: { rule: 'reason' } }`. Everything is
 * checked: an unknown rule, an allow without a reason or a bad mode refuses (exit 2) naming it.
 */
import { InvalidMigrationError, UsageError } from '../errors';
import type { LintConfig, LintMode, MigrationModule } from '../types';
import { FILE_FAILED, RULE_IDS } from './rules';

export const LINT_MODES: readonly LintMode[] = ['error', 'warn', 'off'];

function ruleList(): string {
  return [...RULE_IDS].join(', ');
}

/** A problem with one `allow` map, or undefined. */
function allowProblem(allow: unknown): string | undefined {
  if (typeof allow !== 'object' || allow === null || Array.isArray(allow)) return "must be an object like { 'index-not-concurrent': 'the reason' }";
  for (const [rule, reason] of Object.entries(allow)) {
    if (rule === FILE_FAILED) return `cannot acknowledge ${FILE_FAILED}: a file that fails cannot be checked; fix it`;
    if (!RULE_IDS.has(rule)) return `names an unknown rule '${rule}' (rules: ${ruleList()})`;
    if (typeof reason !== 'string' || reason.trim().length === 0) return `acknowledges '${rule}' without a reason: say why it is safe here, e.g. { '${rule}': 'the table is empty in every environment' }`;
  }
  return undefined;
}

/** updown.config.ts `lint`, checked when the config loads. */
export function checkLintConfig(value: unknown, where: string): LintConfig | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new UsageError(`${where}.lint must be an object like { mode: 'warn' }`);
  const { mode, allow, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra) throw new UsageError(`${where}.lint.${extra} is not a lint setting: use mode, allow`);
  if (mode !== undefined && !LINT_MODES.includes(mode as LintMode)) {
    throw new UsageError(`${where}.lint.mode ${JSON.stringify(mode)} is not a lint mode: use one of ${LINT_MODES.join(', ')}`);
  }
  if (allow !== undefined) {
    if (typeof allow !== 'object' || allow === null) throw new UsageError(`${where}.lint.allow must map file names to { rule: 'reason' }`);
    for (const [file, rules] of Object.entries(allow)) {
      const problem = allowProblem(rules);
      if (problem) throw new UsageError(`${where}.lint.allow['${file}'] ${problem}`);
    }
  }
  return value as LintConfig;
}

/** The file's acknowledgements merged with the config's for it: rule → reason. Refuses a bad `allow`. */
export function acknowledgements(file: { name: string; path: string }, module: MigrationModule, config: LintConfig | undefined): Map<string, string> {
  const own = module.lint;
  if (own !== undefined) {
    if (typeof own !== 'object' || own === null) throw new InvalidMigrationError(file.name, file.path, "`lint` must be an object like { allow: { 'index-not-concurrent': 'the reason' } }");
    const extra = Object.keys(own).find((key) => key !== 'allow');
    if (extra) throw new InvalidMigrationError(file.name, file.path, `lint.${extra} is not a lint setting: use allow`);
    const problem = own.allow === undefined ? undefined : allowProblem(own.allow);
    if (problem) throw new InvalidMigrationError(file.name, file.path, `lint.allow ${problem}`);
  }
  return new Map(Object.entries({ ...(config?.allow?.[file.name] ?? {}), ...(own?.allow ?? {}) }));
}

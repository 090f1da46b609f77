/** Every rule, in the order they are checked (table-rewrite last: it reports only what the others did not explain). */
import { columnTypeChange } from './column-type-change';
import { concurrentlyInTransaction } from './concurrently-in-transaction';
import { constraintNotValid } from './constraint-not-valid';
import { drop } from './drop';
import { enumValueInTransaction } from './enum-value-in-transaction';
import { exclusionConstraint } from './exclusion-constraint';
import { generatedColumn } from './generated-column';
import { indexNotConcurrent } from './index-not-concurrent';
import { jsonColumn } from './json-column';
import { lockTimeout } from './lock-timeout';
import { notNullWithoutDefault } from './not-null-without-default';
import { primaryKey } from './primary-key';
import { rename } from './rename';
import { setNotNull } from './set-not-null';
import { tableRewrite } from './table-rewrite';
import type { Rule } from './types';
import { unbatchedWrite } from './unbatched-write';
import { validateInSameTransaction } from './validate-in-same-transaction';
import { volatileDefault } from './volatile-default';

export const RULES: readonly Rule[] = [
  indexNotConcurrent,
  concurrentlyInTransaction,
  notNullWithoutDefault,
  volatileDefault,
  generatedColumn,
  setNotNull,
  columnTypeChange,
  constraintNotValid,
  validateInSameTransaction,
  primaryKey,
  exclusionConstraint,
  rename,
  drop,
  jsonColumn,
  enumValueInTransaction,
  unbatchedWrite,
  lockTimeout,
  tableRewrite,
];

/** Not a rule of its own: a file that failed while lint ran it could not be checked. */
export const FILE_FAILED = 'file-failed';

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}

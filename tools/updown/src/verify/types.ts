import type { ScratchInfo } from './scratch';

/** When a finding was made: after `down` (compared with before `up`) or after `up` ran again. */
export type FindingPhase = 'after down' | 'after up again';

export interface Finding {
  phase: FindingPhase;
  /** column, index, enum type, … for schemas; `rows` for seeds. */
  kind: string;
  name: string;
  change: string;
  /** The whole sentence, phase first: "after down: column users.stripe_customer_id still exists". */
  message: string;
}

export interface VerdictError {
  /** Which run failed: the first `up`, the `down`, or `up` again after `down` (debris). */
  phase: 'up' | 'down' | 'up again';
  /** PostgreSQL's (or the file's) own message. */
  message: string;
  code?: string;
  detail?: string;
  file?: string;
}

export interface Verdict {
  name: string;
  reversible: boolean;
  /** No `down` at all. */
  irreversible?: boolean;
  /** A seed not meant for this environment: not run, so not verified. */
  skipped?: string;
  differences: Finding[];
  notes: Finding[];
  error?: VerdictError;
  durationMs: number;
}

export interface VerifyResult {
  /** Every file verified reversible, and nothing went wrong around them. */
  success: boolean;
  scratch?: ScratchInfo;
  verdicts: Verdict[];
  /** Files left out because an earlier one could not be applied. */
  notVerified: string[];
  /** What stopped the run itself (refusal, connection, a failed replay). */
  errors: Error[];
  durationMs: number;
}

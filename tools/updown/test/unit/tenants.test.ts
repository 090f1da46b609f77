import { tenantExitCode } from '../../src/cli/exit-codes';
import { summaryLines } from '../../src/cli/tenant-output';
import { rerunCommand, tenantSelection } from '../../src/cli/tenants';
import { stripAnsi } from '../helpers/cli';
import { chooseConcurrency, CONNECTIONS_PER_TENANT, tenantsThatFit, type ConnectionRoom } from '../../src/tenants/concurrency';
import type { FanoutResult, TenantState } from '../../src/tenants/types';

const result = (...states: TenantState[]): FanoutResult => ({
  success: states.every((state) => state === 'done'),
  tenants: states.map((state, i) => ({ schema: `t${i}`, state, executed: [], durationMs: 0 })),
  concurrency: 2,
  durationMs: 0,
});

describe('the exit code of a run over tenants', () => {
  test.each([
    [['done', 'done'], 0],
    [['done', 'skipped-locked'], 3],
    [['skipped-locked', 'failed', 'done'], 1],
    [['failed', 'refused', 'skipped-locked'], 2],
    [['done', 'not-started'], 0],
  ] as [TenantState[], number][])('%j → %i', (states, code) => {
    expect(tenantExitCode(result(...states))).toBe(code);
  });

  test('an interrupt outranks everything', () => {
    expect(tenantExitCode({ ...result('refused', 'not-started'), interrupted: 'SIGINT' })).toBe(130);
    expect(tenantExitCode({ ...result('done', 'not-started'), interrupted: 'SIGTERM' })).toBe(143);
  });
});

describe('the rerun command', () => {
  test('repeats the flags, drops the tenant selection, names each tenant and masks the password', () => {
    const argv = ['migrate', 'up', '--url', 'postgres://app:s3cret@db/app', '--schemas', "tenant\\_%", '--concurrency', '4', '--dir=./migrations'];
    expect(rerunCommand(argv, ['tenant_7', 'tenant_9'])).toBe(
      "updown migrate up --url 'postgres://app:****@db/app' --concurrency 4 --dir=./migrations --schema tenant_7 --schema tenant_9",
    );
  });

  test('drops --schemas-from with its query, --tenants and every --schema, quoting what the shell would split', () => {
    const argv = ['migrate', 'down', '--schemas-from', 'SELECT name FROM tenants', '--step', '2', '--schema=a b', '--tenants'];
    expect(rerunCommand(argv, ["o'brien"])).toBe(`updown migrate down --step 2 --schema 'o'\\''brien'`);
  });
});

describe('concurrency', () => {
  const room = (maxConnections: number, inUse: number): ConnectionRoom => ({ maxConnections, reserved: 3, inUse, margin: Math.max(5, Math.ceil(maxConnections / 10)) });
  const quiet = { info: () => undefined, warn: jest.fn() };

  test('fits in what max_connections leaves after the reserved, the open and a margin', () => {
    expect(tenantsThatFit(room(100, 10))).toBe(Math.floor((100 - 3 - 10 - 10) / CONNECTIONS_PER_TENANT));
    expect(tenantsThatFit(room(20, 12))).toBe(1);
  });

  test('--concurrency past the room is lowered to it, with a warning that says why', () => {
    const warn = jest.fn();
    expect(chooseConcurrency(room(30, 5), 100, 50, { info: () => undefined, warn })).toBe(tenantsThatFit(room(30, 5)));
    expect(warn.mock.calls[0]![0]).toMatch(new RegExp(`--concurrency 50 would need up to ${50 * CONNECTIONS_PER_TENANT} connections.*max_connections 30, 3 reserved, 5 in use, 5 kept free`));
  });

  test('never more than the tenants, never less than one', () => {
    expect(chooseConcurrency(room(100, 0), 2, undefined, quiet)).toBe(2);
    expect(chooseConcurrency(room(100, 0), 1000, 8, quiet)).toBe(8);
    expect(chooseConcurrency(room(10, 10), 1000, undefined, quiet)).toBe(1);
  });
});

describe('choosing tenants from the flags', () => {
  const flagsOnly = { kind: 'flags' as const };
  test('one --schema is not a fan-out; two are', () => {
    expect(tenantSelection({ schema: 'a' }, flagsOnly)).toBeUndefined();
    expect(tenantSelection({ schemaList: ['a', 'b'] }, flagsOnly)).toEqual({ kind: 'list', schemas: ['a', 'b'] });
  });
  test('--schemas-from with --tenants is refused', () => {
    expect(() => tenantSelection({ schemasFrom: 'SELECT 1', tenants: true }, flagsOnly)).toThrow(/--schemas-from and --tenants both choose the tenants/);
  });
});

describe('the summary', () => {
  test('groups the same failure on many tenants, the tenant names taken out only where they stand as names', () => {
    const failed = (schema: string, message: string) => ({ schema, state: 'failed' as const, executed: [], durationMs: 1, error: new Error(message) });
    const lines = summaryLines(
      {
        success: false,
        concurrency: 2,
        durationMs: 10,
        tenants: [failed('acme', 'relation "acme.accounts" does not exist'), failed('globex', 'relation "globex.accounts" does not exist'), failed('t', 'the t in tenant_t')],
      },
      'updown migrate up --schema acme --schema globex --schema t',
      0,
    ).map(stripAnsi);
    expect(lines).toContain('failed on 2 tenants: relation "<tenant>.accounts" does not exist');
    expect(lines).toContain('  acme, globex');
    expect(lines).toContain('failed on 1 tenant: the <tenant> in tenant_t');
  });
});

import { CommanderError } from 'commander';
import { EXIT, exitCodeOf } from '../../src/cli/exit-codes';
import {
  ConnectError,
  InvalidMigrationError,
  InvalidNameError,
  IrreversibleMigrationError,
  LockTimeoutError,
  MigrationFailedError,
  RefusedError,
  UntrustedHistoryError,
  UsageError,
} from '../../src/errors';

describe('exitCodeOf', () => {
  it('keeps the contract numbers', () => {
    expect(EXIT).toMatchObject({ ok: 0, failed: 1, refused: 2, lockTimeout: 3, cannotConnect: 4 });
  });

  it.each<[string, unknown, number]>([
    ['MigrationFailedError', new MigrationFailedError({ migration: 'm', direction: 'up', file: '/m.ts', cause: new Error('x'), outcome: { kind: 'rolled-back' } }), 1],
    ['a plain Error', new Error('boom'), 1],
    ['a thrown string', 'boom', 1],
    ['RefusedError', new RefusedError('no'), 2],
    ['UsageError', new UsageError('bad flag'), 2],
    ['InvalidNameError', new InvalidNameError('bad name'), 2],
    ['IrreversibleMigrationError', new IrreversibleMigrationError('m', '/m.ts'), 2],
    ['UntrustedHistoryError (missing file)', new UntrustedHistoryError([{ kind: 'missing', name: 'm' }]), 2],
    ['InvalidMigrationError', new InvalidMigrationError('m', '/m.ts', 'exports no up()'), 2],
    ['a commander usage error', new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), 2],
    ['commander --help', new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), 0],
    ['LockTimeoutError', new LockTimeoutError({ pid: 42, applicationName: 'x' }, 1000, 'schema "public"'), 3],
    ['ConnectError', new ConnectError('postgres://u:****@h/d', 'refused', 5), 4],
  ])('%s exits %i', (_, error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});

describe('error messages', () => {
  it('a lock timeout names the holder', () => {
    const error = new LockTimeoutError({ pid: 4242, applicationName: 'updown migrate up (pid 7 on host)' }, 1000, 'schema "public"');
    expect(error.message).toContain('pid 4242 (updown migrate up (pid 7 on host))');
  });

  it('a failed migration names the file, the direction and the PostgreSQL code', () => {
    const cause = Object.assign(new Error('relation "nope" does not exist'), { code: '42P01', position: '15' });
    const error = new MigrationFailedError({ migration: 'm', direction: 'down', file: '/dir/m.ts', cause, outcome: { kind: 'rolled-back' } });
    expect(error.message).toMatch(/^\/dir\/m\.ts failed \(down\) \[42P01\]: relation "nope" does not exist; its changes were rolled back/);
    expect(error.pg).toMatchObject({ code: '42P01', position: 15 });
  });
});

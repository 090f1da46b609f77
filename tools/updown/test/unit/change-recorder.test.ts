import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataTypes, Sequelize } from 'sequelize';
import { IrreversibleChangeError, checkReversible, fromChange, inverseOf, irreversibleReason } from '../../src/change';
import { call, type Call } from '../../src/change/inversions';
import { forwardingContext, recordingContext, withoutHints } from '../../src/change/recorder';
import { InvalidMigrationError } from '../../src/errors';
import { loadModule } from '../../src/loader';
import type { Migration, MigrationContext, MigrationModule } from '../../src/types';

// No database: a Sequelize pointed at a closed port fails any query that would reach it.
const sequelize = new Sequelize('postgres://nobody@127.0.0.1:1/nothing', { logging: false, retry: { max: 0 } });
afterAll(() => sequelize.close());

const logger = { info: () => undefined, warn: () => undefined };
const baseContext = (): MigrationContext => ({
  queryInterface: sequelize.getQueryInterface(),
  sequelize,
  transaction: null,
  schema: 'public',
  env: 'test',
  logger,
});
const file = { name: '20240101000000-change', path: '/migrations/20240101000000-change.ts', checksum: '' };
const params = (context = baseContext()) => ({ name: file.name, path: file.path, context });

describe('recordingContext', () => {
  it('writes every call down, answers undefined, and reaches no database', async () => {
    const calls: Call[] = [];
    const { queryInterface, sequelize: recordingSequelize } = recordingContext(baseContext(), calls);
    await expect(queryInterface.createTable('users', { id: DataTypes.INTEGER })).resolves.toBeUndefined();
    await queryInterface.sequelize.query('SELECT 1');
    await recordingSequelize.query('SELECT 2');
    await recordingSequelize.getQueryInterface().renameTable('users', 'people');
    await queryInterface.tableExists('users');
    expect(calls.map((recorded) => recorded.method)).toEqual(['createTable', 'sequelize.query', 'sequelize.query', 'renameTable', 'tableExists']);
    expect(calls[1]).toEqual(call('sequelize.query', 'SELECT 1'));
  });

  it('lets formatting helpers run for real', () => {
    const calls: Call[] = [];
    const context = recordingContext(baseContext(), calls);
    expect(context.queryInterface.quoteIdentifier('users')).toBe('"users"');
    expect(context.sequelize.literal('now()')).toEqual(sequelize.literal('now()'));
    expect(context.sequelize.getDialect()).toBe('postgres');
    expect(calls).toEqual([]);
  });
});

describe('forwardingContext', () => {
  it('strips from/key at the hinted argument and leaves everything else alone', async () => {
    const received: unknown[][] = [];
    const fake = {
      removeColumn: async (...args: unknown[]) => void received.push(args),
      createTable: async (...args: unknown[]) => void received.push(args),
    };
    const context = forwardingContext({ ...baseContext(), queryInterface: fake as unknown as MigrationContext['queryInterface'] });
    const from = { type: DataTypes.STRING };
    await context.queryInterface.removeColumn('users', 'nickname', { from, logging: false } as object);
    // A column called `from` or `key` is data, not a hint.
    await context.queryInterface.createTable('t', { from: DataTypes.STRING, key: DataTypes.STRING });
    expect(received).toEqual([
      ['users', 'nickname', { logging: false }],
      ['t', { from: DataTypes.STRING, key: DataTypes.STRING }],
    ]);
  });

  it.each([
    ['removeColumn', ['t', 'c'], ['t', 'c']],
    ['bulkInsert', ['t', [{ id: 1 }], { key: 'id' }], ['t', [{ id: 1 }], {}]],
    ['dropTable', ['t', { from: {}, cascade: false }], ['t', { cascade: false }]],
    ['renameColumn', ['t', 'a', { from: 1 }], ['t', 'a', { from: 1 }]],
  ])('withoutHints(%s)', (method, args, expected) => {
    expect(withoutHints(method, args)).toEqual(expected);
  });
});

describe('inverseOf', () => {
  it('inverts the recorded calls and runs them newest first', async () => {
    const change: Migration = async ({ context: { queryInterface } }) => {
      await queryInterface.createTable('users', { id: DataTypes.INTEGER, role: DataTypes.ENUM('a', 'b') });
      await queryInterface.addIndex('users', ['role'], { name: 'users_role' });
      await queryInterface.renameColumn('users', 'role', 'kind');
    };
    expect(await inverseOf(file, change, params())).toEqual([
      call('renameColumn', 'users', 'kind', 'role'),
      call('removeIndex', 'users', 'users_role'),
      call('dropTable', 'users'),
      call('dropEnumFor', 'users', 'role'),
    ]);
  });

  it('refuses with the file, the first irreversible call and how to fix it', async () => {
    const change: Migration = async ({ context: { queryInterface } }) => {
      await queryInterface.addColumn('users', 'email', DataTypes.STRING);
      await queryInterface.removeColumn('users', 'nickname');
      await queryInterface.sequelize.query('UPDATE users SET email = NULL');
    };
    const refusal = inverseOf(file, change, params());
    await expect(refusal).rejects.toBeInstanceOf(IrreversibleChangeError);
    await expect(refusal).rejects.toThrow(
      `${file.path}: removeColumn('users', 'nickname') cannot be reversed: pass the column's definition so down can add it back`,
    );
    await expect(refusal).rejects.toMatchObject({ migration: file.name, file: file.path, call: "removeColumn('users', 'nickname')" });
  });

  it('names the raw query when change() used its result (the refusal explains the crash)', async () => {
    const change: Migration = async ({ context: { sequelize: db } }) => {
      const [rows] = (await db.query('SELECT id FROM users')) as unknown as [unknown[]];
      for (const row of rows) void row;
    };
    await expect(inverseOf(file, change, params())).rejects.toThrow(/sequelize\.query\('SELECT id FROM users'\) cannot be reversed: updown cannot know what raw SQL does/);
  });

  it('reports a change() that throws on its own as an invalid migration', async () => {
    const change: Migration = async () => {
      throw new Error('boom');
    };
    await expect(inverseOf(file, change, params())).rejects.toBeInstanceOf(InvalidMigrationError);
    await expect(inverseOf(file, change, params())).rejects.toThrow(/change\(\) threw while updown recorded it to derive down\(\): boom/);
  });
});

describe('fromChange', () => {
  const recordingFake = () => {
    const received: Call[] = [];
    const queryInterface = new Proxy(
      { queryGenerator: { pgEnumDrop: (table: string, column: string) => `DROP TYPE IF EXISTS "enum_${table}_${column}";` } } as Record<string, unknown>,
      {
        get(target, property: string) {
          if (property in target) return target[property];
          if (property === 'sequelize') return { query: async (sql: string) => void received.push(call('sql', sql)) };
          return async (...args: unknown[]) => void received.push({ method: property, args });
        },
      },
    );
    return { received, context: { ...baseContext(), queryInterface: queryInterface as unknown as MigrationContext['queryInterface'] } };
  };

  it('up runs change() for real without hints; down replays the inverse, enum types included', async () => {
    const module = fromChange(file, {
      change: async ({ context: { queryInterface } }) => {
        await queryInterface.addColumn('users', 'status', { type: DataTypes.ENUM('on', 'off') });
        await queryInterface.removeColumn('users', 'nickname', { from: DataTypes.STRING } as object);
      },
    });
    const up = recordingFake();
    await module.up!(params(up.context));
    expect(up.received.map((c) => [c.method, ...c.args.slice(0, 2)])).toEqual([
      ['addColumn', 'users', 'status'],
      ['removeColumn', 'users', 'nickname'],
    ]);
    expect(up.received[1].args[2]).toEqual({});

    const down = recordingFake();
    await module.down!(params(down.context));
    expect(down.received).toEqual([
      call('addColumn', 'users', 'nickname', DataTypes.STRING),
      call('removeColumn', 'users', 'status'),
      call('sql', 'DROP TYPE IF EXISTS "enum_users_status";'),
    ]);
  });

  it('down refuses an irreversible change() before a single call reaches the database', async () => {
    const module = fromChange(file, {
      change: async ({ context: { queryInterface } }) => {
        await queryInterface.addColumn('users', 'email', DataTypes.STRING);
        await queryInterface.removeColumn('users', 'nickname');
      },
    });
    const down = recordingFake();
    await expect(module.down!(params(down.context))).rejects.toBeInstanceOf(IrreversibleChangeError);
    expect(down.received).toEqual([]);
    await expect(checkReversible(file, module, baseContext())).rejects.toThrow(/removeColumn\('users', 'nickname'\) cannot be reversed/);
    expect(await irreversibleReason(file, module, baseContext())).toMatch(/removeColumn\('users', 'nickname'\) cannot be reversed/);
  });

  it('checkReversible passes reversible changes and up/down modules alike', async () => {
    const reversible = fromChange(file, { change: async ({ context }) => void (await context.queryInterface.createSchema('billing')) });
    await expect(checkReversible(file, reversible, baseContext())).resolves.toBeUndefined();
    const handWritten: MigrationModule = { up: async () => undefined };
    await expect(checkReversible(file, handWritten, baseContext())).resolves.toBeUndefined();
    expect(await irreversibleReason(file, reversible, baseContext())).toBeUndefined();
  });

  it.each([
    [{ change: async () => undefined, up: async () => undefined }, /exports change\(\) together with up\(\)\/down\(\)/],
    [{ change: async () => undefined, down: async () => undefined }, /exports change\(\) together with up\(\)\/down\(\)/],
    [{ change: 42 as unknown as Migration }, /exports a `change` that is not a function/],
  ])('refuses a module that is not a plain change (%#)', (module, message) => {
    expect(() => fromChange(file, module)).toThrow(InvalidMigrationError);
    expect(() => fromChange(file, module)).toThrow(message);
  });
});

describe('loadModule with a change file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-change-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: string) => {
    fs.writeFileSync(path.join(dir, name), body);
    return { name: name.replace(/\.ts$/, ''), path: path.join(dir, name), checksum: '' };
  };

  it('gives the engine an up and a down, and keeps change for checkReversible', () => {
    const module = loadModule(write('20240101000000-change.ts', "export const change = async ({ context }: any) => { await context.queryInterface.createSchema('x'); };\n"));
    expect(typeof module.up).toBe('function');
    expect(typeof module.down).toBe('function');
    expect(typeof module.change).toBe('function');
  });

  it('accepts a default export too', () => {
    const module = loadModule(write('20240101000000-default.ts', 'export default { change: async () => undefined, transaction: false };\n'));
    expect(typeof module.down).toBe('function');
    expect(module.transaction).toBe(false);
  });

  it('refuses change next to up, naming the file', () => {
    const loaded = write('20240101000000-both.ts', 'export const change = async () => undefined;\nexport const up = async () => undefined;\n');
    expect(() => loadModule(loaded)).toThrow(`${loaded.path}: exports change() together with up()/down()`);
  });
});

import { DataTypes, Op } from 'sequelize';
import { INVERSIONS, call, defaultConstraintName, defaultIndexName, describeCall, invert, type Call } from '../../src/change/inversions';

// The inversion table as data: a recorded call in, the calls that undo it (or the refusal) out.

const role = DataTypes.ENUM('admin', 'member');
const userColumns = { id: { type: DataTypes.INTEGER, primaryKey: true }, role: { type: role } };

describe('each reversible call inverts to the calls that undo it, in the order they run', () => {
  const cases: [string, Call, Call[]][] = [
    // Tables and columns.
    ['createTable → dropTable', call('createTable', 'users', { id: { type: DataTypes.INTEGER } }), [call('dropTable', 'users')]],
    [
      'createTable with an ENUM and an ENUM[] → dropTable, then their enum types (named after the field)',
      call('createTable', 'users', { role, tags: { type: DataTypes.ARRAY(role), field: 'tag_list' }, name: DataTypes.STRING }),
      [call('dropTable', 'users'), call('dropEnumFor', 'users', 'role'), call('dropEnumFor', 'users', 'tag_list')],
    ],
    [
      'createTable with { schema } → the table and its enum types in that schema',
      call('createTable', 'users', { role: { type: role } }, { schema: 'billing' }),
      [call('dropTable', { tableName: 'users', schema: 'billing' }), call('dropEnumFor', { tableName: 'users', schema: 'billing' }, 'role')],
    ],
    ['dropTable with from → createTable', call('dropTable', 'users', { from: userColumns }), [call('createTable', 'users', userColumns)]],
    ['renameTable → renameTable back', call('renameTable', 'users', 'people'), [call('renameTable', 'people', 'users')]],
    ['addColumn → removeColumn', call('addColumn', 'users', 'nickname', { type: DataTypes.STRING }), [call('removeColumn', 'users', 'nickname')]],
    [
      'addColumn of an ENUM → removeColumn, then its enum type',
      call('addColumn', 'users', 'status', { type: DataTypes.ENUM('on', 'off'), allowNull: false }),
      [call('removeColumn', 'users', 'status'), call('dropEnumFor', 'users', 'status')],
    ],
    ['addColumn of a bare ENUM type', call('addColumn', 'users', 'status', role), [call('removeColumn', 'users', 'status'), call('dropEnumFor', 'users', 'status')]],
    [
      'removeColumn with from → addColumn',
      call('removeColumn', 'users', 'nickname', { from: { type: DataTypes.STRING(40) } }),
      [call('addColumn', 'users', 'nickname', { type: DataTypes.STRING(40) })],
    ],
    [
      'changeColumn with from → changeColumn back',
      call('changeColumn', 'users', 'name', { type: DataTypes.TEXT }, { from: { type: DataTypes.STRING, allowNull: true } }),
      [call('changeColumn', 'users', 'name', { type: DataTypes.STRING, allowNull: true })],
    ],
    ['renameColumn → renameColumn back', call('renameColumn', 'users', 'name', 'fullName'), [call('renameColumn', 'users', 'fullName', 'name')]],
    // Indexes.
    ['addIndex by name → removeIndex', call('addIndex', 'users', ['email'], { name: 'users_email' }), [call('removeIndex', 'users', 'users_email')]],
    ['addIndex without a name → removeIndex by the name Sequelize gives it', call('addIndex', 'userProfiles', ['createdAt', 'kind']), [call('removeIndex', 'userProfiles', 'user_profiles_created_at_kind')]],
    [
      'addIndex in the options form, concurrently → removeIndex concurrently',
      call('addIndex', 'users', { fields: [{ name: 'email', order: 'DESC' }], unique: true, concurrently: true }),
      [call('removeIndex', 'users', 'users_email', { concurrently: true })],
    ],
    [
      'addIndex on a table in another schema → removeIndex by the qualified name',
      call('addIndex', { tableName: 'users', schema: 'billing' }, ['email']),
      [call('removeIndex', { tableName: 'users', schema: 'billing' }, 'billing.users_email')],
    ],
    [
      'removeIndex by name with from → addIndex with that name',
      call('removeIndex', 'users', 'users_email_unique', { from: { fields: ['email'], unique: true } }),
      [call('addIndex', 'users', { fields: ['email'], unique: true, name: 'users_email_unique' })],
    ],
    [
      'removeIndex by columns with from → addIndex on those columns',
      call('removeIndex', 'users', ['email'], { from: { unique: true } }),
      [call('addIndex', 'users', { unique: true, fields: ['email'] })],
    ],
    // Constraints.
    [
      'addConstraint by name → removeConstraint',
      call('addConstraint', 'users', { type: 'check', fields: ['age'], name: 'users_age_positive', where: { age: { [Op.gt]: 0 } } }),
      [call('removeConstraint', 'users', 'users_age_positive')],
    ],
    ['addConstraint unique without a name → Sequelize\'s name', call('addConstraint', 'users', { type: 'unique', fields: ['email', 'tenantId'] }), [call('removeConstraint', 'users', 'users_email_tenantId_uk')]],
    [
      'addConstraint foreign key without a name → Sequelize\'s name',
      call('addConstraint', 'posts', { type: 'foreign key', fields: ['userId'], references: { table: 'users', field: 'id' }, onDelete: 'cascade' }),
      [call('removeConstraint', 'posts', 'posts_userId_users_fk')],
    ],
    [
      'removeConstraint with from → addConstraint under the same name',
      call('removeConstraint', 'users', 'users_email_uk', { from: { type: 'unique', fields: ['email'] } }),
      [call('addConstraint', 'users', { type: 'unique', fields: ['email'], name: 'users_email_uk' })],
    ],
    // Schemas, functions, triggers.
    ['createSchema → dropSchema', call('createSchema', 'billing'), [call('dropSchema', 'billing')]],
    [
      'createFunction → dropFunction',
      call('createFunction', 'touch', [], 'trigger', 'plpgsql', 'BEGIN RETURN NEW; END;', []),
      [call('dropFunction', 'touch', [])],
    ],
    [
      'dropFunction with from → createFunction',
      call('dropFunction', 'touch', [{ type: 'integer', name: 'n' }], { from: { returnType: 'integer', language: 'sql', body: 'SELECT n' } }),
      [call('createFunction', 'touch', [{ type: 'integer', name: 'n' }], 'integer', 'sql', 'SELECT n')],
    ],
    ['renameFunction → renameFunction back', call('renameFunction', 'touch', [], 'touch_row'), [call('renameFunction', 'touch_row', [], 'touch')]],
    [
      'createTrigger → dropTrigger',
      call('createTrigger', 'users', 'users_touch', 'before', [{ update: [] }], 'touch', [], []),
      [call('dropTrigger', 'users', 'users_touch')],
    ],
    [
      'dropTrigger with from → createTrigger',
      call('dropTrigger', 'users', 'users_touch', { from: { timingType: 'before', fireOnArray: [{ update: [] }], functionName: 'touch', functionParams: [] } }),
      [call('createTrigger', 'users', 'users_touch', 'before', [{ update: [] }], 'touch', [], [])],
    ],
    ['renameTrigger → renameTrigger back', call('renameTrigger', 'users', 'a', 'b'), [call('renameTrigger', 'users', 'b', 'a')]],
    // Rows.
    [
      'bulkInsert with a key → bulkDelete of exactly those keys',
      call('bulkInsert', 'plans', [{ id: 1, name: 'free' }, { id: 2, name: 'pro' }], { key: 'id' }),
      [call('bulkDelete', 'plans', { id: [1, 2] })],
    ],
    [
      'bulkInsert with a composite key → bulkDelete of each key',
      call('bulkInsert', 'prices', [{ plan: 'pro', currency: 'EUR', amount: 9 }, { plan: 'pro', currency: 'USD', amount: 10 }], { key: ['plan', 'currency'] }),
      [call('bulkDelete', 'prices', { [Op.or]: [{ plan: 'pro', currency: 'EUR' }, { plan: 'pro', currency: 'USD' }] })],
    ],
  ];

  it.each(cases)('%s', (_, recorded, inverse) => {
    expect(invert(recorded)).toEqual(inverse);
  });
});

describe('each call whose inverse needs what it does not carry is refused, saying how to make it reversible', () => {
  const UP_DOWN = /write up\(\) and down\(\) instead of change\(\)$/;
  const cases: [Call, RegExp][] = [
    [call('removeColumn', 'users', 'nickname'), /pass the column's definition so down can add it back: removeColumn\('users', 'nickname', \{ from: \{ type: DataTypes\.STRING \} \}\), or write/],
    [call('removeColumn', 'users', 'nickname', { transaction: null }), /pass the column's definition/],
    [call('dropTable', 'users'), /pass the table's columns so down can create it again: dropTable\('users', \{ from: /],
    [call('dropTable', 'users', { cascade: true, from: userColumns }), /with cascade it also drops what depends on users/],
    [call('changeColumn', 'users', 'name', { type: DataTypes.TEXT }), /pass the column's current definition so down can change it back/],
    [call('changeColumn', 'users', 'role', { type: role }, { from: { type: DataTypes.STRING } }), /to or from an ENUM/],
    [call('removeIndex', 'users', 'users_email'), /pass the index's definition so down can create it again: removeIndex\('users', 'users_email', \{ from: \{ fields:/],
    [call('removeIndex', 'users', ['email']), /say what the index was .*\{ from: \{\} \}\) for a plain index/],
    [call('addIndex', 'users', { fields: [{ fn: 'lower' }] }), /name the index so down can remove it/],
    [call('removeConstraint', 'users', 'users_email_uk'), /pass the constraint's definition so down can add it back/],
    [call('addConstraint', { tableName: 'users', schema: 'billing' }, { type: 'unique', fields: ['email'] }), /name the constraint so down can remove it: addConstraint\('billing\.users'/],
    [call('dropSchema', 'billing'), /drops the schema with everything in it \(CASCADE\)/],
    [call('dropFunction', 'touch', []), /pass the function's definition/],
    [call('dropTrigger', 'users', 'users_touch'), /pass the trigger's definition/],
    [call('bulkInsert', 'plans', [{ id: 1 }]), /name the columns that identify the inserted rows.*\{ key: 'id' \}/],
    [call('bulkInsert', 'plans', [{ id: 1 }, { name: 'pro' }], { key: 'id' }), /row 2 has no value for 'id'/],
    [call('insert', null, 'plans', { id: 1 }), /use bulkInsert\(table, rows, \{ key: 'id' \}\)/],
    [call('bulkDelete', 'plans', {}), /cannot know which rows were there before it/],
    [call('bulkUpdate', 'plans', {}, {}), /cannot know which rows were there before it/],
    [call('sequelize.query', 'UPDATE users SET x = 1'), /cannot know what raw SQL does/],
    [call('sequelize.transaction'), /already runs each file in its own transaction/],
    [call('describeTable', 'users'), /reads the database/],
    [call('tableExists', 'users'), /reads the database/],
    [call('dropAllTables'), /destroys what down cannot rebuild/],
    [call('startTransaction'), /own transaction/],
    [call('someMethodUpdownHasNeverHeardOf', 'x'), /does not know how to reverse someMethodUpdownHasNeverHeardOf\(\)/],
  ];

  it.each(cases.map(([recorded, message]) => [describeCall(recorded), recorded, message] as const))('%s', (_, recorded, message) => {
    const result = invert(recorded);
    expect(typeof result).toBe('string');
    expect(result).toMatch(message);
    expect(result).toMatch(UP_DOWN);
  });
});

describe('the table', () => {
  it('answers every method with inverse calls or a reason, whatever the arguments', () => {
    for (const inversion of Object.values(INVERSIONS)) {
      for (const args of [[], ['t'], ['t', 'c', null, null]]) {
        const result = inversion(args);
        expect(typeof result === 'string' || Array.isArray(result)).toBe(true);
      }
    }
  });

  it('inverts a call twice into the call again where both directions are plain', () => {
    const twice = (recorded: Call) => (invert(recorded) as Call[]).flatMap((inverse) => invert(inverse) as Call[]);
    for (const recorded of [call('renameTable', 'a', 'b'), call('renameColumn', 't', 'a', 'b'), call('renameTrigger', 't', 'a', 'b'), call('renameFunction', 'f', [], 'g')]) {
      expect(twice(recorded)).toEqual([recorded]);
    }
  });

  it('does not look at inherited names', () => {
    expect(invert(call('toString'))).toMatch(/does not know how to reverse toString\(\)/);
  });
});

describe("Sequelize's default names", () => {
  it.each([
    [['users', ['email']], 'users_email'],
    [['userProfiles', ['createdAt']], 'user_profiles_created_at'],
    [['billing.users', ['email']], 'billing_users_email'],
    [[{ tableName: 'users', schema: 'billing' }, [{ attribute: 'email' }]], 'users_email'],
    [['users', ['email'], 'people'], 'people_email'],
    [['users', [{ fn: 'lower' }]], undefined],
  ] as const)('index %j → %s', (args, name) => {
    expect(defaultIndexName(...(args as unknown as Parameters<typeof defaultIndexName>))).toBe(name);
  });

  it.each([
    ['users', { type: 'unique', fields: ['email'] }, 'users_email_uk'],
    ['users', { type: 'CHECK', fields: ['age'] }, 'users_age_ck'],
    ['users', { type: 'primary key', fields: ['id'] }, 'users_id_pk'],
    ['posts', { type: 'foreign key', fields: ['userId'], references: { table: 'users', field: 'id' } }, 'posts_userId_users_fk'],
    ['posts', { type: 'foreign key', fields: ['userId'], references: { table: { tableName: 'users' }, field: 'id' } }, undefined],
    ['billing.users', { type: 'unique', fields: ['email'] }, undefined],
  ])('constraint on %s %j → %s', (table, options, name) => {
    expect(defaultConstraintName(table, options)).toBe(name);
  });
});

describe('describeCall', () => {
  it.each([
    [call('removeColumn', 'users', 'nickname', { transaction: null }), "removeColumn('users', 'nickname')"],
    [call('bulkInsert', 'plans', [{ id: 1 }, { id: 2 }], {}), "bulkInsert('plans', [2 items])"],
    [call('removeIndex', { tableName: 'users', schema: 'billing' }, ['email', 'kind']), "removeIndex('billing.users', ['email', 'kind'])"],
    [call('sequelize.query', 'UPDATE users SET nickname = lower(nickname) WHERE nickname IS NOT NULL AND id > 0'), "sequelize.query('UPDATE users SET nickname = lower(nickname) WHERE nicknam…')"],
    [call('addConstraint', 'users', { type: 'unique' }), "addConstraint('users')"],
  ])('case %#', (recorded, text) => {
    expect(describeCall(recorded)).toBe(text);
  });
});

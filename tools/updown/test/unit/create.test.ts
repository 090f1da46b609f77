import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidNameError, UsageError } from '../../src/errors';
import { createFile, timestamp, validateName } from '../../src/create';
import { treeOf } from '../helpers/fixtures';

let root: string;
let dir: string;

beforeEach(() => {
  // The parent (`root`) is ours alone, so "nothing written anywhere near" can be checked exactly.
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'updown-create-'));
  dir = path.join(root, 'migrations');
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const NOW = new Date(Date.UTC(2025, 2, 3, 4, 50, 13));

describe('validateName', () => {
  it.each(['a', 'addStripeCustomerId', 'add_stripe_2', 'x'.repeat(100)])('accepts %p', (name) => {
    expect(() => validateName(name)).not.toThrow();
  });

  it.each([
    ['../x', /not a plain identifier/],
    ['a/b', /not a plain identifier/],
    ['a\\b', /not a plain identifier/],
    ['a b', /not a plain identifier/],
    ['', /is empty/],
    ['y'.repeat(101), /101 characters long \(at most 100\)/],
    ['.hidden', /not a plain identifier/],
    ['x.ts', /not a plain identifier/],
    ['1st', /not a plain identifier/],
    ['_x', /not a plain identifier/],
    ['naïve', /not a plain identifier/],
    ['a\nb', /not a plain identifier/],
  ])('refuses %p', (name, reason) => {
    expect(() => validateName(name)).toThrow(InvalidNameError);
    expect(() => validateName(name)).toThrow(reason);
  });
});

describe('createFile', () => {
  it('writes YYYYMMDDHHmmss-name.ts (UTC) from the template, creating the folder', () => {
    const written = createFile({ dir, name: 'addStripeCustomerId', kind: 'migrations', now: NOW });
    expect(written).toBe(path.join(dir, '20250303045013-addStripeCustomerId.ts'));
    expect(fs.readdirSync(dir)).toEqual(['20250303045013-addStripeCustomerId.ts']);
    const body = fs.readFileSync(written, 'utf8');
    expect(body).toMatch(/export const up: Migration = /);
    expect(body).toMatch(/export const down: Migration = /);
    expect(body).toContain("throw new Error('updown:unwritten down() of addStripeCustomerId')");
    expect(body).toContain("// await queryInterface.addColumn('organizations', 'stripe_customer_id', { type: DataTypes.STRING });");
    expect(body).not.toContain('__NAME__');
  });

  it('writes seeds from the seed template', () => {
    const written = createFile({ dir, name: 'createAdminUser', kind: 'seeds', now: NOW });
    expect(fs.readFileSync(written, 'utf8')).toMatch(/import type \{ Seed \} from 'updown'/);
  });

  it('keeps two files made in the same second apart, in creation order', () => {
    const first = createFile({ dir, name: 'first', kind: 'migrations', now: NOW });
    const second = createFile({ dir, name: 'second', kind: 'migrations', now: NOW });
    expect(path.basename(first)).toBe('20250303045013-first.ts');
    expect(path.basename(second)).toBe('20250303045014-second.ts');
  });

  it('refuses a name that another file already has, writing nothing', () => {
    createFile({ dir, name: 'addThing', kind: 'migrations', now: NOW });
    const before = treeOf(root);
    expect(() => createFile({ dir, name: 'addThing', kind: 'migrations', now: new Date(NOW.getTime() + 60_000) })).toThrow(UsageError);
    expect(treeOf(root)).toEqual(before);
  });

  it.each(['../x', 'a/b', 'a b', '', 'z'.repeat(101), '.hidden', 'x.ts', '../../etc/passwd', '/abs'])(
    'refuses %p with InvalidNameError and writes nothing anywhere',
    (name) => {
      fs.mkdirSync(dir);
      const before = treeOf(root);
      expect(() => createFile({ dir, name, kind: 'migrations', now: NOW })).toThrow(InvalidNameError);
      expect(treeOf(root)).toEqual(before);
      expect(fs.readdirSync(dir)).toEqual([]);
    },
  );

  it('does not even create the folder when the name is refused', () => {
    expect(() => createFile({ dir, name: '../x', kind: 'migrations', now: NOW })).toThrow(InvalidNameError);
    expect(fs.existsSync(dir)).toBe(false);
    expect(treeOf(root)).toEqual([]);
  });
});

describe('timestamp', () => {
  it('is 14 digits in UTC', () => {
    expect(timestamp(new Date(Date.UTC(2024, 11, 31, 23, 59, 59, 999)))).toBe('20241231235959');
  });
});

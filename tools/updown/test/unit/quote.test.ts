import { qualify, quoteIdent } from '../../src/quote';

describe('quoteIdent', () => {
  it.each([
    ['users', '"users"'],
    ['SequelizeMeta', '"SequelizeMeta"'],
    ['tenant a', '"tenant a"'],
    ['We"ird', '"We""ird"'],
    ['Weird "Schema"', '"Weird ""Schema"""'],
    ['"', '""""'],
    ['x; DROP TABLE users; --', '"x; DROP TABLE users; --"'],
  ])('quotes %p as %p', (identifier, quoted) => {
    expect(quoteIdent(identifier)).toBe(quoted);
  });

  it('refuses an empty identifier and a NUL character', () => {
    expect(() => quoteIdent('')).toThrow(/cannot be empty/);
    expect(() => quoteIdent('a\u0000b')).toThrow(/NUL/);
  });
});

describe('qualify', () => {
  it('quotes both parts', () => {
    expect(qualify('tenant "a"', 'SequelizeMeta')).toBe('"tenant ""a"""."SequelizeMeta"');
  });
});

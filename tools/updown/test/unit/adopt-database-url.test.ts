import { parse } from 'pg-connection-string';
import { databaseSpec, databaseUrl, sslMode, urlFromFields, withSsl } from '../../src/adopt/database-url';
import { UsageError } from '../../src/errors';

const ORIGIN = 'config/config.json (development)';

describe('urlFromFields', () => {
  it.each([
    ['p@ss:word/with?odd#chars%', 'app'],
    ['plain', 'user@corp'],
    ['s p a c e', 'üser'],
  ])('encodes password %p and user %p so pg reads them back exactly', (password, username) => {
    // pg decodes the database with decodeURI: a space or an umlaut survives, a "/" in a name could not.
    const url = urlFromFields({ username, password, host: 'db.internal', port: '6543', database: 'app db-ü' });
    expect(parse(url)).toMatchObject({ user: username, password, host: 'db.internal', port: '6543', database: 'app db-ü' });
  });

  it('leaves out what is not given: no password, no port, localhost like Sequelize', () => {
    expect(urlFromFields({ username: 'app', database: 'app' })).toBe('postgres://app@localhost/app');
  });

  it('passes a socket folder as the host parameter', () => {
    const url = urlFromFields({ username: 'app', host: '/var/run/postgresql', database: 'app', port: '5433' });
    expect(parse(url)).toMatchObject({ host: '/var/run/postgresql', user: 'app', database: 'app', port: '5433' });
  });

  it('brackets an IPv6 host', () => {
    expect(urlFromFields({ host: '::1', database: 'app' })).toBe('postgres://[::1]/app');
  });
});

describe('dialectOptions.ssl as an sslmode', () => {
  it.each([
    [undefined, undefined],
    [false, undefined],
    [true, 'verify-full'],
    [{ require: true }, 'verify-full'],
    [{ require: true, rejectUnauthorized: false }, 'no-verify'],
  ])('%p -> %p', (ssl, mode) => {
    expect(sslMode({ dialectOptions: { ssl } }, ORIGIN)).toBe(mode);
  });

  it('refuses certificate contents, naming the file and the setting', () => {
    expect(() => sslMode({ dialectOptions: { ssl: { ca: '-----BEGIN CERTIFICATE-----' } } }, ORIGIN)).toThrow(
      /config\/config.json \(development\): dialectOptions.ssl.ca .*sslrootcert/,
    );
  });

  it('is added to a URL that says nothing about SSL, and never over one that does', () => {
    expect(withSsl('postgres://h/db', 'no-verify')).toBe('postgres://h/db?sslmode=no-verify');
    expect(withSsl('postgres://h/db?application_name=x', 'verify-full')).toBe('postgres://h/db?application_name=x&sslmode=verify-full');
    expect(withSsl('postgres://h/db?ssl=true', 'no-verify')).toBe('postgres://h/db?ssl=true');
    expect(withSsl('postgres://h/db', undefined)).toBe('postgres://h/db');
  });
});

describe('databaseSpec and databaseUrl: sequelize-cli order url, use_env_variable, fields', () => {
  const section = { url: 'postgres://a@h1/one', use_env_variable: 'DB_URL', host: 'h3', database: 'three', dialect: 'postgres' };

  it('takes url first', () => {
    expect(databaseUrl(databaseSpec(section, ORIGIN)!, { DB_URL: 'postgres://b@h2/two' })).toEqual({ url: 'postgres://a@h1/one', source: `${ORIGIN}: url` });
  });

  it('then the variable that use_env_variable names', () => {
    const { url: _url, ...rest } = section;
    expect(databaseUrl(databaseSpec(rest, ORIGIN)!, { DB_URL: 'postgres://b@h2/two' })).toEqual({
      url: 'postgres://b@h2/two',
      source: `${ORIGIN}: use_env_variable DB_URL`,
    });
  });

  it('then the fields, with ssl from dialectOptions, naming the fields but not their values', () => {
    const spec = databaseSpec({ username: 'app', password: 'pa:ss@', host: 'db', port: 5432, database: 'app', dialectOptions: { ssl: true } }, ORIGIN)!;
    const { url, source } = databaseUrl(spec, {});
    expect(parse(url)).toMatchObject({ user: 'app', password: 'pa:ss@', host: 'db', port: '5432', database: 'app' });
    expect(url).toMatch(/\?sslmode=verify-full$/);
    expect(source).toBe(`${ORIGIN}: username, password, host, port, database`);
  });

  it('is undefined when the section names no database (DATABASE_URL then applies)', () => {
    expect(databaseSpec({ dialect: 'postgres', migrationStorageTableName: 'meta' }, ORIGIN)).toBeUndefined();
  });

  it('refuses a variable that is not set, naming it and the file', () => {
    const spec = databaseSpec({ use_env_variable: 'DB_URL' }, ORIGIN)!;
    expect(() => databaseUrl(spec, {})).toThrow(UsageError);
    expect(() => databaseUrl(spec, {})).toThrow(`${ORIGIN} says use_env_variable "DB_URL", but DB_URL is not set`);
  });

  it('refuses another dialect, and a URL that is not PostgreSQL without printing its password', () => {
    expect(() => databaseSpec({ dialect: 'mysql', database: 'x' }, ORIGIN)).toThrow(/dialect "mysql" is not PostgreSQL/);
    const spec = databaseSpec({ use_env_variable: 'DB_URL' }, ORIGIN)!;
    const attempt = () => databaseUrl(spec, { DB_URL: 'mysql://root:s3cret@h/db' });
    expect(attempt).toThrow(/DB_URL .* is not a PostgreSQL URL/);
    expect(attempt).not.toThrow(/s3cret/);
  });
});

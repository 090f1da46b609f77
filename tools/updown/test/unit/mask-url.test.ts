import { maskUrl } from '../../src/connection';

describe('maskUrl', () => {
  it.each([
    ['postgres://app:s3cretPW@db.internal:5432/app', 'postgres://app:****@db.internal:5432/app'],
    ['postgresql://app:p%40ss%2Fword@127.0.0.1/app?sslmode=require', 'postgresql://app:****@127.0.0.1/app?sslmode=require'],
    ['postgres://postgres:s3cretPW@127.0.0.1:1/x', 'postgres://postgres:****@127.0.0.1:1/x'],
  ])('masks the password of %p', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
    expect(maskUrl(url)).not.toMatch(/s3cret|p%40ss/);
  });

  it('masks a password given as a query parameter (libpq and pg accept ?password=)', () => {
    const masked = maskUrl('postgres://app@db.internal:5432/app?sslmode=require&password=s3cretPW');
    expect(masked).not.toContain('s3cretPW');
    expect(masked).toContain('password=****');
    expect(masked).toContain('sslmode=require');
  });

  it('leaves a URL without a password as it is', () => {
    expect(maskUrl('postgres://postgres@127.0.0.1:5432/postgres')).toBe('postgres://postgres@127.0.0.1:5432/postgres');
  });

  it('masks a keyword/value connection string', () => {
    const masked = maskUrl('host=db user=app password=s3cretPW dbname=app');
    expect(masked).toBe('host=db user=app password=**** dbname=app');
  });

  it('masks a password that the URL parser rejects', () => {
    const masked = maskUrl('postgres://app:s3cret PW@db:5432/app');
    expect(masked).not.toContain('s3cret');
    expect(masked).toContain('****');
  });
});

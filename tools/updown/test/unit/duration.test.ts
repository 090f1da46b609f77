import { parseDuration } from '../../src/duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1s', 1_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['5min', 300_000],
    ['1h', 3_600_000],
    ['250', 250],
    ['0', 0],
    [' 2s ', 2_000],
    ['2 s', 2_000],
  ])('%p is %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '-1s', '1d', '1 2s', 's', '1e3', '30 seconds'])('%p is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

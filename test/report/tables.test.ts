import { describe, expect, it } from 'vitest';
import { fmt, pct } from '../../src/report/tables.js';

describe('table cells', () => {
  it('format numbers, percentages and the undefined, and print a value that rounds to zero unsigned', () => {
    expect([fmt(0.12345), fmt(-1.5, 1), fmt(Infinity), fmt(Number.NaN)]).toEqual(['0.123', '-1.5', 'inf', '-']);
    expect([pct(0.0123), pct(-0.0123, 2), pct(Number.NaN)]).toEqual(['1.2%', '-1.23%', '-']);
    expect([pct(-0.00001), fmt(-0.0001, 2), fmt(-0.0001, 0), pct(-0.0004, 2)]).toEqual(['0.0%', '0.00', '0', '-0.04%']);
  });
});

import { describe, expect, it } from 'vitest';
import { logChange, rollingMean, rollingSd, rollingZ } from '../../src/features/rolling.js';

const x = Float64Array.from([1, 2, 4, 7, 11, 16]);

describe('rolling helpers', () => {
  it('rollingMean: trailing window, NaN in warm-up', () => {
    expect(Array.from(rollingMean(x, 3))).toEqual([NaN, NaN, 7 / 3, 13 / 3, 22 / 3, 34 / 3]);
    expect(Array.from(rollingMean(x, 1))).toEqual(Array.from(x));
  });

  it('rollingSd: sample (ddof 1) by default, population with ddof 0', () => {
    const s = rollingSd(x, 3);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo(Math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 2), 14);
    expect(rollingSd(x, 3, 0)[2]).toBeCloseTo(Math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 3), 14);
  });

  it('rollingZ: current value included; NaN when the window is flat or holds NaN', () => {
    const z = rollingZ(x, 3);
    expect(z[1]).toBeNaN();
    expect(z[5]).toBeCloseTo((16 - 34 / 3) / rollingSd(x, 3)[5]!, 14);
    expect(Array.from(rollingZ(Float64Array.from([5, 5, 5, 5]), 2))).toEqual([NaN, NaN, NaN, NaN]);
    const withNaN = rollingZ(Float64Array.from([NaN, 1, 2, 3, 5]), 3);
    expect(Array.from(withNaN.slice(0, 3)).every(Number.isNaN)).toBe(true);
    expect(withNaN[3]).toBeCloseTo(1, 14); // window 1,2,3: mean 2, sd 1
  });

  it('logChange: log(x_i / x_{i-lag})', () => {
    expect(Array.from(logChange(x, 2))).toEqual([NaN, NaN, Math.log(4), Math.log(3.5), Math.log(11 / 4), Math.log(16 / 7)]);
  });

  it('rejects bad windows', () => {
    expect(() => rollingMean(x, 0)).toThrow(/window/);
    expect(() => rollingSd(x, 1)).toThrow(/window/); // sample sd needs 2 values
    expect(() => rollingZ(x, 2.5)).toThrow(/window/);
  });

  it('value i depends only on x[0..i]', () => {
    const y = Float64Array.from(x);
    y[4] = 1000;
    y[5] = -3;
    for (const f of [(a: Float64Array) => rollingMean(a, 3), (a: Float64Array) => rollingSd(a, 3), (a: Float64Array) => rollingZ(a, 3)]) {
      expect(Array.from(f(y).slice(0, 4))).toEqual(Array.from(f(x).slice(0, 4)));
    }
  });
});

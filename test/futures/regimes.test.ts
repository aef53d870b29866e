import { describe, expect, it } from 'vitest';
import { indicesOf, regimeSplits, type RegimeLabel, type RegimeSplit } from '../../src/futures/regimes.js';
import { SeededRng } from '../../src/models/seed.js';

const split = (ss: readonly RegimeSplit[], d: RegimeSplit['definition']): RegimeSplit => {
  const s = ss.find((x) => x.definition === d);
  if (!s) throw new Error(`no ${d} split`);
  return s;
};
const allRows = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

describe('regimeSplits', () => {
  it('gives the three definitions, only the day rule marked as not known at t', () => {
    const ss = regimeSplits(new Float64Array(3).fill(100), allRows(3), new Float64Array(3));
    expect(ss.map((s) => [s.definition, s.knownAtT])).toEqual([
      ['day', false],
      ['trend', true],
      ['drawdown', true],
    ]);
    for (const s of ss) expect(s.label).toHaveLength(3);
  });

  it('day: the next-day return outside ±0.05% (default band) is up or down', () => {
    const move = Float64Array.from([0.001, -0.001, 0.0005, -0.0005, 0, 0.0004, -0.0006]);
    const day = split(regimeSplits(new Float64Array(7).fill(100), allRows(7), move), 'day');
    // ±0.0005 exactly is inside the band
    expect(day.label).toEqual(['up', 'down', 'sideways', 'sideways', 'sideways', 'sideways', 'down']);
    expect(Array.from(indicesOf(day, 'down'))).toEqual([1, 6]);
    expect(Array.from(indicesOf(day, 'up'))).toEqual([0]);
    expect(Array.from(indicesOf(day, 'sideways'))).toEqual([2, 3, 4, 5]);
    // a wider band moves the ±0.1% days to sideways
    expect(split(regimeSplits(new Float64Array(7).fill(100), allRows(7), move, { dayBand: 0.002 }), 'day').label).toEqual(new Array(7).fill('sideways'));
  });

  it('trend: the trailing trendDays return against ±trendBand; sideways in warm-up', () => {
    const close = Float64Array.from([100, 100, 102, 100.5, 99, 100.5]);
    const trend = split(regimeSplits(close, allRows(6), new Float64Array(6), { trendDays: 2, trendBand: 0.01 }), 'trend');
    // r0, r1: no close 2 days back -> sideways
    // r2: 102/100 - 1 = +2% -> up;  r3: 100.5/100 - 1 = +0.5% -> sideways
    // r4: 99/102 - 1 = -2.9% -> down;  r5: 100.5/100.5 - 1 = 0 -> sideways
    expect(trend.label).toEqual(['sideways', 'sideways', 'up', 'sideways', 'down', 'sideways']);
  });

  it('trend with the defaults: a month of 0.1-point daily rises is up, a month of 0.01-point ones sideways', () => {
    const steep = Float64Array.from({ length: 41 }, (_, i) => 100 + 0.1 * i);
    const gentle = Float64Array.from({ length: 41 }, (_, i) => 100 + 0.01 * i);
    const rows = Int32Array.from([19, 20, 40]);
    // steep at row 40: 104/102 - 1 = 1.96% > 0.5%; gentle: 100.4/100.2 - 1 = 0.2% inside the band
    expect(split(regimeSplits(steep, rows, new Float64Array(3)), 'trend').label).toEqual(['sideways', 'up', 'up']);
    expect(split(regimeSplits(gentle, rows, new Float64Array(3)), 'trend').label).toEqual(['sideways', 'sideways', 'sideways']);
  });

  it('drawdown: > 2% below the running peak is down, within 0.5% of it up, between sideways', () => {
    const close = Float64Array.from([100, 101, 100.7, 99.5, 98.9, 99, 100.6, 102]);
    const dd = split(regimeSplits(close, allRows(8), new Float64Array(8)), 'drawdown');
    // peak 100, 101, 101, 101, 101, 101, 101, 102
    // D = 0; 0; 1 - 100.7/101 = 0.30%; 1 - 99.5/101 = 1.49%; 1 - 98.9/101 = 2.08%;
    //     1 - 99/101 = 1.98%; 1 - 100.6/101 = 0.40%; 0
    expect(dd.label).toEqual(['up', 'up', 'up', 'sideways', 'down', 'sideways', 'up', 'up']);
    // The peak is over the whole series up to t, including rows before the first test date.
    expect(split(regimeSplits(close, Int32Array.from([4]), new Float64Array(1)), 'drawdown').label).toEqual(['down']);
    // drawdownPct 0.01: 1.49% is now down, and 'up' is within 0.25%, so row 2 (0.30%) is sideways
    const tight = split(regimeSplits(close, allRows(8), new Float64Array(8), { drawdownPct: 0.01 }), 'drawdown');
    expect(tight.label).toEqual(['up', 'up', 'sideways', 'down', 'down', 'down', 'sideways', 'up']);
  });

  it('a close changed after t leaves the trend and drawdown regimes at t unchanged', () => {
    const n = 260;
    const rng = new SeededRng(11, 'regimes');
    const close = new Float64Array(n);
    close[0] = 100;
    for (let i = 1; i < n; i++) close[i] = close[i - 1]! * (1 + (rng.uniform() - 0.5) * 0.012);
    const rows = Int32Array.from({ length: 120 }, (_, k) => 2 * k + 1);
    const move = new Float64Array(rows.length);
    const ref = regimeSplits(close, rows, move).filter((s) => s.knownAtT);
    expect(ref.map((s) => s.definition)).toEqual(['trend', 'drawdown']);
    // each label occurs on this walk, or the check below would prove little
    for (const s of ref) expect(new Set(s.label), s.definition).toEqual(new Set<RegimeLabel>(['up', 'down', 'sideways']));
    const future = new SeededRng(12, 'future');
    for (let t = 0; t < rows.length; t++) {
      const moved = Float64Array.from(close);
      // a new high far above and a crash far below: either would flip labels if read at t
      for (let i = rows[t]! + 1; i < n; i++) moved[i] = future.uniform() < 0.5 ? 150 : 60;
      const got = regimeSplits(moved, rows, move).filter((s) => s.knownAtT);
      for (let s = 0; s < ref.length; s++) {
        expect(got[s]!.label.slice(0, t + 1), `${ref[s]!.definition} at ${t}`).toEqual(ref[s]!.label.slice(0, t + 1));
      }
    }
  });

  it('refuses unknown moves, rows outside the series and bad options', () => {
    const close = new Float64Array(5).fill(100);
    expect(() => regimeSplits(close, allRows(5), new Float64Array(4))).toThrow(/4 next-day returns for 5 test dates/);
    expect(() => regimeSplits(close, allRows(2), Float64Array.from([0, NaN]))).toThrow(/moveReturn\[1\] is NaN/);
    expect(() => regimeSplits(close, Int32Array.from([5]), new Float64Array(1))).toThrow(/rows\[0\] = 5 is outside/);
    expect(() => regimeSplits(close, allRows(5), new Float64Array(5), { trendDays: 0 })).toThrow(/trendDays/);
    expect(() => regimeSplits(close, allRows(5), new Float64Array(5), { drawdownPct: 0 })).toThrow(/drawdownPct/);
  });
});

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

  it('drawdown: > 2% below the trailing peak is down, within 0.5% of it up, between sideways', () => {
    const close = Float64Array.from([100, 101, 100.7, 99.5, 98.9, 99, 100.6, 102]);
    const dd = split(regimeSplits(close, allRows(8), new Float64Array(8)), 'drawdown');
    expect(dd.description).toBe('close more than 2% below its highest close of the last 250 trading days is down, within 0.5% of it up, otherwise sideways');
    // 8 rows, all inside the default 250-day window: peak 100, 101, 101, 101, 101, 101, 101, 102
    // D = 0; 0; 1 - 100.7/101 = 0.30%; 1 - 99.5/101 = 1.49%; 1 - 98.9/101 = 2.08%;
    //     1 - 99/101 = 1.98%; 1 - 100.6/101 = 0.40%; 0
    expect(dd.label).toEqual(['up', 'up', 'up', 'sideways', 'down', 'sideways', 'up', 'up']);
    // The peak's window includes rows before the first test date.
    expect(split(regimeSplits(close, Int32Array.from([4]), new Float64Array(1)), 'drawdown').label).toEqual(['down']);
    // drawdownPct 0.01: 1.49% is now down, and 'up' is within 0.25%, so row 2 (0.30%) is sideways
    const tight = split(regimeSplits(close, allRows(8), new Float64Array(8), { drawdownPct: 0.01 }), 'drawdown');
    expect(tight.label).toEqual(['up', 'up', 'sideways', 'down', 'down', 'down', 'sideways', 'up']);
  });

  it('drawdown: the peak is the highest close of the last drawdownDays rows, row r included', () => {
    const close = Float64Array.from([100, 103, 101, 100.5, 100.9, 99, 98, 101.5]);
    const dd = split(regimeSplits(close, allRows(8), new Float64Array(8), { drawdownDays: 3 }), 'drawdown');
    // window peak: r0 100 (warm-up), r1 103 (warm-up), r2 max(100, 103, 101) = 103, r3 max(103, 101, 100.5) = 103,
    //   r4 max(101, 100.5, 100.9) = 101 (103 has left the window), r5 max(100.5, 100.9, 99) = 100.9,
    //   r6 max(100.9, 99, 98) = 100.9, r7 max(99, 98, 101.5) = 101.5
    // D: 0; 0; 1 - 101/103 = 1.94%; 1 - 100.5/103 = 2.43%; 1 - 100.9/101 = 0.10%;
    //    1 - 99/100.9 = 1.88%; 1 - 98/100.9 = 2.87%; 0
    expect(dd.label).toEqual(['up', 'up', 'sideways', 'down', 'up', 'sideways', 'down', 'up']);
    // A peak since row 0 (window longer than the series) keeps 103: r4 2.04% down, r5 3.88% down, r7 1.46% sideways.
    const never = split(regimeSplits(close, allRows(8), new Float64Array(8), { drawdownDays: 8 }), 'drawdown');
    expect(never.label).toEqual(['up', 'up', 'sideways', 'down', 'down', 'down', 'down', 'sideways']);
  });

  it('drawdown: a fall longer ago than the window, flat since, is no longer down (the peak resets)', () => {
    // 100 for rows 0..4, then a 5% fall to 95 held flat for 300 rows (5..304).
    const close = Float64Array.from({ length: 305 }, (_, i) => (i < 5 ? 100 : 95));
    const rows = Int32Array.from([4, 5, 253, 254, 304]);
    // default 250 days: the window of row 253 is rows 4..253 and still holds a 100 (D = 5%, down);
    // that of row 254 is rows 5..254, all 95 (D = 0, up), and so on to the end.
    expect(split(regimeSplits(close, rows, new Float64Array(5)), 'drawdown').label).toEqual(['up', 'down', 'down', 'up', 'up']);
    // the old rule, a peak that never resets (window as long as the series), says down to the end
    expect(split(regimeSplits(close, rows, new Float64Array(5), { drawdownDays: 305 }), 'drawdown').label).toEqual(['up', 'down', 'down', 'down', 'down']);
  });

  it('drawdown warm-up: before a full window the peak is over the rows there are, test dates or not', () => {
    const close = Float64Array.from([100, 97, 99, 96.5, 98, 98]);
    const opts = { drawdownDays: 4 };
    const dd = split(regimeSplits(close, allRows(6), new Float64Array(6), opts), 'drawdown');
    // r0..r3 are warm-up (rows 0..r, peak 100): D 0 up; 3% down; 1% sideways; 3.5% down.
    // r4: rows 1..4, peak 99, 1 - 98/99 = 1.01% sideways; r5: rows 2..5, peak 99, sideways.
    expect(dd.label).toEqual(['up', 'down', 'sideways', 'down', 'sideways', 'sideways']);
    // rows before the first test date still count: a lone test date at row 1 sees row 0's 100
    expect(split(regimeSplits(close, Int32Array.from([1, 4]), new Float64Array(2), opts), 'drawdown').label).toEqual(['down', 'sideways']);
  });

  it.each([
    ['the default drawdown window', {}],
    ['a 30-day drawdown window', { drawdownDays: 30 }],
  ])('a close changed after t leaves the trend and drawdown regimes at t unchanged (%s)', (_name, opts) => {
    const n = 260;
    const rng = new SeededRng(11, 'regimes');
    const close = new Float64Array(n);
    close[0] = 100;
    for (let i = 1; i < n; i++) close[i] = close[i - 1]! * (1 + (rng.uniform() - 0.5) * 0.012);
    const rows = Int32Array.from({ length: 120 }, (_, k) => 2 * k + 1);
    const move = new Float64Array(rows.length);
    const ref = regimeSplits(close, rows, move, opts).filter((s) => s.knownAtT);
    expect(ref.map((s) => s.definition)).toEqual(['trend', 'drawdown']);
    // each label occurs on this walk, or the check below would prove little
    for (const s of ref) expect(new Set(s.label), s.definition).toEqual(new Set<RegimeLabel>(['up', 'down', 'sideways']));
    const future = new SeededRng(12, 'future');
    for (let t = 0; t < rows.length; t++) {
      const moved = Float64Array.from(close);
      // a new high far above and a crash far below: either would flip labels if read at t
      for (let i = rows[t]! + 1; i < n; i++) moved[i] = future.uniform() < 0.5 ? 150 : 60;
      const got = regimeSplits(moved, rows, move, opts).filter((s) => s.knownAtT);
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

  it('refuses a drawdownDays that is not a whole number of at least 2, naming it', () => {
    const close = new Float64Array(5).fill(100);
    for (const drawdownDays of [0, 1, -250, 2.5, NaN, Infinity]) {
      expect(() => regimeSplits(close, allRows(5), new Float64Array(5), { drawdownDays }), String(drawdownDays)).toThrow(
        new RangeError(`regimeSplits: drawdownDays must be an integer >= 2, got ${drawdownDays}`),
      );
    }
    // 2 is the shortest window that can see a fall; undefined takes the default
    expect(split(regimeSplits(Float64Array.from([100, 97]), allRows(2), new Float64Array(2), { drawdownDays: 2 }), 'drawdown').label).toEqual(['up', 'down']);
    expect(split(regimeSplits(close, allRows(5), new Float64Array(5), { drawdownDays: undefined }), 'drawdown').description).toContain('last 250 trading days');
  });
});

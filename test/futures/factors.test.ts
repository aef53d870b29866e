import { describe, expect, it } from 'vitest';
import { buyAndHold, combineSignals, probabilitySignal, traditionalFactors, type FactorSignal } from '../../src/futures/factors.js';
import { SeededRng } from '../../src/models/seed.js';

const byName = (fs: readonly FactorSignal[], name: string): number[] => {
  const f = fs.find((x) => x.name === name);
  if (!f) throw new Error(`no factor ${name}`);
  return Array.from(f.signal);
};
const allRows = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** A random walk around 100 with T-like daily moves (sd ~0.25%). */
function walk(n: number, seed: number): Float64Array {
  const rng = new SeededRng(seed, 'factors');
  const c = new Float64Array(n);
  c[0] = 100;
  for (let i = 1; i < n; i++) c[i] = c[i - 1]! * (1 + (rng.uniform() - 0.5) * 0.009);
  return c;
}

describe('traditionalFactors', () => {
  it('names the standard rules', () => {
    const fs = traditionalFactors(walk(80, 1), allRows(80));
    expect(fs.map((f) => f.name)).toEqual(['mom20', 'mom60', 'ma5_20', 'brk20']);
    for (const f of fs) expect(f.description.length).toBeGreaterThan(20);
  });

  it('every trend rule is +1 in a steady up-trend and -1 in a steady down-trend, once warmed up', () => {
    const up = Float64Array.from({ length: 120 }, (_, i) => 100 + 0.1 * i);
    const down = Float64Array.from({ length: 120 }, (_, i) => 100 - 0.1 * i);
    const rows = Int32Array.from({ length: 60 }, (_, k) => 60 + k);
    for (const f of traditionalFactors(up, rows)) expect(Array.from(f.signal), f.name).toEqual(new Array(60).fill(1));
    for (const f of traditionalFactors(down, rows)) expect(Array.from(f.signal), f.name).toEqual(new Array(60).fill(-1));
  });

  it('is flat (0) until each rule has its history', () => {
    const up = Float64Array.from({ length: 70 }, (_, i) => 100 + 0.1 * i);
    const fs = traditionalFactors(up, Int32Array.from([0, 18, 19, 20, 59, 60]));
    // mom20 compares row r with r-20: first at r = 20. mom60: first at 60.
    expect(byName(fs, 'mom20')).toEqual([0, 0, 0, 1, 1, 1]);
    expect(byName(fs, 'mom60')).toEqual([0, 0, 0, 0, 0, 1]);
    // ma5_20 needs 20 closes: rows 0..19, first at r = 19.
    expect(byName(fs, 'ma5_20')).toEqual([0, 0, 1, 1, 1, 1]);
    // brk20 compares row r with the 20 closes before it: first at r = 20.
    expect(byName(fs, 'brk20')).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('ma5_20 follows the averages, not the last move', () => {
    // 15 closes at 110, then 100..104 rising: MA5 = 102, MA20 = (15*110 + 510)/20 = 108, so -1
    // although the last five days rose; a flat series has MA5 = MA20, which is not above: -1.
    const c = Float64Array.from([...new Array(15).fill(110), 100, 101, 102, 103, 104]);
    expect(byName(traditionalFactors(c, Int32Array.from([19])), 'ma5_20')).toEqual([-1]);
    const flat = new Float64Array(25).fill(100);
    const fs = traditionalFactors(flat, Int32Array.from([24]));
    expect(byName(fs, 'ma5_20')).toEqual([-1]);
    expect(byName(fs, 'mom20')).toEqual([0]); // no change over 20 days: no view
    expect(byName(fs, 'brk20')).toEqual([0]); // never broke out
  });

  it('mom20 is the sign of the 20-day change', () => {
    // close[25] vs close[5]: 99 < 100 -> -1 although close[25] > close[24]
    const c = new Float64Array(26).fill(100);
    c[24] = 98;
    c[25] = 99;
    expect(byName(traditionalFactors(c, Int32Array.from([24, 25])), 'mom20')).toEqual([-1, -1]);
    c[25] = 100.5;
    expect(byName(traditionalFactors(c, Int32Array.from([25])), 'mom20')).toEqual([1]);
  });

  it('brk20 turns on a breakout of the prior 20 closes and holds until the opposite one', () => {
    // rows 0..19 alternate 100, 101: channel [100, 101]
    const c = Float64Array.from([...Array.from({ length: 20 }, (_, i) => 100 + (i % 2)), 102, 100.5, 99, 100.5]);
    // row 20: 102 > 101 -> +1; row 21: 100.5 inside [100, 102] -> holds +1;
    // row 22: 99 < min(rows 2..21) = 100 -> -1; row 23: 100.5 inside [99, 102] -> holds -1.
    expect(byName(traditionalFactors(c, Int32Array.from([19, 20, 21, 22, 23])), 'brk20')).toEqual([0, 1, 1, -1, -1]);
  });

  it('a close changed after t leaves every factor at t unchanged', () => {
    const n = 240;
    const base = walk(n, 7);
    // test dates: every second row from 0 (warm-up included), the series runs past the last one
    const rows = Int32Array.from({ length: 110 }, (_, k) => 2 * k);
    const ref = traditionalFactors(base, rows);
    // the rules must take every side on this walk, or the check below would prove little
    for (const f of ref) expect(new Set(f.signal), f.name).toEqual(new Set([-1, 0, 1]));
    const rng = new SeededRng(8, 'future');
    for (let t = 0; t < rows.length; t++) {
      const moved = Float64Array.from(base);
      // a different future: every close after row[t] redrawn, with jumps far outside the channel
      for (let i = rows[t]! + 1; i < n; i++) moved[i] = 80 + 40 * rng.uniform();
      const got = traditionalFactors(moved, rows);
      for (let f = 0; f < ref.length; f++) {
        expect(Array.from(got[f]!.signal.subarray(0, t + 1)), `${ref[f]!.name} at ${t}`).toEqual(Array.from(ref[f]!.signal.subarray(0, t + 1)));
      }
    }
  });

  it('rejects rows outside the close series', () => {
    expect(() => traditionalFactors(new Float64Array(10), Int32Array.from([10]))).toThrow(/rows\[0\] = 10 is outside/);
  });
});

describe('buyAndHold', () => {
  it('is always long', () => {
    const b = buyAndHold(3);
    expect(b.name).toBe('long');
    expect(Array.from(b.signal)).toEqual([1, 1, 1]);
  });
});

describe('combineSignals', () => {
  it('is sum w_i s_i / sum |w_i|', () => {
    const a = Float64Array.from([1, -1, 0.5, 1]);
    const b = Float64Array.from([1, 1, -1, NaN]);
    // weights 2 and -1 (fade b), |w| sum 3:
    // (2 - 1)/3 = 1/3; (-2 - 1)/3 = -1; (1 + 1)/3 = 2/3; NaN in b -> NaN
    const c = combineSignals([a, b], [2, -1]);
    expect(c[0]).toBeCloseTo(1 / 3, 15);
    expect(c[1]).toBeCloseTo(-1, 15);
    expect(c[2]).toBeCloseTo(2 / 3, 15);
    expect(c[3]).toBeNaN();
  });

  it('blends the model with a factor, and clips inputs outside [-1, 1]', () => {
    // model 2p - 1 at p = 0.8 is 0.6; mom20 = -1; equal weights: (0.6 - 1)/2 = -0.2
    const c = combineSignals([probabilitySignal([0.8]), Float64Array.from([-1])], [1, 1]);
    expect(c[0]).toBeCloseTo(-0.2, 15);
    expect(Array.from(combineSignals([Float64Array.from([3, -2])], [0.5]))).toEqual([1, -1]);
  });

  it('refuses mismatched parts and weights', () => {
    expect(() => combineSignals([], [])).toThrow(/no signals/);
    expect(() => combineSignals([new Float64Array(2)], [1, 1])).toThrow(/2 weights for 1 signals/);
    expect(() => combineSignals([new Float64Array(2), new Float64Array(3)], [1, 1])).toThrow(/signal 1 has 3 dates/);
    expect(() => combineSignals([new Float64Array(2)], [0])).toThrow(/all weights are 0/);
  });
});

describe('probabilitySignal', () => {
  it('maps p to 2p - 1', () => {
    const s = probabilitySignal([0, 0.25, 0.5, 1, NaN]);
    expect(Array.from(s.subarray(0, 4))).toEqual([-1, -0.5, 0, 1]);
    expect(s[4]).toBeNaN();
    expect(() => probabilitySignal([1.2])).toThrow(/prob\[0\] = 1.2/);
  });
});

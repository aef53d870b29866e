import { describe, expect, it } from 'vitest';
import { styleExposures, STYLES } from '../../src/equity/exposures.js';
import { cell } from '../../src/equity/panel.js';
import { randomPanel } from '../helpers/equity-panel.js';

describe('style exposures', () => {
  // Four industries, so missing exposures can be filled (an unclassified stock cannot be).
  const classify = <P extends ReturnType<typeof randomPanel>>(q: P): P => ({ ...q, industry: Int32Array.from(q.codes, (_, j) => j % 4), industries: ['A', 'B', 'C', 'D'] });
  const p = classify(randomPanel(60, 400, 5));
  const e = styleExposures(p);
  const N = p.codes.length;
  const at = (name: string, t: number): Float64Array => e.styles.find((s) => s.name === name)!.exposure.subarray(cell(p, t, 0), cell(p, t + 1, 0));
  const cap = (t: number): Float64Array => p.floatCap.subarray(cell(p, t, 0), cell(p, t + 1, 0));
  const wmean = (x: ArrayLike<number>, w: ArrayLike<number>): number => {
    let s = 0;
    let sw = 0;
    for (let j = 0; j < x.length; j++) if (Number.isFinite(x[j]!) && w[j]! > 0) (s += w[j]! * x[j]!), (sw += w[j]!);
    return s / sw;
  };
  const sd = (x: ArrayLike<number>): number => {
    const v = Array.from(x).filter(Number.isFinite);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
  };

  it('every style that has data on a date is standardised: cap-weighted mean 0, sd 1, over the stocks with a cap', () => {
    expect(e.styles.map((s) => s.name)).toEqual([...STYLES]);
    const t = 399; // every window filled
    for (const s of e.styles) {
      const x = at(s.name, t);
      if (!x.some(Number.isFinite)) continue;
      expect(wmean(x, cap(t)), s.name).toBeCloseTo(0, 10);
      expect(sd(x), s.name).toBeCloseTo(1, 10);
      // every stock with a cap has an exposure (filled where its data was missing)
      for (let j = 0; j < N; j++) expect(Number.isFinite(x[j]!), `${s.name} ${p.codes[j]}`).toBe(cap(t)[j]! > 0);
    }
  });

  it('residual volatility is orthogonal to beta and size, liquidity to size (regression weights sqrt(cap)), before any fill', () => {
    const t = 399;
    const w = Float64Array.from(cap(t), Math.sqrt);
    const dot = (a: Float64Array, b: Float64Array): number => {
      const ma = wmean(a, w);
      let s = 0;
      for (let j = 0; j < N; j++) if (Number.isFinite(a[j]!) && Number.isFinite(b[j]!)) s += w[j]! * (a[j]! - ma) * b[j]!;
      return s;
    };
    const noFill = styleExposures(p, { fill: false, styles: ['size', 'beta', 'residual_volatility', 'liquidity'] });
    const x = (n: string): Float64Array => noFill.styles.find((s) => s.name === n)!.exposure.subarray(cell(p, t, 0), cell(p, t + 1, 0));
    expect(Math.abs(dot(x('residual_volatility'), x('beta')))).toBeLessThan(1e-6 * N);
    expect(Math.abs(dot(x('residual_volatility'), x('size')))).toBeLessThan(1e-6 * N);
    expect(Math.abs(dot(x('liquidity'), x('size')))).toBeLessThan(1e-6 * N);
  });

  it('a style sits out the dates where too few stocks have it (momentum before its 252 days), and says how much came from data', () => {
    expect(at('momentum', 100).every(Number.isNaN)).toBe(true);
    expect(at('momentum', 399).some(Number.isFinite)).toBe(true);
    expect(at('size', 0).some(Number.isFinite)).toBe(true);
    expect(e.coverage['size']).toBe(1);
    expect(e.coverage['momentum']!).toBeGreaterThan(0);
    expect(e.coverage['momentum']!).toBeLessThan(e.coverage['size']!);
  });

  it('an exposure at t does not change when the panel after t is rewritten', () => {
    const t = 300;
    const q = classify(randomPanel(60, 400, 5));
    for (const m of [q.ret, q.close, q.turnover, q.floatCap, q.totalCap, q.bookToPrice, q.earningsToPrice]) for (let i = cell(q, t + 1, 0); i < m.length; i++) m[i] = m[i]! * 1.7 + 0.01;
    const e2 = styleExposures({ ...q, fundamentals: q.fundamentals.filter((r) => r.announced < q.dates[t + 1]!) });
    for (const s of e.styles) expect(Array.from(e2.styles.find((x) => x.name === s.name)!.exposure.subarray(cell(p, t, 0), cell(p, t + 1, 0))), s.name).toEqual(Array.from(at(s.name, t)));
  });
});

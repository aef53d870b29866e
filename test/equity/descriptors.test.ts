import { describe, expect, it } from 'vitest';
import {
  betaAndHsigma,
  blend,
  bookToPrice,
  capWeightedMarket,
  cmra,
  dastd,
  earningsYield,
  ewWeights,
  growth,
  leverage,
  liquidity,
  momentum,
  profitability,
  profitGrowth,
  residualVolatility,
  revenueGrowth,
  roaTtm,
  roeTtm,
  size,
  stoa,
  stom,
  stoq,
} from '../../src/equity/descriptors.js';
import type { FundamentalReport, StockPanel } from '../../src/equity/panel.js';
import { Rng } from '../../src/synth/rng.js';
import { code, makePanel, randomPanel, report } from '../helpers/equity-panel.js';

const at = (p: Pick<StockPanel, 'codes'>, m: Float64Array, t: number, j: number): number => m[t * p.codes.length + j]!;
const column = (p: Pick<StockPanel, 'codes' | 'dates'>, m: Float64Array, j: number): number[] => p.dates.map((_, t) => at(p, m, t, j));

/** Same NaN pattern and values within `tol`. */
function expectClose(actual: Float64Array, expected: Float64Array, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(a) !== Number.isNaN(e)) throw new Error(`cell ${i}: got ${a}, expected ${e}`);
      continue;
    }
    worst = Math.max(worst, Math.abs(a - e));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

const finiteCount = (m: Float64Array): number => m.reduce((c, x) => c + (Number.isFinite(x) ? 1 : 0), 0);

// ---------------------------------------------------------------------------------------------
// Naive O(window) references, written independently of the running-sum code.

type Ret = Pick<StockPanel, 'codes' | 'dates' | 'ret' | 'tradable'>;

function naiveBeta(p: Ret, market: Float64Array, window: number, halfLife: number, minObs: number): { beta: Float64Array; hsigma: Float64Array } {
  const n = p.codes.length;
  const T = p.dates.length;
  const beta = new Float64Array(T * n).fill(NaN);
  const hsigma = new Float64Array(T * n).fill(NaN);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < n; j++) {
      const w: number[] = [];
      const x: number[] = [];
      const y: number[] = [];
      for (let k = 0; k < window && t - k >= 0; k++) {
        const s = t - k;
        const r = p.ret[s * n + j]!;
        if (p.tradable[s * n + j] !== 1 || !Number.isFinite(r) || !Number.isFinite(market[s]!)) continue;
        w.push(0.5 ** (k / halfLife));
        x.push(market[s]!);
        y.push(r);
      }
      if (w.length < minObs) continue;
      const sw = w.reduce((a, b) => a + b, 0);
      const mx = w.reduce((a, wi, i) => a + wi * x[i]!, 0) / sw;
      const my = w.reduce((a, wi, i) => a + wi * y[i]!, 0) / sw;
      const vx = w.reduce((a, wi, i) => a + wi * (x[i]! - mx) ** 2, 0) / sw;
      const cxy = w.reduce((a, wi, i) => a + wi * (x[i]! - mx) * (y[i]! - my), 0) / sw;
      const b = cxy / vx;
      const alpha = my - b * mx;
      const ve = w.reduce((a, wi, i) => a + wi * (y[i]! - alpha - b * x[i]!) ** 2, 0) / sw;
      beta[t * n + j] = b;
      hsigma[t * n + j] = Math.sqrt(ve);
    }
  }
  return { beta, hsigma };
}

function naiveMomentum(p: Ret, window: number, lag: number, halfLife: number, minObs: number): Float64Array {
  const n = p.codes.length;
  const out = new Float64Array(p.dates.length * n).fill(NaN);
  let norm = 0;
  for (let m = 0; m < window; m++) norm += 0.5 ** (m / halfLife);
  for (let t = 0; t < p.dates.length; t++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let count = 0;
      for (let m = 0; m < window; m++) {
        const row = t - lag - m;
        if (row < 0) break;
        const r = p.ret[row * n + j]!;
        if (p.tradable[row * n + j] !== 1 || !Number.isFinite(r)) continue;
        s += 0.5 ** (m / halfLife) * Math.log(1 + r);
        count++;
      }
      if (count >= minObs) out[t * n + j] = s / norm;
    }
  }
  return out;
}

function naiveDastd(p: Ret, window: number, halfLife: number, minObs: number): Float64Array {
  const n = p.codes.length;
  const out = new Float64Array(p.dates.length * n).fill(NaN);
  for (let t = 0; t < p.dates.length; t++) {
    for (let j = 0; j < n; j++) {
      const w: number[] = [];
      const y: number[] = [];
      for (let k = 0; k < window && t - k >= 0; k++) {
        const r = p.ret[(t - k) * n + j]!;
        if (p.tradable[(t - k) * n + j] !== 1 || !Number.isFinite(r)) continue;
        w.push(0.5 ** (k / halfLife));
        y.push(r);
      }
      if (w.length < minObs) continue;
      const sw = w.reduce((a, b) => a + b, 0);
      const m = w.reduce((a, wi, i) => a + wi * y[i]!, 0) / sw;
      out[t * n + j] = Math.sqrt(w.reduce((a, wi, i) => a + wi * (y[i]! - m) ** 2, 0) / sw);
    }
  }
  return out;
}

function naiveCmra(p: Ret, months: number, daysPerMonth: number, minObs: number): Float64Array {
  const n = p.codes.length;
  const out = new Float64Array(p.dates.length * n).fill(NaN);
  const window = months * daysPerMonth;
  for (let t = window - 1; t < p.dates.length; t++) {
    for (let j = 0; j < n; j++) {
      let traded = 0;
      const z: number[] = [];
      let cum = 0;
      for (let k = 0; k < window; k++) {
        const r = p.ret[(t - k) * n + j]!;
        if (p.tradable[(t - k) * n + j] === 1 && Number.isFinite(r)) {
          cum += Math.log(1 + r);
          traded++;
        }
        if ((k + 1) % daysPerMonth === 0) z.push(cum);
      }
      if (traded >= minObs) out[t * n + j] = Math.max(...z) - Math.min(...z);
    }
  }
  return out;
}

function naiveLogTurnover(p: Pick<StockPanel, 'codes' | 'dates' | 'turnover' | 'tradable'>, months: number, daysPerMonth: number): Float64Array {
  const n = p.codes.length;
  const out = new Float64Array(p.dates.length * n).fill(NaN);
  const window = months * daysPerMonth;
  for (let t = window - 1; t < p.dates.length; t++) {
    for (let j = 0; j < n; j++) {
      let total = 0;
      let traded = 0;
      for (let k = 0; k < window; k++) {
        const i = (t - k) * n + j;
        if (p.tradable[i] !== 1) continue;
        traded++;
        total += p.turnover[i]!;
      }
      if (traded * 2 > window && total > 0) out[t * n + j] = Math.log(total / months);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('ewWeights', () => {
  it('gives the day k days back 0.5^(k / halfLife), normalised to sum 1 by default', () => {
    expect(Array.from(ewWeights(3, 1, false))).toEqual([1, 0.5, 0.25]);
    const w = ewWeights(3, 1);
    expect(w[0]).toBeCloseTo(4 / 7, 15);
    expect(w[1]).toBeCloseTo(2 / 7, 15);
    expect(w[2]).toBeCloseTo(1 / 7, 15);
    expect(ewWeights(5, 2, false)[2]).toBeCloseTo(0.5, 15);
  });

  it('rejects a bad window or half-life', () => {
    expect(() => ewWeights(0, 1)).toThrow(/window/);
    expect(() => ewWeights(3, 0)).toThrow(/halfLife/);
  });
});

describe('blend', () => {
  it('re-weights over the parts present in each cell', () => {
    const b = blend([
      [Float64Array.from([1, NaN, NaN]), 3],
      [Float64Array.from([2, 2, NaN]), 1],
    ]);
    expect(b[0]).toBeCloseTo((3 * 1 + 2) / 4, 15);
    expect(b[1]).toBe(2);
    expect(b[2]).toBeNaN();
  });
});

describe('capWeightedMarket', () => {
  it("weights each traded stock's return by its previous float cap, carried over a suspension", () => {
    const caps = [
      [100, 100, 110, 120],
      [300, NaN, NaN, 330],
      [100, 200, 200, 200],
    ];
    const rets = [
      [0, 0.01, 0.1, 0.02],
      [0, NaN, NaN, 0.05],
      [0, 0.02, 0, -0.01],
    ];
    const p = makePanel({
      stocks: 3,
      days: 4,
      tradable: (t, j) => !(j === 1 && (t === 1 || t === 2)),
      fill: { floatCap: (t, j) => caps[j]![t]!, ret: (t, j) => rets[j]![t]! },
    });
    const m = capWeightedMarket(p);
    expect(m[0]).toBeNaN(); // no previous cap
    expect(m[1]).toBeCloseTo((100 * 0.01 + 100 * 0.02) / 200, 15); // stock 1 suspended
    expect(m[2]).toBeCloseTo((100 * 0.1 + 200 * 0) / 300, 15);
    expect(m[3]).toBeCloseTo((110 * 0.02 + 300 * 0.05 + 200 * -0.01) / 610, 15); // stock 1 back, at its last cap
  });
});

describe('betaAndHsigma', () => {
  const market = [0.01, -0.01, 0.02, 0.0, 0.01];
  const y1 = [0.02, 0.0, 0.01, 0.01, -0.01];
  const panel = makePanel({
    stocks: 3,
    days: 5,
    tradable: (t, j) => !(j === 2 && t === 3),
    fill: {
      ret: (t, j) => (j === 0 ? 0.001 + 1.5 * market[t]! : j === 1 ? y1[t]! : 0.003 - 0.5 * market[t]! + (t % 2) * 0.004),
    },
  });
  const m = Float64Array.from(market);

  it('regresses with weights 1, 1/2, 1/4 over a 3-day window (half-life 1), by hand', () => {
    const { beta, hsigma } = betaAndHsigma(panel, m, { window: 3, halfLife: 1, minObs: 3 });
    expect(at(panel, beta, 1, 0)).toBeNaN(); // two days < minObs
    for (let t = 2; t < 5; t++) {
      expect(at(panel, beta, t, 0)).toBeCloseTo(1.5, 12); // an exact line: slope 1.5, no residual
      expect(at(panel, hsigma, t, 0)).toBeCloseTo(0, 9);
    }
    // Stock 1 at t = 2, in units of 0.01: x = (1, -1, 2), y = (2, 0, 1), weights (1, 2, 4)/7 oldest
    // first. Mean x = 1, var x = 12/7, cov = 4/7 -> beta = 1/3; intercept 6/7 - 1/3 = 11/21;
    // residuals (8/7, -4/21, -4/21), weighted variance (64/49 + 6 * 16/441) / 7 = 32/147.
    expect(at(panel, beta, 2, 1)).toBeCloseTo(1 / 3, 12);
    expect(at(panel, hsigma, 2, 1)).toBeCloseTo(0.01 * Math.sqrt(32 / 147), 14);
  });

  it('skips days the stock did not trade; they do not count toward minObs', () => {
    const strict = betaAndHsigma(panel, m, { window: 3, halfLife: 1, minObs: 3 });
    expect(at(panel, strict.beta, 3, 2)).toBeNaN(); // rows 1..3 hold 2 traded days
    expect(at(panel, strict.beta, 4, 2)).toBeNaN(); // rows 2..4 hold 2 traded days
    const loose = betaAndHsigma(panel, m, { window: 3, halfLife: 1, minObs: 2 });
    // Rows 2 and 4 only: two points, fitted exactly.
    const y = (t: number): number => at(panel, panel.ret, t, 2);
    expect(at(panel, loose.beta, 4, 2)).toBeCloseTo((y(4) - y(2)) / (market[4]! - market[2]!), 12);
    expect(at(panel, loose.hsigma, 4, 2)).toBeCloseTo(0, 9);
  });

  it('uses excess returns over the risk-free series for both sides', () => {
    const rf = [0.001, 0.002, 0.0, 0.003, 0.001];
    const p = makePanel({ stocks: 1, days: 5, fill: { ret: (t) => rf[t]! + 2 * (market[t]! - rf[t]!) } });
    const withRf = betaAndHsigma(p, m, { window: 5, halfLife: 2, minObs: 3, riskFree: rf });
    expect(withRf.beta[4]).toBeCloseTo(2, 12);
    expect(withRf.hsigma[4]).toBeCloseTo(0, 9);
    expect(Math.abs(betaAndHsigma(p, m, { window: 5, halfLife: 2, minObs: 3 }).beta[4]! - 2)).toBeGreaterThan(1e-3);
  });
});

describe('momentum', () => {
  const r = [0.1, -0.05, 0.02, 0.03, 0.04];
  const p = makePanel({ stocks: 2, days: 5, tradable: (t, j) => !(j === 1 && t === 2), fill: { ret: (t) => r[t]! } });
  const opts = { window: 3, lag: 1, halfLife: 1, minObs: 2 };

  it('sums log returns of the window ending lag days back, weights 1, 1/2, 1/4 normalised', () => {
    const rstr = momentum(p, opts);
    const L = Math.log1p;
    expect(at(p, rstr, 1, 0)).toBeNaN(); // only row 0 in the window
    expect(at(p, rstr, 2, 0)).toBeCloseTo((L(-0.05) + 0.5 * L(0.1)) / 1.75, 15);
    expect(at(p, rstr, 3, 0)).toBeCloseTo((L(0.02) + 0.5 * L(-0.05) + 0.25 * L(0.1)) / 1.75, 15);
    expect(at(p, rstr, 4, 0)).toBeCloseTo((L(0.03) + 0.5 * L(0.02) + 0.25 * L(-0.05)) / 1.75, 15); // row 4 itself unused
    // Stock 1 did not trade on row 2: that day adds nothing.
    expect(at(p, rstr, 3, 1)).toBeCloseTo((0.5 * L(-0.05) + 0.25 * L(0.1)) / 1.75, 15);
  });

  it('subtracts ln(1 + rf)', () => {
    const rf = [0.001, 0.001, 0.002, 0.0, 0.0];
    const rstr = momentum(p, { ...opts, riskFree: rf });
    const x = (t: number): number => Math.log1p(r[t]!) - Math.log1p(rf[t]!);
    expect(at(p, rstr, 3, 0)).toBeCloseTo((x(2) + 0.5 * x(1) + 0.25 * x(0)) / 1.75, 15);
  });
});

describe('dastd', () => {
  it('is the weighted sd about the weighted mean, weights 1, 1/2, 1/4 over 3 days, by hand', () => {
    const r = [0.01, 0.03, -0.02];
    const p = makePanel({ stocks: 1, days: 3, fill: { ret: (t) => r[t]! } });
    const d = dastd(p, { window: 3, halfLife: 1, minObs: 2 });
    expect(d[0]).toBeNaN();
    // Weights oldest first (1, 2, 4)/7: mean -0.01/7, variance 0.0035/7 - (0.01/7)^2 = 0.0244/49.
    expect(d[2]).toBeCloseTo(Math.sqrt(0.0244) / 7, 15);
    expect(d[1]).toBeCloseTo(Math.sqrt((1 / 3) * (2 / 3)) * 0.02, 15); // two days, weights 1/3, 2/3
  });
});

describe('cmra', () => {
  const r = [0.1, 0.1, -0.2, 0.05, 0.3, -0.1];
  const p = makePanel({ stocks: 1, days: 6, fill: { ret: (t) => r[t]! } });

  it('is max Z - min Z over cumulative log returns of the last 1..3 two-day months, by hand', () => {
    const c = cmra(p, { months: 3, daysPerMonth: 2, minObs: 1 });
    expect(c[4]).toBeNaN(); // the panel does not hold 6 days yet
    const L = Math.log1p;
    const z1 = L(0.3) + L(-0.1);
    const z2 = z1 + L(-0.2) + L(0.05);
    const z3 = z2 + 2 * L(0.1);
    expect(z3).toBeGreaterThan(z1);
    expect(z2).toBeLessThan(z1);
    expect(c[5]).toBeCloseTo(z3 - z2, 15);
    // The same as ln(1 + Rmax) - ln(1 + Rmin) on simple cumulative returns.
    const R = (z: number): number => Math.exp(z) - 1;
    expect(c[5]).toBeCloseTo(Math.log(1 + R(z3)) - Math.log(1 + R(z2)), 14);
  });

  it('stays defined when a cumulative log return is below -1', () => {
    const q = makePanel({ stocks: 1, days: 4, fill: { ret: (t) => (t < 2 ? 0.05 : -0.5) } });
    const c = cmra(q, { months: 2, daysPerMonth: 2, minObs: 1 });
    // Z1 = 2 ln 0.5 < -1, where ln(1 + Z1) is undefined; Z2 = Z1 + 2 ln 1.05.
    expect(2 * Math.log(0.5)).toBeLessThan(-1);
    expect(c[3]).toBeCloseTo(2 * Math.log(1.05), 14);
  });

  it('needs minObs traded days in the window', () => {
    const q = makePanel({ stocks: 1, days: 6, tradable: (t) => t >= 3, fill: { ret: (t) => r[t]! } });
    expect(cmra(q, { months: 3, daysPerMonth: 2, minObs: 4 })[5]).toBeNaN();
    // Rows 3..5 traded: Z1 = ln 1.3 + ln 0.9, Z2 = Z3 = Z1 + ln 1.05 (rows 0..2 add 0).
    expect(cmra(q, { months: 3, daysPerMonth: 2, minObs: 3 })[5]).toBeCloseTo(Math.log1p(0.05), 15);
  });
});

describe('residualVolatility', () => {
  it('is 0.74 DASTD + 0.16 CMRA + 0.10 HSIGMA, re-weighted where one is missing', () => {
    const rv = residualVolatility(Float64Array.from([1, NaN]), Float64Array.from([2, 2]), Float64Array.from([3, 4]));
    expect(rv[0]).toBeCloseTo(0.74 + 0.32 + 0.3, 15);
    expect(rv[1]).toBeCloseTo((0.16 * 2 + 0.1 * 4) / 0.26, 15);
  });
});

describe('liquidity', () => {
  // Months of 2 days: STOM over 2 days, STOQ over 6, STOA over 24.
  const p = makePanel({
    stocks: 3,
    days: 30,
    tradable: (t, j) => (j === 1 ? t % 2 === 1 : j === 2 ? t !== 10 : true),
    fill: { turnover: (t) => 0.01 * (t + 1) },
  });
  const opts = { daysPerMonth: 2 };

  it('STOM, STOQ, STOA are ln of the mean monthly turnover over 1, 3, 12 months, by hand', () => {
    const m = stom(p, opts);
    const q = stoq(p, opts);
    const a = stoa(p, opts);
    expect(at(p, m, 0, 0)).toBeNaN();
    expect(at(p, m, 7, 0)).toBeCloseTo(Math.log(0.01 * (8 + 7)), 14);
    expect(at(p, q, 4, 0)).toBeNaN();
    expect(at(p, q, 5, 0)).toBeCloseTo(Math.log((0.01 * 21) / 3), 14); // turnover 0.01..0.06
    expect(at(p, a, 22, 0)).toBeNaN();
    expect(at(p, a, 23, 0)).toBeCloseTo(Math.log((0.01 * 300) / 12), 14); // 0.01..0.24
    // STOQ is ln of the mean of exp(STOM) over the three months.
    const mean = (Math.exp(at(p, m, 9, 0)) + Math.exp(at(p, m, 7, 0)) + Math.exp(at(p, m, 5, 0))) / 3;
    expect(at(p, q, 9, 0)).toBeCloseTo(Math.log(mean), 14);
  });

  it('suspended days count as 0 turnover, and the stock must trade on more than half the days', () => {
    expect(column(p, stom(p, opts), 1).every(Number.isNaN)).toBe(true); // 1 of 2 days: not most
    expect(at(p, stoq(p, opts), 9, 1)).toBeNaN(); // 3 of 6
    const m = stom(p, opts);
    expect(at(p, m, 10, 2)).toBeNaN(); // rows 9, 10: one traded
    expect(at(p, m, 11, 2)).toBeNaN();
    expect(at(p, m, 12, 2)).toBeCloseTo(Math.log(0.01 * (13 + 12)), 14);
    expect(at(p, stoq(p, opts), 10, 2)).toBeCloseTo(Math.log((0.01 * (6 + 7 + 8 + 9 + 10)) / 3), 14); // row 10 counts 0
  });

  it('combines 0.35 STOM + 0.35 STOQ + 0.30 STOA, re-weighted where one is missing', () => {
    const l = liquidity(Float64Array.from([1, 1]), Float64Array.from([2, 2]), Float64Array.from([4, NaN]));
    expect(l[0]).toBeCloseTo(0.35 + 0.7 + 1.2, 15);
    expect(l[1]).toBeCloseTo(1.5, 15);
  });
});

describe('size', () => {
  it('is ln(total cap), falling back to ln(float cap) where the total cap is unknown', () => {
    const p = makePanel({ stocks: 3, days: 1, fill: { totalCap: (_, j) => [2e9, NaN, NaN][j]!, floatCap: (_, j) => [1e9, 5e8, NaN][j]! } });
    const s = size(p);
    expect(s[0]).toBeCloseTo(Math.log(2e9), 14);
    expect(s[1]).toBeCloseTo(Math.log(5e8), 14);
    expect(s[2]).toBeNaN();
  });
});

describe('bookToPrice', () => {
  it("takes the panel's figure where given, else book equity known before t over total cap", () => {
    const p0 = makePanel({ stocks: 2, days: 6, fill: { bookToPrice: (_, j) => (j === 1 ? 0.7 : NaN) } });
    const p = { ...p0, fundamentals: [report(code(0), p0.dates[3]!, '2019-12-31', { bookEquity: 6e8 }), report(code(1), p0.dates[0]!, '2019-12-31', { bookEquity: 1e8 })] };
    const b = bookToPrice(p);
    expect(column(p, b, 0).slice(0, 4).every(Number.isNaN)).toBe(true); // announced on row 3: not used on row 3
    expect(at(p, b, 4, 0)).toBeCloseTo(6e8 / 1.5e9, 15);
    expect(column(p, b, 1)).toEqual([0.7, 0.7, 0.7, 0.7, 0.7, 0.7]);
  });
});

describe('earningsYield', () => {
  it('is (0.21 ETOP + 0.11 CETOP) / 0.32, ETOP alone where CETOP is missing', () => {
    const e = earningsYield({ earningsToPrice: Float64Array.from([0.05, 0.05, NaN, NaN]), cashToPrice: Float64Array.from([0.1, NaN, 0.1, NaN]) });
    expect(e[0]).toBeCloseTo((0.21 * 0.05 + 0.11 * 0.1) / 0.32, 15);
    expect(e[1]).toBeCloseTo(0.05, 15);
    expect(e[2]).toBeCloseTo(0.1, 15);
    expect(e[3]).toBeNaN();
  });
});

describe('growth', () => {
  const p0 = makePanel({ stocks: 2, days: 25, from: '2024-08-01' });
  const d = p0.dates;
  const reports: FundamentalReport[] = [
    report(code(0), '2023-08-20', '2023-06-30', { netProfit: 100, revenue: 1000 }),
    report(code(0), '2023-10-25', '2023-09-30', { netProfit: 160 }),
    report(code(0), '2024-04-20', '2024-03-31', { netProfit: 30 }), // no 2023-03-31 report: no growth
    report(code(0), d[5]!, '2024-06-30', { netProfit: 150, revenue: 900 }),
    report(code(0), d[10]!, '2023-06-30', { netProfit: 120, revenue: 1000 }), // a restatement of the base
    report(code(0), d[15]!, '2024-09-30', { netProfit: 240 }), // no revenue in the Q3 report
    report(code(1), '2023-08-20', '2023-06-30', { netProfit: -100 }),
    report(code(1), '2024-08-20', '2024-06-30', { netProfit: 50 }),
  ];
  const p = { ...p0, fundamentals: reports };

  it('is year-over-year growth of YTD profit and revenue, from reports known before t', () => {
    const np = column(p, profitGrowth(p), 0);
    const rev = column(p, revenueGrowth(p), 0);
    expect(np.slice(0, 6).every(Number.isNaN)).toBe(true); // 2024-06-30 announced on row 5: unknown on row 5
    expect(np[6]).toBeCloseTo(0.5, 15);
    expect(rev[6]).toBeCloseTo(-0.1, 15);
    expect(column(p, growth(p), 0)[6]).toBeCloseTo(0.2, 15); // 0.5 / 0.5
    expect(np[10]).toBeCloseTo(0.5, 15);
    expect(np[11]).toBeCloseTo(30 / 120, 15); // the restated base, from the day after its announcement
    expect(np[16]).toBeCloseTo(0.5, 15); // Q3: 240 against 160
    expect(rev[16]).toBeCloseTo(-0.1, 15); // the Q3 report has no revenue: the half-year growth stays
    expect(column(p, growth(p), 0)[16]).toBeCloseTo(0.2, 15);
  });

  it('divides by the magnitude of a negative base; profit alone where revenue is missing', () => {
    const last = p.dates.length - 1; // 2024-06-30 announced 2024-08-20, within the panel
    expect(column(p, profitGrowth(p), 1)[last]).toBeCloseTo(1.5, 15); // (50 - -100) / 100
    expect(column(p, growth(p), 1)[last]).toBeCloseTo(1.5, 15);
  });
});

describe('leverage', () => {
  const p0 = makePanel({ stocks: 3, days: 6 });
  const ann = p0.dates[2]!;
  const p = {
    ...p0,
    fundamentals: [
      report(code(0), ann, '2019-12-31', { longTermDebt: 2e8, totalLiabilities: 6e8, totalAssets: 1e9, bookEquity: 4e8 }),
      report(code(1), ann, '2019-12-31', { totalLiabilities: 6e8, totalAssets: 1e9, bookEquity: 4e8 }), // no long-term debt
      report(code(2), ann, '2019-12-31', { roe: 0.1, netProfit: 1e8 }), // what BaoStock gives
    ],
  };

  it('is 0.38 MLEV + 0.35 DTOA + 0.27 BLEV from point-in-time reports, by hand', () => {
    const l = leverage(p);
    expect(column(p, l, 0).slice(0, 3).every(Number.isNaN)).toBe(true);
    const mlev = (1.5e9 + 2e8) / 1.5e9;
    expect(at(p, l, 3, 0)).toBeCloseTo(0.38 * mlev + 0.35 * 0.6 + 0.27 * 1.5, 15);
    expect(at(p, l, 3, 1)).toBeCloseTo(0.6, 15); // MLEV and BLEV need LD: DTOA alone
    expect(column(p, l, 2).every(Number.isNaN)).toBe(true);
  });
});

describe('profitability', () => {
  const p0 = makePanel({ stocks: 3, days: 12, from: '2025-04-01' });
  const d = p0.dates;
  const p = {
    ...p0,
    fundamentals: [
      report(code(0), '2024-03-20', '2023-12-31', { roe: 0.12, netProfit: 1200, totalAssets: 10000 }),
      report(code(0), '2024-04-20', '2024-03-31', { roe: 0.03, netProfit: 300, totalAssets: 10000 }),
      report(code(0), '2025-03-20', '2024-12-31', { roe: 0.1, netProfit: 1000, totalAssets: 11000 }),
      report(code(0), d[5]!, '2025-03-31', { roe: 0.04, netProfit: 350, totalAssets: 12000 }),
      report(code(1), '2024-08-20', '2024-06-30', { roe: 0.05, netProfit: 500 }),
      report(code(2), '2024-10-20', '2024-09-30', { roe: 0.09, netProfit: 900 }),
    ],
  };

  it('uses TTM from consecutive YTD reports when the prior year is known', () => {
    const roe = column(p, roeTtm(p), 0);
    const roa = column(p, roaTtm(p), 0);
    expect(roe[5]).toBeCloseTo(0.1, 15); // Q1 2025 announced on row 5: still the annual figure
    expect(roa[5]).toBeCloseTo(1000 / 11000, 15);
    expect(roe[6]).toBeCloseTo(0.04 + 0.1 - 0.03, 15);
    expect(roa[6]).toBeCloseTo((350 + 1000 - 300) / 12000, 15);
    expect(column(p, profitability(p), 0)[6]).toBeCloseTo(0.5 * 0.11 + 0.5 * (1050 / 12000), 15);
  });

  it('annualises a YTD figure when the prior year is not known; ROE alone without assets', () => {
    expect(column(p, roeTtm(p), 1)[0]).toBeCloseTo(0.1, 15); // H1 x 2
    expect(column(p, roeTtm(p), 2)[0]).toBeCloseTo(0.12, 15); // Q3 x 4/3
    expect(column(p, roaTtm(p), 1).every(Number.isNaN)).toBe(true);
    expect(column(p, profitability(p), 1)[0]).toBeCloseTo(0.1, 15);
  });
});

describe('point in time', () => {
  it('a report announced on date d is not used at d but is at the next date', () => {
    const p0 = makePanel({ stocks: 1, days: 8, from: '2025-04-01' });
    const d = 4;
    const base: FundamentalReport[] = [
      report(code(0), '2024-03-20', '2023-12-31', { roe: 0.1, netProfit: 100, revenue: 1000, totalAssets: 1000, totalLiabilities: 500, longTermDebt: 100, bookEquity: 500 }),
      report(code(0), '2024-04-20', '2024-03-31', { roe: 0.02, netProfit: 20, revenue: 250, totalAssets: 1000, totalLiabilities: 500, longTermDebt: 100, bookEquity: 500 }),
      report(code(0), '2025-03-20', '2024-12-31', { roe: 0.12, netProfit: 130, revenue: 1200, totalAssets: 1100, totalLiabilities: 600, longTermDebt: 150, bookEquity: 500 }),
    ];
    const late = report(code(0), p0.dates[d]!, '2025-03-31', { roe: 0.05, netProfit: 40, revenue: 330, totalAssets: 1300, totalLiabilities: 800, longTermDebt: 300, bookEquity: 500 });
    const before = { ...p0, fundamentals: base };
    const after = { ...p0, fundamentals: [...base, late] };
    const descriptors = { bookToPrice, growth, leverage, profitability, profitGrowth, revenueGrowth, roeTtm, roaTtm };
    for (const [name, f] of Object.entries(descriptors)) {
      const a = f(before);
      const b = f(after);
      expect(at(p0, b, d, 0), name).toBe(at(p0, a, d, 0));
      if (name !== 'bookToPrice') expect(at(p0, b, d + 1, 0), name).not.toBe(at(p0, a, d + 1, 0)); // same book equity
    }
    const bookOnly = { ...p0, fundamentals: [report(code(0), p0.dates[d]!, '2025-03-31', { bookEquity: 500 })] };
    expect(at(p0, bookToPrice(bookOnly), d, 0)).toBeNaN();
    expect(at(p0, bookToPrice(bookOnly), d + 1, 0)).toBeCloseTo(500 / 1.5e9, 20);
  });
});

describe('on a random panel', () => {
  const p = randomPanel(20, 600, 3);
  const market = capWeightedMarket(p);

  it('the running-sum descriptors equal naive O(window) recomputation within 1e-10', () => {
    const fast = betaAndHsigma(p, market);
    const slow = naiveBeta(p, market, 252, 63, 63);
    expect(finiteCount(fast.beta)).toBeGreaterThan(5000);
    expectClose(fast.beta, slow.beta, 1e-10);
    expectClose(fast.hsigma, slow.hsigma, 1e-10);
    const rstr = momentum(p);
    expect(finiteCount(rstr)).toBeGreaterThan(3000);
    expectClose(rstr, naiveMomentum(p, 504, 21, 126, 252), 1e-10);
    expectClose(dastd(p), naiveDastd(p, 252, 42, 63), 1e-10);
    const c = cmra(p);
    expect(finiteCount(c)).toBeGreaterThan(4000);
    expectClose(c, naiveCmra(p, 12, 21, 126), 1e-10);
    expectClose(stom(p), naiveLogTurnover(p, 1, 21), 1e-10);
    expectClose(stoq(p), naiveLogTurnover(p, 3, 21), 1e-10);
    expectClose(stoa(p), naiveLogTurnover(p, 12, 21), 1e-10);
  });

  it('rewriting every return, field and report after date t leaves every descriptor at t unchanged', () => {
    const t0 = 400;
    const n = p.codes.length;
    const cut = (t0 + 1) * n;
    const rng = new Rng(99, 'future');
    const rewrite = (m: Float64Array, f: () => number): Float64Array => Float64Array.from(m, (x, i) => (i < cut ? x : f()));
    const tradable = Uint8Array.from(p.tradable, (x, i) => (i < cut ? x : rng.uniform() < 0.5 ? 1 : 0));
    const dt0 = p.dates[t0]!;
    const future: StockPanel = {
      ...p,
      ret: rewrite(p.ret, () => 0.1 * rng.normal()),
      turnover: rewrite(p.turnover, () => rng.uniform()),
      floatCap: rewrite(p.floatCap, () => 1e8 * rng.uniform()),
      totalCap: rewrite(p.totalCap, () => 1e8 * rng.uniform()),
      bookToPrice: rewrite(p.bookToPrice, () => rng.uniform()),
      earningsToPrice: rewrite(p.earningsToPrice, () => rng.uniform()),
      cashToPrice: rewrite(p.cashToPrice, () => rng.uniform()),
      tradable,
      // Reports announced on or after dates[t0] are changed, and new ones added, even for old periods.
      fundamentals: [
        ...p.fundamentals.map((r) => (r.announced < dt0 ? r : { ...r, roe: -r.roe, netProfit: 3 * r.netProfit, revenue: 0.5 * r.revenue, totalAssets: 2 * r.totalAssets, longTermDebt: 0, bookEquity: 7 * r.bookEquity })),
        ...p.codes.map((c) => report(c, dt0, '2019-12-31', { roe: 9, netProfit: 9, revenue: 9, totalAssets: 9, totalLiabilities: 9, longTermDebt: 9, bookEquity: 9 })),
      ],
    };
    const all = (q: StockPanel): Record<string, Float64Array> => {
      const m = capWeightedMarket(q);
      const bh = betaAndHsigma(q, m);
      const ds = dastd(q);
      const cm = cmra(q);
      return {
        market: m,
        beta: bh.beta,
        hsigma: bh.hsigma,
        momentum: momentum(q),
        dastd: ds,
        cmra: cm,
        residualVolatility: residualVolatility(ds, cm, bh.hsigma),
        liquidity: liquidity(stom(q), stoq(q), stoa(q)),
        size: size(q),
        bookToPrice: bookToPrice(q),
        earningsYield: earningsYield(q),
        growth: growth(q),
        leverage: leverage(q),
        profitability: profitability(q),
      };
    };
    const a = all(p);
    const b = all(future);
    for (const name of Object.keys(a)) {
      const x = a[name]!;
      const y = b[name]!;
      const upTo = name === 'market' ? t0 + 1 : cut;
      expect(Array.from(y.subarray(0, upTo)), name).toEqual(Array.from(x.subarray(0, upTo)));
      expect(Array.from(y.subarray(upTo)), `${name} after t`).not.toEqual(Array.from(x.subarray(upTo))); // the rewrite did reach it
    }
  });
});

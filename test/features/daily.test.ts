import { describe, expect, it } from 'vitest';
import {
  CURVE_NEIGHBOURS,
  DAILY_FEATURES,
  curveFeatureNames,
  curveFeatures,
  dailyFeatureNames,
  dailyFeatures,
  type DailyBars,
  type FeatureMatrix,
} from '../../src/features/daily.js';
import { rollingSd } from '../../src/features/rolling.js';
import { fixtureBars, ttrReference } from './fixtures.js';
import { mulberry32 as rng } from '../helpers/random.js';

const bars = fixtureBars();
const N = bars.close.length;

function copyBars(b: DailyBars): DailyBars {
  return {
    date: Int32Array.from(b.date),
    open: Float64Array.from(b.open),
    high: Float64Array.from(b.high),
    low: Float64Array.from(b.low),
    close: Float64Array.from(b.close),
    volume: Float64Array.from(b.volume),
    openInterest: Float64Array.from(b.openInterest),
  };
}

/** Random but valid bars after index k (dates untouched): a different future. */
function perturbAfter(b: DailyBars, k: number, seed: number): DailyBars {
  const out = copyBars(b);
  const u = rng(seed);
  for (let i = k + 1; i < out.close.length; i++) {
    const c = out.close[i]! * (1 + 0.03 * (u() - 0.5));
    out.close[i] = c;
    out.open[i] = c * (1 + 0.01 * (u() - 0.5));
    out.high[i] = Math.max(c, out.open[i]!) * (1 + 0.01 * u());
    out.low[i] = Math.min(c, out.open[i]!) * (1 - 0.01 * u());
    out.volume[i] = Math.round(1e5 * u());
    out.openInterest[i] = Math.round(2e5 * u());
  }
  return out;
}

function col(m: FeatureMatrix, name: string): Float64Array {
  const j = m.names.indexOf(name);
  if (j < 0) throw new Error(`no column ${name}`);
  return m.columns[j]!;
}

/** Synthetic series on given day numbers (for curve tests). */
function synthBars(dates: readonly number[], seed: number, level = 100): DailyBars {
  const u = rng(seed);
  const close = new Float64Array(dates.length);
  let p = level;
  for (let i = 0; i < dates.length; i++) close[i] = p *= 1 + 0.004 * (u() - 0.5);
  return {
    date: Int32Array.from(dates),
    open: close.map((c) => c * 0.999),
    high: close.map((c) => c * 1.002),
    low: close.map((c) => c * 0.997),
    close,
    volume: close.map(() => 1000 + Math.round(1000 * u())),
    openInterest: close.map(() => 5000 + Math.round(1000 * u())),
  };
}

const FIRST_DEFINED: Record<string, number> = {
  ret_1: 1,
  ret_5: 5,
  ret_20: 20,
  rvol_20: 20, // 20 returns need 21 closes
  rsi_14: 14,
  macd_hist: 33, // 26 - 1 + 9 - 1
  bb_pctb_20: 19,
  atr_14_rel: 14,
  adx_14: 27, // 2 * 14 - 1
  vol_chg_z: 60, // first change at 1, 60 of them
  oi_chg_z: 60,
  range: 0,
  gap: 1,
};

describe('dailyFeatures: shape, names, warm-up', () => {
  const f = dailyFeatures(bars);

  it('has the documented columns in order', () => {
    expect(DAILY_FEATURES).toEqual(['ret_1', 'ret_5', 'ret_20', 'rvol_20', 'rsi_14', 'macd_hist', 'bb_pctb_20', 'atr_14_rel', 'adx_14', 'vol_chg_z', 'oi_chg_z', 'range', 'gap']);
    expect(f.names).toEqual(DAILY_FEATURES);
    expect(f.n).toBe(N);
    expect(f.columns.length).toBe(DAILY_FEATURES.length);
    for (const c of f.columns) expect(c.length).toBe(N);
  });

  it('is NaN exactly during each warm-up and finite after it (on real data)', () => {
    for (const name of DAILY_FEATURES) {
      const c = col(f, name);
      const first = FIRST_DEFINED[name]!;
      for (let i = 0; i < N; i++) {
        expect(Number.isNaN(c[i]!), `${name}[${i}]`).toBe(i < first);
        if (i >= first) expect(Number.isFinite(c[i]!), `${name}[${i}]`).toBe(true);
      }
    }
  });

  it('names follow the options', () => {
    const g = dailyFeatures(bars, { returnHorizons: [1, 10], rsiPeriod: 7, adxPeriod: 10 });
    expect(g.names).toEqual(dailyFeatureNames({ returnHorizons: [1, 10], rsiPeriod: 7, adxPeriod: 10 }));
    expect(g.names.slice(0, 2)).toEqual(['ret_1', 'ret_10']);
    expect(g.names).toContain('rsi_7');
    expect(g.names).toContain('adx_10');
    expect(col(g, 'rsi_7').findIndex((v) => !Number.isNaN(v))).toBe(7);
  });

  it('gives all-NaN warm-up columns (no throw) for very short series', () => {
    const short = dailyFeatures(sliceBars(bars, 3));
    expect(short.n).toBe(3);
    expect(Array.from(col(short, 'adx_14')).every(Number.isNaN)).toBe(true);
    expect(col(short, 'ret_1')[2]).toBeCloseTo(Math.log(bars.close[2]! / bars.close[1]!), 15);
  });
});

function sliceBars(b: DailyBars, m: number): DailyBars {
  return {
    date: b.date.slice(0, m),
    open: b.open.slice(0, m),
    high: b.high.slice(0, m),
    low: b.low.slice(0, m),
    close: b.close.slice(0, m),
    volume: b.volume.slice(0, m),
    openInterest: b.openInterest.slice(0, m),
  };
}

describe('dailyFeatures: values', () => {
  const f = dailyFeatures(bars);
  const ref = ttrReference();
  const c = bars.close;
  const at = (name: string, i: number): number => col(f, name)[i]!;

  it('returns, range, gap and realised vol follow their formulas', () => {
    for (const i of [25, 100, N - 1]) {
      expect(at('ret_1', i)).toBe(Math.log(c[i]! / c[i - 1]!));
      expect(at('ret_5', i)).toBe(Math.log(c[i]! / c[i - 5]!));
      expect(at('ret_20', i)).toBe(Math.log(c[i]! / c[i - 20]!));
      expect(at('range', i)).toBeCloseTo((bars.high[i]! - bars.low[i]!) / c[i]!, 15);
      expect(at('gap', i)).toBe(Math.log(bars.open[i]! / c[i - 1]!));
      const r = Array.from({ length: 20 }, (_, k) => Math.log(c[i - k]! / c[i - k - 1]!));
      const m = r.reduce((s, v) => s + v, 0) / 20;
      const sd = Math.sqrt(r.reduce((s, v) => s + (v - m) ** 2, 0) / 19);
      expect(at('rvol_20', i)).toBeCloseTo(sd, 14);
    }
  });

  it('indicator columns are the TTR-checked indicators, scale-free where documented', () => {
    for (let i = 40; i < N; i += 17) {
      expect(at('rsi_14', i)).toBeCloseTo(ref.get('rsi_14')![i]!, 8);
      expect(at('macd_hist', i)).toBeCloseTo(ref.get('macd_hist')![i]! / c[i]!, 12);
      expect(at('bb_pctb_20', i)).toBeCloseTo(ref.get('bb_pctb_20')![i]!, 8);
      expect(at('atr_14_rel', i)).toBeCloseTo(ref.get('atr_14')![i]! / c[i]!, 12);
      expect(at('adx_14', i)).toBeCloseTo(ref.get('adx_14')![i]!, 8);
    }
  });

  it('rvol uses the sample sd (documented choice)', () => {
    expect(at('rvol_20', N - 1)).toBe(rollingSd(col(f, 'ret_1'), 20, 1)[N - 1]);
  });

  it('vol_chg_z / oi_chg_z z-score log((x+1)/(x_prev+1)) over the trailing 60 changes', () => {
    for (const [name, x] of [['vol_chg_z', bars.volume], ['oi_chg_z', bars.openInterest]] as const) {
      const i = N - 1;
      const ch = Array.from({ length: 60 }, (_, k) => Math.log((x[i - k]! + 1) / (x[i - k - 1]! + 1)));
      const m = ch.reduce((s, v) => s + v, 0) / 60;
      const sd = Math.sqrt(ch.reduce((s, v) => s + (v - m) ** 2, 0) / 59);
      expect(at(name, i)).toBeCloseTo((ch[0]! - m) / sd, 12);
    }
  });

  it('takes missing open/high/low (no-trade day) as the close', () => {
    const b = copyBars(bars);
    b.open[50] = NaN;
    b.high[50] = NaN;
    b.low[50] = NaN;
    const g = dailyFeatures(b);
    expect(col(g, 'range')[50]).toBe(0);
    expect(col(g, 'gap')[50]).toBe(Math.log(b.close[50]! / b.close[49]!));
    for (const name of DAILY_FEATURES) expect(Number.isFinite(col(g, name)[N - 1]!), name).toBe(true);
  });

  it('is unchanged (to rounding) when all prices up to k are scaled, as a later ratio roll does', () => {
    const k = 120;
    const b = copyBars(bars);
    for (const key of ['open', 'high', 'low', 'close'] as const) for (let i = 0; i <= k; i++) b[key][i] = b[key][i]! * 0.987;
    const a = dailyFeatures(bars);
    const g = dailyFeatures(b);
    for (let j = 0; j < a.names.length; j++) {
      for (let i = 0; i <= k; i++) {
        const x = a.columns[j]![i]!;
        const y = g.columns[j]![i]!;
        if (Number.isNaN(x)) expect(y).toBeNaN();
        else expect(Math.abs(x - y), `${a.names[j]}[${i}]`).toBeLessThan(1e-9 * (1 + Math.abs(x)));
      }
    }
  });
});

describe('no look-ahead', () => {
  it('changing every bar after k leaves every daily feature at indices <= k exactly unchanged', () => {
    const base = dailyFeatures(bars);
    for (const k of [0, 1, 13, 19, 26, 33, 59, 60, 100, 150, N - 2]) {
      const alt = dailyFeatures(perturbAfter(bars, k, 1000 + k));
      for (let j = 0; j < base.names.length; j++) {
        const a = base.columns[j]!;
        const b = alt.columns[j]!;
        for (let i = 0; i <= k; i++) expect(Object.is(a[i], b[i]), `${base.names[j]}[${i}] with k=${k}`).toBe(true);
      }
      // The perturbation does reach the features after k, so the check above can fail.
      if (k < N - 2) expect(alt.columns[0]![k + 1]).not.toBe(base.columns[0]![k + 1]);
    }
  });

  it('changing bars after k in either product leaves curve features at <= k unchanged', () => {
    const other = synthBars(Array.from(bars.date), 7);
    const base = curveFeatures(bars, { TF: other }, 'T');
    for (const k of [0, 4, 5, 50, N - 2]) {
      const a1 = curveFeatures(perturbAfter(bars, k, k), { TF: other }, 'T');
      const a2 = curveFeatures(bars, { TF: perturbAfter(other, k, k + 1) }, 'T');
      for (const alt of [a1, a2]) {
        for (let j = 0; j < base.names.length; j++) {
          for (let i = 0; i <= k; i++) expect(Object.is(base.columns[j]![i], alt.columns[j]![i]), `${base.names[j]}[${i}] k=${k}`).toBe(true);
        }
      }
    }
  });
});

describe('curveFeatures', () => {
  const dates = Array.from({ length: 40 }, (_, i) => 19000 + i + 2 * Math.floor(i / 5)); // weekday-like gaps
  const t = synthBars(dates, 1, 100);
  const tf = synthBars(dates, 2, 105);

  it('names: return spreads against curve neighbours, horizons 1 and 5', () => {
    expect(curveFeatureNames('T')).toEqual(['spread_T_TF_1', 'spread_T_TF_5']);
    expect(curveFeatureNames('TF')).toEqual(['spread_TF_TS_1', 'spread_TF_TS_5', 'spread_TF_T_1', 'spread_TF_T_5']);
    expect(curveFeatureNames('TS')).toEqual(['spread_TS_TF_1', 'spread_TS_TF_5']);
    expect(curveFeatureNames('TL')).toEqual(['spread_TL_T_1', 'spread_TL_T_5']);
    expect(CURVE_NEIGHBOURS.TF).toEqual(['TS', 'T']);
  });

  it('spread_h = ret_h(own) - ret_h(other) on the same dates', () => {
    const m = curveFeatures(t, { TF: tf }, 'T');
    expect(m.n).toBe(dates.length);
    const s1 = col(m, 'spread_T_TF_1');
    const s5 = col(m, 'spread_T_TF_5');
    expect(s1[0]).toBeNaN();
    expect(Array.from(s5.slice(0, 5)).every(Number.isNaN)).toBe(true);
    for (const i of [1, 5, 17, 39]) expect(s1[i]).toBe(Math.log(t.close[i]! / t.close[i - 1]!) - Math.log(tf.close[i]! / tf.close[i - 1]!));
    for (const i of [5, 17, 39]) expect(s5[i]).toBe(Math.log(t.close[i]! / t.close[i - 5]!) - Math.log(tf.close[i]! / tf.close[i - 5]!));
  });

  it('a date missing in the other product gives NaN there, not a shifted value', () => {
    const miss = 20;
    const keep = dates.map((_, i) => i).filter((i) => i !== miss);
    const pick = (x: Float64Array): Float64Array => Float64Array.from(keep, (i) => x[i]!);
    const gappy: DailyBars = {
      date: Int32Array.from(keep, (i) => dates[i]!),
      open: pick(tf.open),
      high: pick(tf.high),
      low: pick(tf.low),
      close: pick(tf.close),
      volume: pick(tf.volume),
      openInterest: pick(tf.openInterest),
    };
    const full = curveFeatures(t, { TF: tf }, 'T');
    const m = curveFeatures(t, { TF: gappy }, 'T');
    const s1 = col(m, 'spread_T_TF_1');
    const s5 = col(m, 'spread_T_TF_5');
    // 1-day spread needs closes at i and i-1: NaN at the missing day and the day after.
    for (let i = 0; i < dates.length; i++) {
      if (i === miss || i === miss + 1) expect(s1[i], `s1[${i}]`).toBeNaN();
      else expect(Object.is(s1[i], col(full, 'spread_T_TF_1')[i]), `s1[${i}]`).toBe(true);
      if (i === miss || i === miss + 5) expect(s5[i], `s5[${i}]`).toBeNaN();
      else expect(Object.is(s5[i], col(full, 'spread_T_TF_5')[i]), `s5[${i}]`).toBe(true);
    }
  });

  it('ignores dates only the other product has; its later start gives leading NaN', () => {
    const extra = synthBars([...dates, 50000], 3); // one extra (future) date beyond own's
    const late = synthBars(dates.slice(10), 4); // other starts 10 rows later
    const a = curveFeatures(t, { TF: extra }, 'T');
    expect(a.n).toBe(dates.length);
    expect(Number.isFinite(col(a, 'spread_T_TF_1')[dates.length - 1]!)).toBe(true);
    const b = curveFeatures(t, { TF: late }, 'T');
    const s1 = col(b, 'spread_T_TF_1');
    expect(Array.from(s1.slice(0, 11)).every(Number.isNaN)).toBe(true);
    expect(Number.isFinite(s1[11]!)).toBe(true);
  });

  it('an absent neighbour gives all-NaN columns (fixed column set)', () => {
    const ts = synthBars(dates, 5, 101);
    const m = curveFeatures(tf, { TS: ts }, 'TF');
    expect(m.names).toEqual(curveFeatureNames('TF'));
    expect(Number.isFinite(col(m, 'spread_TF_TS_1')[3]!)).toBe(true);
    expect(Array.from(col(m, 'spread_TF_T_1')).every(Number.isNaN)).toBe(true);
    expect(Array.from(col(m, 'spread_TF_T_5')).every(Number.isNaN)).toBe(true);
  });
});

describe('bad input', () => {
  it('throws on a length mismatch', () => {
    const b = copyBars(bars);
    b.volume = b.volume.slice(1);
    expect(() => dailyFeatures(b)).toThrow(/volume has length 199, date has 200/);
    const c = copyBars(bars);
    c.close = c.close.slice(0, 150);
    expect(() => dailyFeatures(c)).toThrow(/close has length 150/);
  });

  it('throws on unsorted or duplicate dates', () => {
    const b = copyBars(bars);
    [b.date[10], b.date[11]] = [b.date[11]!, b.date[10]!];
    expect(() => dailyFeatures(b)).toThrow(/strictly increasing.*date\[11\]/);
    const d = copyBars(bars);
    d.date[5] = d.date[4]!;
    expect(() => dailyFeatures(d)).toThrow(/strictly increasing/);
  });

  it('throws on a missing or non-positive close', () => {
    const b = copyBars(bars);
    b.close[7] = NaN;
    expect(() => dailyFeatures(b)).toThrow(/close\[7\] = NaN/);
    b.close[7] = 0;
    expect(() => dailyFeatures(b)).toThrow(/close\[7\] = 0/);
  });

  it('curveFeatures validates both products and names the bad one', () => {
    const other = copyBars(bars);
    other.date = other.date.slice().reverse();
    expect(() => curveFeatures(bars, { TF: other }, 'T')).toThrow(/^TF: dates must be strictly increasing/);
    const own = copyBars(bars);
    own.high = own.high.slice(2);
    expect(() => curveFeatures(own, {}, 'T')).toThrow(/^T: high has length/);
  });

  it('rejects bad periods in options', () => {
    expect(() => dailyFeatures(bars, { zWindow: 1 })).toThrow(/window/);
    expect(() => dailyFeatures(bars, { rsiPeriod: 0 })).toThrow(/period/);
  });
});

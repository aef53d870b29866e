import { describe, expect, it } from 'vitest';
import { dropDay, MINUTE_FEATURES, minuteFeatures, type MinuteDayBars, type MinuteFeatures } from '../../src/features/minute.js';
import { barEndMinutes } from '../../src/market/sessions.js';
import { specFor } from '../../src/market/specs.js';
import { mulberry32 } from '../helpers/random.js';

// Synthetic days: a seeded random walk in 0.005 ticks around 100, volumes and OI drifting.
// Values come back as Float32, so comparisons with float64 arithmetic allow ~1e-6.

const spec = specFor('T', '2024-03-01')!;
const GRID_1 = Int32Array.from(barEndMinutes(spec.sessions, 1));
const GRID_5 = Int32Array.from(barEndMinutes(spec.sessions, 5));
const GRID_LAST = Int32Array.from(barEndMinutes(spec.lastDaySessions, 1));
const PREV_CLOSE = 100;
const PREV_OI = 50_000;

function randomDay(grid: Int32Array, seed: number): MinuteDayBars {
  const rnd = mulberry32(seed);
  const n = grid.length;
  const day: MinuteDayBars = {
    end: Int32Array.from(grid),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    openInterest: new Float64Array(n),
  };
  let last = PREV_CLOSE;
  let oi = PREV_OI;
  for (let i = 0; i < n; i++) {
    const o = last + 0.005 * Math.round((rnd() - 0.5) * 2);
    const c = o + 0.005 * Math.round((rnd() - 0.5) * 8);
    day.open[i] = o;
    day.close[i] = c;
    day.high[i] = Math.max(o, c) + 0.005 * Math.floor(rnd() * 3);
    day.low[i] = Math.min(o, c) - 0.005 * Math.floor(rnd() * 3);
    day.volume[i] = 1 + Math.floor(rnd() * 200);
    oi += Math.round((rnd() - 0.5) * 40);
    day.openInterest[i] = oi;
    last = c;
  }
  return day;
}

/** The day without the bars at `drop` (indices into the bar arrays). */
function without(day: MinuteDayBars, drop: readonly number[]): MinuteDayBars {
  const keep = (_: number, i: number): boolean => !drop.includes(i);
  return {
    end: day.end.filter(keep),
    open: day.open.filter(keep),
    high: day.high.filter(keep),
    low: day.low.filter(keep),
    close: day.close.filter(keep),
    volume: day.volume.filter(keep),
    openInterest: day.openInterest.filter(keep),
  };
}

const col = (f: MinuteFeatures, name: string): number[] => {
  const j = f.names.indexOf(name);
  expect(j, `feature ${name}`).toBeGreaterThanOrEqual(0);
  return Array.from({ length: f.bars }, (_, r) => f.values[r * f.names.length + j]!);
};
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const ctxOf = (grid: Int32Array) => ({ grid, prevClose: PREV_CLOSE, prevOpenInterest: PREV_OI });

describe('minuteFeatures on a full day', () => {
  const day = randomDay(GRID_1, 1);
  const f = minuteFeatures(day, ctxOf(GRID_1));
  const n = day.close.length;

  it('has one row per grid slot (255 one-minute bars), all present', () => {
    expect(GRID_1.length).toBe(255);
    expect(f.bars).toBe(255);
    expect(f.present).toBe(255);
    expect(f.names).toEqual(MINUTE_FEATURES);
    expect(f.values.length).toBe(255 * MINUTE_FEATURES.length);
    expect(col(f, 'mask').every((m) => m === 1)).toBe(true);
  });

  it('log returns chain from the previous close and sum to the day log return', () => {
    const ret = col(f, 'ret');
    expect(ret[0]).toBeCloseTo(Math.log(day.close[0]! / PREV_CLOSE), 6);
    expect(ret[10]).toBeCloseTo(Math.log(day.close[10]! / day.close[9]!), 6);
    expect(Math.abs(sum(ret) - Math.log(day.close[n - 1]! / PREV_CLOSE))).toBeLessThan(1e-6);
  });

  it('volume shares sum to 1 and match volume / total', () => {
    const share = col(f, 'vol_share');
    const total = sum(Array.from(day.volume));
    expect(Math.abs(sum(share) - 1)).toBeLessThan(1e-5);
    expect(share[42]).toBeCloseTo(day.volume[42]! / total, 7);
  });

  it('body is the bar against its own open, dir its sign and signed_vol the volume share signed by it', () => {
    const body = col(f, 'body');
    const dir = col(f, 'dir');
    const signed = col(f, 'signed_vol');
    const share = col(f, 'vol_share');
    let ups = 0;
    let downs = 0;
    for (let i = 0; i < n; i++) {
      const c = day.close[i]!;
      const o = day.open[i]!;
      expect(body[i], `body[${i}]`).toBeCloseTo(Math.log(c / o), 6);
      expect(signed[i], `signed_vol[${i}]`).toBeCloseTo(c > o ? share[i]! : c < o ? -share[i]! : 0, 7);
      expect(dir[i], `dir[${i}]`).toBe(c > o ? 1 : c < o ? -1 : 0);
      if (c > o) ups++;
      if (c < o) downs++;
    }
    // The random day has bars of both directions, so the sign is really exercised.
    expect(ups).toBeGreaterThan(10);
    expect(downs).toBeGreaterThan(10);
  });

  it('range, OI change and VWAP distance follow their definitions', () => {
    const k = 100;
    const range = col(f, 'range');
    for (let i = 0; i < n; i++) expect(range[i], `range[${i}]`).toBeCloseTo((day.high[i]! - day.low[i]!) / day.close[i]!, 9);
    const oi = col(f, 'oi_chg');
    expect(oi[0]).toBeCloseTo((day.openInterest[0]! - PREV_OI) / PREV_OI, 7);
    expect(Math.abs(sum(oi) - (day.openInterest[n - 1]! - PREV_OI) / PREV_OI)).toBeLessThan(1e-6);
    // VWAP recomputed from scratch over bars 0..k.
    let pv = 0;
    let v = 0;
    for (let i = 0; i <= k; i++) {
      pv += ((day.high[i]! + day.low[i]! + day.close[i]!) / 3) * day.volume[i]!;
      v += day.volume[i]!;
    }
    expect(col(f, 'vwap_dist')[k]).toBeCloseTo(Math.log(day.close[k]! / (pv / v)), 6);
  });

  it('encodes time of day and the afternoon session', () => {
    const sin = col(f, 'tod_sin');
    const cos = col(f, 'tod_cos');
    const pm = col(f, 'pm');
    expect(sin[0]).toBe(0);
    expect(cos[0]).toBe(1);
    expect(sin[64]).toBeCloseTo(Math.sin((2 * Math.PI * 64) / 255), 6);
    expect(cos[200]).toBeCloseTo(Math.cos((2 * Math.PI * 200) / 255), 6);
    // 09:31..11:30 is the morning (120 bars), 13:01..15:15 the afternoon.
    expect(pm.slice(0, 120).every((x) => x === 0)).toBe(true);
    expect(pm.slice(120).every((x) => x === 1)).toBe(true);
  });
});

describe('minuteFeatures on other grids', () => {
  it('5-minute grid: 51 rows, same identities', () => {
    const day = randomDay(GRID_5, 2);
    const f = minuteFeatures(day, ctxOf(GRID_5));
    expect(f.bars).toBe(51);
    expect(f.present).toBe(51);
    expect(f.values.length).toBe(51 * MINUTE_FEATURES.length);
    expect(Math.abs(sum(col(f, 'ret')) - Math.log(day.close[50]! / PREV_CLOSE))).toBeLessThan(1e-6);
    expect(Math.abs(sum(col(f, 'vol_share')) - 1)).toBeLessThan(1e-5);
    expect(col(f, 'pm').filter((x) => x === 1).length).toBe(27); // 13:05..15:15
  });

  it('last trading day: morning-only grid of 120 one-minute bars', () => {
    expect(GRID_LAST.length).toBe(120);
    const day = randomDay(GRID_LAST, 3);
    const f = minuteFeatures(day, ctxOf(GRID_LAST));
    expect(f.bars).toBe(120);
    expect(f.present).toBe(120);
    expect(Math.abs(sum(col(f, 'ret')) - Math.log(day.close[119]! / PREV_CLOSE))).toBeLessThan(1e-6);
    expect(col(f, 'pm').every((x) => x === 0)).toBe(true);
    expect(col(f, 'mask').every((x) => x === 1)).toBe(true);
  });

  it('a morning-only day on the full grid leaves the afternoon masked', () => {
    const day = randomDay(GRID_LAST, 3);
    const f = minuteFeatures(day, ctxOf(GRID_1));
    expect(f.bars).toBe(255);
    expect(f.present).toBe(120);
    expect(col(f, 'mask').slice(120).every((x) => x === 0)).toBe(true);
  });
});

describe('minuteFeatures with missing bars', () => {
  const full = randomDay(GRID_1, 4);
  const drop = [0, 1, 57, 58, 59, 119, 120, 200, 254];
  const day = without(full, drop);
  const f = minuteFeatures(day, ctxOf(GRID_1));

  it('counts present slots and masks the missing ones with zeros', () => {
    expect(f.present).toBe(255 - drop.length);
    const mask = col(f, 'mask');
    for (const name of ['ret', 'range', 'vol_share', 'oi_chg', 'vwap_dist', 'body', 'signed_vol', 'dir']) {
      const x = col(f, name);
      for (const k of drop) expect(x[k], `${name}[${k}]`).toBe(0);
    }
    for (let k = 0; k < 255; k++) expect(mask[k]).toBe(drop.includes(k) ? 0 : 1);
    // The clock encoding is there on every row, bar or not.
    expect(col(f, 'tod_cos')[0]).toBe(1);
    expect(col(f, 'pm')[254]).toBe(1);
  });

  it('measures the next present bar from the last present close', () => {
    const ret = col(f, 'ret');
    expect(ret[2]).toBeCloseTo(Math.log(full.close[2]! / PREV_CLOSE), 6);
    expect(ret[60]).toBeCloseTo(Math.log(full.close[60]! / full.close[56]!), 6);
    // The last present bar is slot 253, so the day's return runs to its close.
    expect(Math.abs(sum(ret) - Math.log(full.close[253]! / PREV_CLOSE))).toBeLessThan(1e-6);
    const oi = col(f, 'oi_chg');
    expect(Math.abs(sum(oi) - (full.openInterest[253]! - PREV_OI) / PREV_OI)).toBeLessThan(1e-6);
    expect(Math.abs(sum(col(f, 'vol_share')) - 1)).toBeLessThan(1e-5);
  });

  it('skips bars off the grid and bars without a usable close', () => {
    const extra: MinuteDayBars = {
      end: Int32Array.from([9 * 60 + 31, 9 * 60 + 32, 12 * 60, 13 * 60 + 1]), // 12:00 is off the grid
      open: Float64Array.from([100, 100.01, 500, 100.02]),
      high: Float64Array.from([100.01, 100.02, 500, 100.03]),
      low: Float64Array.from([99.99, 100, 500, 100.01]),
      close: Float64Array.from([100.005, Number.NaN, 500, 100.02]),
      volume: Float64Array.from([10, 10, 1000, 30]),
      openInterest: Float64Array.from([50_010, 50_020, 1, 50_030]),
    };
    const g = minuteFeatures(extra, ctxOf(GRID_1));
    expect(g.present).toBe(2);
    expect(col(g, 'mask')[1]).toBe(0);
    expect(col(g, 'vol_share')[0]).toBeCloseTo(10 / 40, 7);
    expect(sum(col(g, 'ret'))).toBeCloseTo(Math.log(100.02 / PREV_CLOSE), 6);
  });
});

describe('minuteFeatures without previous-day facts', () => {
  const day = randomDay(GRID_1, 5);
  const f = minuteFeatures(day, { grid: GRID_1, prevClose: Number.NaN, prevOpenInterest: Number.NaN });

  it('measures the first return from the bar open when the previous close is unknown', () => {
    const ret = col(f, 'ret');
    expect(ret[0]).toBeCloseTo(Math.log(day.close[0]! / day.open[0]!), 6);
    expect(Math.abs(sum(ret) - Math.log(day.close[254]! / day.open[0]!))).toBeLessThan(1e-6);
  });

  it('gives OI change 0 when the previous OI is unknown or 0', () => {
    expect(col(f, 'oi_chg').every((x) => x === 0)).toBe(true);
    const g = minuteFeatures(day, { grid: GRID_1, prevClose: PREV_CLOSE, prevOpenInterest: 0 });
    expect(col(g, 'oi_chg').every((x) => x === 0)).toBe(true);
  });

  it('gives VWAP distance 0 until the day has volume', () => {
    const quiet = { ...day, volume: day.volume.map((v, i) => (i < 5 ? 0 : v)) };
    const g = minuteFeatures(quiet, ctxOf(GRID_1));
    expect(col(g, 'vwap_dist').slice(0, 5).every((x) => x === 0)).toBe(true);
    expect(col(g, 'vwap_dist')[5]).toBeCloseTo(Math.log(day.close[5]! / ((day.high[5]! + day.low[5]! + day.close[5]!) / 3)), 6);
    expect(col(g, 'vol_share').slice(0, 5).every((x) => x === 0)).toBe(true);
  });
});

describe('minuteFeatures causality', () => {
  // vol_share and signed_vol are left out: they divide by the whole day's volume, known at the close of
  // day t, when the minute channel of day t is read.
  const CAUSAL = ['ret', 'range', 'oi_chg', 'vwap_dist', 'body', 'dir', 'mask'];

  it('rows <= k do not change when bars after k change', () => {
    const day = randomDay(GRID_1, 6);
    const k = 140;
    const changed = randomDay(GRID_1, 7); // a different walk for every bar after k
    const mixed: MinuteDayBars = {
      end: day.end,
      open: day.open.map((x, i) => (i <= k ? x : changed.open[i]!)),
      high: day.high.map((x, i) => (i <= k ? x : changed.high[i]! * 1.01)),
      low: day.low.map((x, i) => (i <= k ? x : changed.low[i]!)),
      close: day.close.map((x, i) => (i <= k ? x : changed.close[i]!)),
      volume: day.volume.map((x, i) => (i <= k ? x : changed.volume[i]! * 7)),
      openInterest: day.openInterest.map((x, i) => (i <= k ? x : changed.openInterest[i]! + 999)),
    };
    const thinned = without(mixed, [150, 151, 200]);
    const a = minuteFeatures(day, ctxOf(GRID_1));
    for (const other of [mixed, thinned]) {
      const b = minuteFeatures(other, ctxOf(GRID_1));
      for (const name of CAUSAL) {
        const x = col(a, name);
        const y = col(b, name);
        expect(y.slice(0, k + 1), name).toEqual(x.slice(0, k + 1));
        // ...and the test can fail: something after k did change.
        if (name !== 'mask') expect(y.slice(k + 1), name).not.toEqual(x.slice(k + 1));
      }
    }
  });
});

describe('dropDay', () => {
  it('drops days below the minimum share with a one-line reason', () => {
    expect(dropDay(120, 255, 0.8)).toBe('only 120 of 255 bars (minimum 80%)');
    expect(dropDay(0, 51, 0.5)).toBe('only 0 of 51 bars (minimum 50%)');
    expect(dropDay(203, 255, 0.8)).toBe('only 203 of 255 bars (minimum 80%)');
    expect(dropDay(86, 100, 0.875)).toBe('only 86 of 100 bars (minimum 87.5%)');
  });

  it('keeps days at or above the minimum share', () => {
    expect(dropDay(204, 255, 0.8)).toBeNull(); // 0.8 x 255 = 204 exactly
    expect(dropDay(255, 255, 0.8)).toBeNull();
    expect(dropDay(55, 100, 0.55)).toBeNull(); // 0.55 x 100 is 55.00000000000001 in floating point
    expect(dropDay(54, 100, 0.55)).toBe('only 54 of 100 bars (minimum 55%)');
    expect(dropDay(0, 255, 0)).toBeNull();
    expect(dropDay(255, 255, 1)).toBeNull();
    expect(dropDay(254, 255, 1)).toBe('only 254 of 255 bars (minimum 100%)');
  });

  it('rejects nonsense arguments', () => {
    expect(() => dropDay(10, 0, 0.8)).toThrow(/expected bars/);
    expect(() => dropDay(-1, 255, 0.8)).toThrow(/present bars/);
    expect(() => dropDay(10, 255, 1.5)).toThrow(/share/);
    expect(() => dropDay(10, 255, Number.NaN)).toThrow(/share/);
  });
});

describe('minuteFeatures input checks', () => {
  const day = randomDay(GRID_5, 8);

  it('throws on arrays of different lengths', () => {
    expect(() => minuteFeatures({ ...day, close: day.close.subarray(1) }, ctxOf(GRID_5))).toThrow(/close has 50 values but end has 51/);
    expect(() => minuteFeatures({ ...day, openInterest: new Float64Array(52) }, ctxOf(GRID_5))).toThrow(/openInterest has 52/);
  });

  it('throws on unsorted or repeated end stamps', () => {
    const swapped = Int32Array.from(day.end);
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    expect(() => minuteFeatures({ ...day, end: swapped }, ctxOf(GRID_5))).toThrow(/end stamps must be strictly increasing/);
    const repeated = Int32Array.from(day.end);
    repeated[4] = repeated[3]!;
    expect(() => minuteFeatures({ ...day, end: repeated }, ctxOf(GRID_5))).toThrow(/strictly increasing/);
  });

  it('throws on an empty or unsorted grid', () => {
    expect(() => minuteFeatures(day, ctxOf(new Int32Array(0)))).toThrow(/grid is empty/);
    expect(() => minuteFeatures(day, ctxOf(Int32Array.from(GRID_5).reverse()))).toThrow(/grid must be strictly increasing/);
  });
});

// One day inside: the session grid of a day, the product's latent intraday path, and a contract's
// bars on it (prices in integer ticks). The daily bar is always the aggregate of these bars, whether
// or not they are written, so the daily file does not depend on which contracts get intraday rows.

import { barEndMinutes } from '../market/sessions.js';
import type { Session } from '../market/specs.js';
import { MODEL } from './model.js';
import type { Rng } from './rng.js';

export interface DayGrid {
  /** Bars in the day. */
  readonly n: number;
  /** End stamp of each bar, minutes after midnight. */
  readonly stamps: Int32Array;
  /** 'HH:MM' of each end stamp. */
  readonly hhmm: readonly string[];
  /** Relative volume weight of each bar (U-shape: heavy at the open and the close, light at lunch). */
  readonly volShape: Float64Array;
  /** Share of the day's intraday variance in each bar (sums to 1). */
  readonly varShare: Float64Array;
  /** Index of the first bar of the last hour of a normal day (bars ending after close - 60 min). */
  readonly lastHourFrom: number;
  /** Bars of the morning session (the whole of an expiring contract's last day), and their last hour. */
  readonly nMorning: number;
  readonly lastHourFromMorning: number;
}

const pad2 = (x: number): string => (x < 10 ? `0${x}` : String(x));

const gridCache = new Map<string, DayGrid>();

/**
 * The grid of a normal day under `sessions` at `intervalMin`. The expiring contract's last day uses
 * the first `nMorning` bars: its sessions (the morning only) are a prefix of the normal day's.
 */
export function dayGrid(sessions: readonly Session[], intervalMin: number): DayGrid {
  const key = `${sessions.map((s) => `${s.open}-${s.close}`).join(',')}/${intervalMin}`;
  const hit = gridCache.get(key);
  if (hit) return hit;
  const stamps = Int32Array.from(barEndMinutes(sessions, intervalMin));
  const n = stamps.length;
  const first = sessions[0]!;
  const last = sessions[sessions.length - 1]!;
  const volShape = new Float64Array(n);
  const varShare = new Float64Array(n);
  let varSum = 0;
  for (let i = 0; i < n; i++) {
    const end = stamps[i]!;
    const s = sessions.find((x) => end > x.open && end <= x.close)!;
    let vol = 0;
    let v = 0;
    for (let m = end - intervalMin; m < end; m++) {
      const mid = m + 0.5;
      const sinceOpen = mid - first.open;
      const toClose = last.close - mid;
      const sinceSession = s === first ? Infinity : mid - s.open;
      vol += 0.55 + 2.2 * Math.exp(-sinceOpen / 18) + 1.6 * Math.exp(-toClose / 20) + 0.5 * Math.exp(-sinceSession / 12);
      v += 0.7 + 1.5 * Math.exp(-sinceOpen / 15) + 0.6 * Math.exp(-toClose / 20) + 0.3 * Math.exp(-sinceSession / 10);
    }
    volShape[i] = vol;
    varShare[i] = v;
    varSum += v;
  }
  for (let i = 0; i < n; i++) varShare[i]! /= varSum;
  const lastHour = MODEL.signal.lastHourMinutes;
  let lastHourFrom = n;
  while (lastHourFrom > 0 && stamps[lastHourFrom - 1]! > last.close - lastHour) lastHourFrom--;
  let nMorning = 0;
  while (nMorning < n && stamps[nMorning]! <= first.close) nMorning++;
  let lastHourFromMorning = nMorning;
  while (lastHourFromMorning > 0 && stamps[lastHourFromMorning - 1]! > first.close - lastHour) lastHourFromMorning--;
  const hhmm = Array.from(stamps, (m) => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`);
  const grid: DayGrid = { n, stamps, hhmm, volShape, varShare, lastHourFrom, nMorning, lastHourFromMorning };
  gridCache.set(key, grid);
  return grid;
}

/**
 * The product's latent price path through the day: path[0] is the open, path[i] the level at the
 * end of bar i, path[n] = close. A Brownian bridge from open to close whose per-bar variance follows
 * the grid's U-shape, with total intraday variance sdIntraday^2. barSd[i] gets bar i's sd.
 */
export function buildFairPath(
  grid: DayGrid,
  open: number,
  close: number,
  sdIntraday: number,
  rng: Rng,
  path: Float64Array,
  barSd: Float64Array,
): void {
  const n = grid.n;
  let w = 0;
  path[0] = 0;
  for (let i = 0; i < n; i++) {
    const s = sdIntraday * Math.sqrt(grid.varShare[i]!);
    barSd[i] = s;
    w += s * rng.normal();
    path[i + 1] = w;
  }
  // Pin the end: subtract the excess in proportion to the variance elapsed.
  const excess = w - (close - open);
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += grid.varShare[i]!;
    path[i + 1] = open + path[i + 1]! - cum * excess;
  }
  path[0] = open;
  path[n] = close;
}

/** A contract's bars of one day; prices in ticks of the day's tick size. */
export interface Bars {
  o: Int32Array;
  h: Int32Array;
  l: Int32Array;
  c: Int32Array;
  v: Float64Array;
  amount: Float64Array;
  oi: Float64Array;
}

export function allocBars(n: number): Bars {
  return {
    o: new Int32Array(n),
    h: new Int32Array(n),
    l: new Int32Array(n),
    c: new Int32Array(n),
    v: new Float64Array(n),
    amount: new Float64Array(n),
    oi: new Float64Array(n),
  };
}

/** The daily aggregate of a contract's bars. */
export interface DayAggregate {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  amount: number;
  openInterest: number;
  /** Volume-weighted price of the last hour (price units, unrounded), else of the day. */
  vwapLastHour: number;
  /** Volume-weighted price of the day (price units). */
  vwap: number;
  /** The planted feature: last-hour signed-volume imbalance (NaN when the last hour had no trades). */
  imbalance: number;
}

export interface ContractDay {
  grid: DayGrid;
  /** Bars of the day for this contract: grid.n, or grid.nMorning on its last trading day. */
  nBars: number;
  lastHourFrom: number;
  /** Product path and per-bar sd (price units), and this contract's offset from it. */
  path: Float64Array;
  barSd: Float64Array;
  offset: number;
  tick: number;
  multiplier: number;
  /** Limit band in ticks, inclusive. */
  lo: number;
  hi: number;
  /** Lots traded in the day (> 0), open interest before and after. */
  volume: number;
  oiStart: number;
  oiEnd: number;
  /** log-weight tilt of last-hour volume towards up bars (gamma * z), 0 without a planted signal. */
  tilt: number;
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/**
 * Fills `out` with the bars of a contract's day and returns their aggregate. Traded prices are the
 * latent path plus the contract's offset plus microstructure noise, rounded to the tick and clamped
 * into the limit band. Volume is spread over the bars by the U-shape times noise (times the planted
 * tilt in the last hour), exactly summing to the day's volume, with at least one lot in the first bar;
 * a bar without volume is flat at the last traded price.
 */
export function buildContractBars(d: ContractDay, rng: Rng, out: Bars): DayAggregate {
  const I = MODEL.intraday;
  const { nBars: n, path, barSd, tick, lo, hi, grid } = d;
  const inv = 1 / tick;
  const off = d.offset;
  const noise = I.noiseTicks;
  let wSum = 0;
  const w = out.amount; // scratch for the weights, overwritten with amounts below
  for (let i = 0; i < n; i++) {
    const o = clamp(Math.round((path[i]! + off) * inv + noise * rng.normal()), lo, hi);
    const c = clamp(Math.round((path[i + 1]! + off) * inv + noise * rng.normal()), lo, hi);
    const ex = I.excursion * barSd[i]! * inv;
    const up = Math.floor(ex * Math.abs(rng.normal()));
    const dn = Math.floor(ex * Math.abs(rng.normal()));
    out.o[i] = o;
    out.c[i] = c;
    out.h[i] = clamp((o > c ? o : c) + up, lo, hi);
    out.l[i] = clamp((o < c ? o : c) - dn, lo, hi);
    let wi = grid.volShape[i]! * Math.exp(I.volumeNoise * rng.normal()) * (1 + (I.volumeVolSlope * (out.h[i]! - out.l[i]!)) / (1 + barSd[i]! * inv));
    if (i >= d.lastHourFrom && d.tilt !== 0) wi *= Math.exp(d.tilt * (c > o ? 1 : c < o ? -1 : 0));
    w[i] = wi;
    wSum += wi;
  }
  // Integer volumes by cumulative rounding: they sum to the day's volume exactly.
  const V = d.volume;
  let cum = 0;
  let given = 0;
  for (let i = 0; i < n; i++) {
    cum += w[i]!;
    const upto = i === n - 1 ? V : Math.round((V * cum) / wSum);
    out.v[i] = upto - given;
    given = upto;
  }
  if (out.v[0] === 0) {
    let k = 0;
    for (let i = 1; i < n; i++) if (out.v[i]! > out.v[k]!) k = i;
    out.v[k]! -= 1;
    out.v[0] = 1;
  }
  // Bars without trades are flat at the last traded price; amounts; aggregate.
  const mult = d.multiplier;
  let last = out.o[0]!;
  let high = -Infinity;
  let low = Infinity;
  let amount = 0;
  let lhVol = 0;
  let lhAmt = 0;
  let lhSigned = 0;
  for (let i = 0; i < n; i++) {
    const v = out.v[i]!;
    if (v === 0) {
      out.o[i] = last;
      out.h[i] = last;
      out.l[i] = last;
      out.c[i] = last;
      out.amount[i] = 0;
      continue;
    }
    const o = out.o[i]!;
    const c = out.c[i]!;
    const h = out.h[i]!;
    const l = out.l[i]!;
    const a = Math.round(((v * (o + h + l + c)) / 4) * tick * mult);
    out.amount[i] = a;
    amount += a;
    if (h > high) high = h;
    if (l < low) low = l;
    last = c;
    if (i >= d.lastHourFrom) {
      lhVol += v;
      lhAmt += a;
      lhSigned += c > o ? v : c < o ? -v : 0;
    }
  }
  fillOpenInterest(d, rng, out);
  return {
    open: out.o[0]!,
    high,
    low,
    close: last,
    volume: V,
    amount,
    openInterest: d.oiEnd,
    vwapLastHour: lhVol > 0 ? lhAmt / (lhVol * mult) : amount / (V * mult),
    vwap: amount / (V * mult),
    imbalance: lhVol > 0 ? lhSigned / lhVol : Number.NaN,
  };
}

/**
 * Intraday open interest: from oiStart to oiEnd in step with cumulative volume, plus a wander that
 * grows with the square root of lots traded and is tied down at both ends. Unchanged in bars
 * without trades; the last bar carries oiEnd exactly.
 */
function fillOpenInterest(d: ContractDay, rng: Rng, out: Bars): void {
  const n = d.nBars;
  const V = d.volume;
  const dOi = d.oiEnd - d.oiStart;
  const z = MODEL.intraday.oiWander;
  // First pass: the wander B_i (stored in oi), then tie down and round.
  let b = 0;
  for (let i = 0; i < n; i++) {
    const v = out.v[i]!;
    if (v > 0) b += Math.sqrt(v) * rng.normal();
    out.oi[i] = b;
  }
  const bEnd = b;
  let cumV = 0;
  for (let i = 0; i < n; i++) {
    cumV += out.v[i]!;
    const f = cumV / V;
    const x = Math.round(d.oiStart + dOi * f + z * (out.oi[i]! - f * bEnd));
    out.oi[i] = x < 0 ? 0 : x;
  }
  out.oi[n - 1] = d.oiEnd;
}

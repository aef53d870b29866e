// One day inside: the session grid of a day, the product's latent intraday path, and a contract's
// bars on it (prices in integer ticks). The daily bar is always the aggregate of these bars, whether
// or not they are written, so the daily file does not depend on which contracts get intraday rows.

import { barEndMinutes } from '../market/sessions.js';
import type { Session } from '../market/specs.js';
import { leanStep, type DesignKind, type Lean } from './designs.js';
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
  /** Bars of the opening window (ending in the first MODEL.signal.openingMinutes of the day), from bar 0. */
  readonly openingTo: number;
  /** The hour before the last hour of a normal day: bars [preSettleFrom, lastHourFrom), ending in (close - 120, close - 60]. */
  readonly preSettleFrom: number;
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
  let openingTo = 0;
  while (openingTo < n && stamps[openingTo]! <= first.open + MODEL.signal.openingMinutes) openingTo++;
  let preSettleFrom = lastHourFrom;
  while (preSettleFrom > 0 && stamps[preSettleFrom - 1]! > last.close - 2 * lastHour) preSettleFrom--;
  const hhmm = Array.from(stamps, (m) => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`);
  const grid: DayGrid = { n, stamps, hhmm, volShape, varShare, lastHourFrom, nMorning, lastHourFromMorning, openingTo, preSettleFrom };
  gridCache.set(key, grid);
  return grid;
}

let leanSteps = new Float64Array(0);

/**
 * The product's latent price path through the day: path[0] is the open, path[i] the level at the
 * end of bar i, path[n] = close. A Brownian bridge from open to close whose per-bar variance follows
 * the grid's U-shape, with total intraday variance sdIntraday^2. barSd[i] gets bar i's sd.
 *
 * With a lean (afternoon-momentum), the bars [leanFrom, leanTo) are rebuilt from the same normal
 * draws: each step s N becomes s eps(N) (designs.ts), and their sum is put back to the drawn move
 * path[leanTo] - path[leanFrom], so the path outside the window is as drawn. The random numbers drawn
 * are the same either way.
 */
export function buildFairPath(
  grid: DayGrid,
  open: number,
  close: number,
  sdIntraday: number,
  rng: Rng,
  path: Float64Array,
  barSd: Float64Array,
  leanFrom = 0,
  leanTo = 0,
  lean: Lean | null = null,
): void {
  const n = grid.n;
  const leaning = lean !== null && lean.kappa !== 0 && leanFrom < leanTo && leanTo <= n;
  if (leaning && leanSteps.length < n) leanSteps = new Float64Array(n);
  let w = 0;
  path[0] = 0;
  for (let i = 0; i < n; i++) {
    const s = sdIntraday * Math.sqrt(grid.varShare[i]!);
    barSd[i] = s;
    const e = rng.normal();
    if (leaning && i >= leanFrom && i < leanTo) leanSteps[i] = s * leanStep(e, lean);
    w += s * e;
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
  if (!leaning) return;
  // The leaning steps, their sum put back to the drawn move of the window by the steps against z, in
  // proportion to their size: the many small steps with z keep their sign.
  let sum = 0;
  let against = 0;
  let share = 0;
  const k = lean.kappa;
  for (let i = leanFrom; i < leanTo; i++) {
    const e = leanSteps[i]!;
    sum += e;
    if (k > 0 ? e < 0 : e > 0) against += Math.abs(e);
    share += grid.varShare[i]!;
  }
  const r = path[leanTo]! - path[leanFrom]! - sum;
  for (let i = leanFrom; i < leanTo - 1; i++) {
    const e = leanSteps[i]!;
    const fix = against > 0 ? ((k > 0 ? e < 0 : e > 0) ? (r * Math.abs(e)) / against : 0) : (r * grid.varShare[i]!) / share;
    path[i + 1] = path[i]! + e + fix;
  }
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
  /** The design's oracle feature of these bars (designs.ts; NaN when undefined, e.g. no trade in its window). */
  feature: number;
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
  /**
   * The design: how z acts (designs.ts, DesignKind: 'volume' and 'flow' tilt the window's volume
   * towards up bars, 'flow' keeping the window's volume and VWAP; 'divergence' tilts every bar's
   * volume towards the bars going the day's way, keeping volume and VWAP before and in the last hour;
   * 'returns': nothing here, the path leans), the window [from, to) of bars it acts on and its
   * feature reads, and the tilt (gamma * z, 0 without a planted signal).
   */
  kind: DesignKind;
  from: number;
  to: number;
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
  const tiltWindow = d.kind === 'volume' && d.tilt !== 0;
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
    if (tiltWindow && i >= d.from && i < d.to) wi *= Math.exp(d.tilt * (c > o ? 1 : c < o ? -1 : 0));
    w[i] = wi;
    wSum += wi;
  }
  if (d.kind === 'flow' && d.tilt !== 0) {
    tiltKeepingVwap(out, w, d.from, d.to, d.tilt);
    wSum = sum(w, n);
  } else if (d.kind === 'divergence' && d.tilt !== 0) {
    // Towards the bars going the day's way (z > 0) or against it: the day's move as drawn.
    const day = out.c[n - 1]! - out.o[0]!;
    const t = day > 0 ? d.tilt : day < 0 ? -d.tilt : 0;
    if (t !== 0) {
      tiltKeepingVwap(out, w, 0, d.lastHourFrom, t);
      tiltKeepingVwap(out, w, d.lastHourFrom, n, t);
      wSum = sum(w, n);
    }
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
  // The feature's window: volume, signed volume, bars up and down.
  let fVol = 0;
  let fSigned = 0;
  let fUp = 0;
  let fDown = 0;
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
    }
    if (i >= d.from && i < d.to) {
      fVol += v;
      if (c > o) {
        fSigned += v;
        fUp++;
      } else if (c < o) {
        fSigned -= v;
        fDown++;
      }
    }
  }
  let feature: number;
  if (d.kind === 'returns') feature = fUp + fDown > 0 ? (fUp - fDown) / (fUp + fDown) : Number.NaN;
  else if (d.kind === 'divergence') {
    const dir = last > out.o[0]! ? 1 : last < out.o[0]! ? -1 : 0;
    feature = fVol > 0 ? (dir * fSigned) / fVol : Number.NaN;
  } else feature = fVol > 0 ? fSigned / fVol : Number.NaN;
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
    feature,
  };
}

function sum(x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  return s;
}

/**
 * Tilts the volume weights w of bars [from, to) by exp(tilt * sign(close - open)) while keeping their
 * sum and their weighted mean price (o + h + l + c) / 4: each weight also gets exp(a + b (mid - M)),
 * with b solving the mean (the mean is increasing in b) and a the sum. So the day's amount, and the
 * settle when the window is the last hour, move only by rounding, whatever the tilt: day t's daily
 * bar does not see it, while the window's up bars still carry more (z > 0) or less volume. A window of
 * one or two bars (the opening half hour at 15 minutes) keeps only its sum: holding its mean as well
 * would leave no tilt at all.
 */
export function tiltKeepingVwap(bars: Bars, w: Float64Array, from: number, to: number, tilt: number): void {
  const hold = to - from >= 3;
  let W = 0;
  let WM = 0;
  for (let i = from; i < to; i++) {
    W += w[i]!;
    WM += w[i]! * mid(bars, i);
  }
  if (!(W > 0)) return;
  const M = WM / W;
  // Tilted weights u_i, then b by safeguarded Newton on g(b) = sum u_i e^{b x_i} x_i, x_i = mid_i - M.
  let lo = -Infinity;
  let hi = Infinity;
  let b = 0;
  for (let it = 0; hold && it < 60; it++) {
    let g = 0;
    let dg = 0;
    let scale = 0;
    for (let i = from; i < to; i++) {
      const x = mid(bars, i) - M;
      const u = w[i]! * Math.exp(tilt * sign(bars, i) + b * x);
      g += u * x;
      dg += u * x * x;
      scale += u * Math.abs(x);
    }
    if (!(dg > 0) || Math.abs(g) <= 1e-12 * scale) break;
    if (g > 0) hi = b;
    else lo = b;
    let next = b - g / dg;
    if (!(next > lo && next < hi)) next = Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : g > 0 ? b - 1 : b + 1;
    b = next;
  }
  let U = 0;
  for (let i = from; i < to; i++) {
    const u = w[i]! * Math.exp(tilt * sign(bars, i) + b * (mid(bars, i) - M));
    w[i] = u;
    U += u;
  }
  const k = W / U;
  for (let i = from; i < to; i++) w[i]! *= k;
}

const mid = (b: Bars, i: number): number => (b.o[i]! + b.h[i]! + b.l[i]! + b.c[i]!) / 4;
const sign = (b: Bars, i: number): number => (b.c[i]! > b.o[i]! ? 1 : b.c[i]! < b.o[i]! ? -1 : 0);

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

// Bars of one contract on one day, from the day's fair price: intraday path (when the contract
// gets minute bars), daily OHLC as the exact aggregate of that path, settle as the last hour's
// volume-weighted price, everything on the tick grid and inside the daily limit band.

import type { Rng } from './rng.js';
import { SIGNAL } from './market.js';

export interface DayInput {
  readonly tick: number;
  /** Limit as a fraction of pre_settle, already doubled where the rules double it. */
  readonly limit: number;
  readonly multiplier: number;
  readonly preSettle: number;
  readonly prevClose: number;
  /** Today's target close (fair price x the contract's basis), before tick rounding. */
  readonly targetClose: number;
  readonly dailySd: number;
  readonly volume: number;
  readonly prevOi: number;
  readonly oi: number;
  /** Bar end stamps (minutes after midnight) of the day; empty for no minute bars. */
  readonly barEnds: readonly number[];
  /** Hidden signal draw z(t) (0 for none). */
  readonly z: number;
}

export interface DayBars {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly settle: number;
  readonly amount: number;
  /** Per-bar arrays (empty without minute bars). */
  readonly mOpen: Float64Array;
  readonly mHigh: Float64Array;
  readonly mLow: Float64Array;
  readonly mClose: Float64Array;
  readonly mVolume: Float64Array;
  readonly mOi: Float64Array;
}

const EMPTY = new Float64Array(0);

/** Bars in the day's final SIGNAL.lastHourMinutes (14:15-15:15 on a full day), from the bar interval. */
export function lastHourBars(barEnds: readonly number[]): number {
  const interval = barEnds.length > 1 ? barEnds[1]! - barEnds[0]! : SIGNAL.lastHourMinutes;
  return Math.min(barEnds.length - 1, Math.max(1, Math.round(SIGNAL.lastHourMinutes / interval)));
}

/** U-shaped intraday volume weights: heavy at the open and the close, light at midday. */
export function volumeWeights(n: number): Float64Array {
  const w = new Float64Array(n);
  let s = 0;
  for (let j = 0; j < n; j++) {
    const x = (j + 0.5) / n - 0.5;
    w[j] = 0.35 + 6 * x * x;
    s += w[j]!;
  }
  for (let j = 0; j < n; j++) w[j]! /= s;
  return w;
}

function bandClamp(p: number, lo: number, hi: number, tick: number): number {
  const r = Math.round(p / tick) * tick;
  if (r < lo) return Math.ceil(lo / tick - 1e-9) * tick;
  if (r > hi) return Math.floor(hi / tick + 1e-9) * tick;
  return r;
}

const round = (p: number, tick: number): number => Math.round(Math.round(p / tick) * tick * 1e6) / 1e6;

export function makeDay(inp: DayInput, rng: Rng): DayBars {
  const { tick, preSettle } = inp;
  const lo = preSettle * (1 - inp.limit);
  const hi = preSettle * (1 + inp.limit);
  const clamp = (p: number): number => round(bandClamp(p, lo, hi, tick), tick);
  const open = clamp(inp.prevClose * Math.exp(0.25 * inp.dailySd * rng.normal()));
  const close = clamp(inp.targetClose);
  const n = inp.barEnds.length;
  if (n === 0) {
    const spread = Math.abs(rng.normal()) * 0.4 * inp.dailySd * close;
    const high = clamp(Math.max(open, close) + spread);
    const low = clamp(Math.min(open, close) - Math.abs(rng.normal()) * 0.4 * inp.dailySd * close);
    const settle = Math.round((close + 0.1 * inp.dailySd * close * rng.normal()) * 1e4) / 1e4;
    const avg = (open + high + low + close) / 4;
    return {
      open, high: Math.max(high, open, close), low: Math.min(low, open, close), close,
      settle: Math.min(Math.max(settle, lo), hi),
      amount: Math.round(inp.volume * avg * inp.multiplier),
      mOpen: EMPTY, mHigh: EMPTY, mLow: EMPTY, mClose: EMPTY, mVolume: EMPTY, mOi: EMPTY,
    };
  }

  // Log-price path from open to close: a Brownian bridge, plus the planted last-hour tilt.
  const sdBar = (0.8 * inp.dailySd) / Math.sqrt(n);
  const path = new Float64Array(n + 1);
  for (let j = 1; j <= n; j++) path[j] = path[j - 1]! + sdBar * rng.normal();
  const total = Math.log(close / open);
  const lastHour = lastHourBars(inp.barEnds);
  const tilt = SIGNAL.tiltSd * inp.dailySd * inp.z;
  const before = n - lastHour;
  for (let j = 1; j <= n; j++) {
    const bridge = path[j]! - (j / n) * path[n]! + (j / n) * total;
    // The bars before the last hour give back the tilt evenly; the last hour earns it.
    const shape = j <= before ? (-tilt * j) / before : -tilt + (tilt * (j - before)) / lastHour;
    path[j] = bridge + shape;
  }
  const mOpen = new Float64Array(n);
  const mHigh = new Float64Array(n);
  const mLow = new Float64Array(n);
  const mClose = new Float64Array(n);
  const mVolume = new Float64Array(n);
  const mOi = new Float64Array(n);
  const w = volumeWeights(n);
  let prev = open;
  let high = open;
  let low = open;
  let left = inp.volume;
  let amount = 0;
  let lhValue = 0;
  let lhVolume = 0;
  for (let j = 0; j < n; j++) {
    const c = j === n - 1 ? close : clamp(open * Math.exp(path[j + 1]!));
    const wiggle = Math.abs(rng.normal()) * sdBar * 0.5 * c;
    const h = clamp(Math.max(prev, c) + wiggle);
    const l = clamp(Math.min(prev, c) - Math.abs(rng.normal()) * sdBar * 0.5 * c);
    const v = j === n - 1 ? left : Math.min(left, Math.round(inp.volume * w[j]! * Math.exp(0.3 * rng.normal())));
    left -= v;
    mOpen[j] = prev;
    mHigh[j] = Math.max(h, prev, c);
    mLow[j] = Math.min(l, prev, c);
    mClose[j] = c;
    mVolume[j] = v;
    mOi[j] = Math.round(inp.prevOi + ((inp.oi - inp.prevOi) * (j + 1)) / n + (j === n - 1 ? 0 : 0.002 * inp.oi * rng.normal()));
    if (mHigh[j]! > high) high = mHigh[j]!;
    if (mLow[j]! < low) low = mLow[j]!;
    const typical = (mHigh[j]! + mLow[j]! + c) / 3;
    amount += v * typical * inp.multiplier;
    if (j >= n - lastHour) {
      lhValue += v * typical;
      lhVolume += v;
    }
    prev = c;
  }
  const settleRaw = lhVolume > 0 ? lhValue / lhVolume : close;
  return {
    open, high, low, close,
    settle: Math.round(Math.min(Math.max(settleRaw, lo), hi) * 1e4) / 1e4,
    amount: Math.round(amount),
    mOpen, mHigh, mLow, mClose, mVolume, mOi,
  };
}

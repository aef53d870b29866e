// The synthetic market's daily state: regimes, the yield curve, each product's fair price, the
// planted signal, and how open interest spreads over the listed contracts. Pure functions of
// the seed and the calendar; bars.ts turns this into bars.

import { childRng } from './rng.js';
import type { Product } from '../market/specs.js';

export type Regime = 'bull' | 'bear' | 'sideways';
export const REGIMES: readonly Regime[] = ['bull', 'bear', 'sideways'];

/** Daily probability of staying in a regime (mean spell: 1 / (1 - p) days: ~33, ~33, ~25). */
export const STAY = { bull: 0.97, bear: 0.97, sideways: 0.96 } as const;
/** Drift of the common yield level per day, in basis points (bull = yields fall = prices rise). */
export const LEVEL_DRIFT_BP = { bull: -0.5, bear: 0.5, sideways: 0 } as const;
export const LEVEL_VOL_BP = 2.2;
export const SLOPE_VOL_BP = 0.8;
export const IDIO_VOL_BP = 0.5;

export interface ProductModel {
  /** Modified duration of the cheapest-to-deliver, in years. */
  readonly duration: number;
  /** Loading on the slope factor (short end negative). */
  readonly slope: number;
  /** Level-factor vol multiplier. */
  readonly vol: number;
  readonly startPrice: number;
  /** Typical total open interest across the listed contracts. */
  readonly openInterest: number;
  /** Daily volume as a share of open interest. */
  readonly turnover: number;
}

export const PRODUCT_MODEL: Readonly<Record<Product, ProductModel>> = {
  TS: { duration: 1.9, slope: -0.6, vol: 0.8, startPrice: 100.5, openInterest: 60_000, turnover: 0.5 },
  TF: { duration: 4.5, slope: -0.2, vol: 1.0, startPrice: 101, openInterest: 120_000, turnover: 0.45 },
  T: { duration: 8, slope: 0.2, vol: 1.0, startPrice: 100, openInterest: 200_000, turnover: 0.45 },
  TL: { duration: 18, slope: 0.5, vol: 1.1, startPrice: 100, openInterest: 80_000, turnover: 0.9 },
};

/**
 * The planted truth of `--signal minute`. On each day t a hidden standard normal z(t) per product
 * tilts the LAST HOUR of day t's intraday path (14:15-15:15) by TILT_SD x z(t) x the product's daily
 * return s.d., the earlier part of the day taking the opposite tilt so that day t's open, close
 * and volume do not move; and day t+1's fair log return gets BETA x z(t) x the daily s.d. added.
 * So the last-hour return of day t predicts day t+1's return, while day t's daily open/close/volume
 * carry no trace of z(t) (its high/low see the whole path, so a trace through the range remains).
 */
export const SIGNAL = { tiltSd: 0.6, beta: 0.25, lastHourMinutes: 60 } as const;

export interface DayState {
  readonly regime: Regime;
  /** Fair price of each product (NaN before launch). */
  readonly fair: Readonly<Record<Product, number>>;
  /** Fair log return of the day (incl. the planted term). */
  readonly ret: Readonly<Record<Product, number>>;
  /** Hidden signal draw of the day (0 under --signal none). */
  readonly z: Readonly<Record<Product, number>>;
  /** Total open interest of each product. */
  readonly totalOi: Readonly<Record<Product, number>>;
}

/** Daily return s.d. of a product's fair price: duration x level vol. */
export function dailySd(p: Product): number {
  const m = PRODUCT_MODEL[p];
  return m.duration * m.vol * Math.hypot(LEVEL_VOL_BP, SLOPE_VOL_BP * m.slope, IDIO_VOL_BP) * 1e-4;
}

/** Walks the regime chain and the curve over `days` trading days. */
export function simulateDays(seed: number, days: number, products: readonly Product[], signal: 'none' | 'minute'): DayState[] {
  const rng = childRng(seed, 'curve');
  const sigRng = childRng(seed, 'signal');
  const oiRng = childRng(seed, 'open-interest');
  const out: DayState[] = [];
  let regime: Regime = 'sideways';
  const fair: Record<string, number> = {};
  const oi: Record<string, number> = {};
  const zPrev: Record<string, number> = {};
  for (const p of products) {
    fair[p] = PRODUCT_MODEL[p].startPrice;
    oi[p] = PRODUCT_MODEL[p].openInterest;
    zPrev[p] = 0;
  }
  for (let d = 0; d < days; d++) {
    if (rng.next() > STAY[regime]) {
      const others = REGIMES.filter((r) => r !== regime);
      regime = others[rng.next() < 0.5 ? 0 : 1]!;
    }
    const level = LEVEL_DRIFT_BP[regime] + LEVEL_VOL_BP * rng.normal();
    const slope = SLOPE_VOL_BP * rng.normal();
    const ret: Record<string, number> = {};
    const z: Record<string, number> = {};
    for (const p of products) {
      const m = PRODUCT_MODEL[p];
      const dy = (m.vol * level + m.slope * slope + IDIO_VOL_BP * rng.normal()) * 1e-4;
      const planted = signal === 'minute' ? SIGNAL.beta * zPrev[p]! * dailySd(p) : 0;
      ret[p] = -m.duration * dy + planted;
      fair[p] = fair[p]! * Math.exp(ret[p]);
      z[p] = signal === 'minute' ? sigRng.normal() : 0;
      zPrev[p] = z[p];
      oi[p] = Math.max(0.3 * m.openInterest, oi[p]! * Math.exp(0.01 * oiRng.normal()) + 0.005 * (m.openInterest - oi[p]!));
    }
    out.push({ regime, fair: { ...fair } as Record<Product, number>, ret: ret as Record<Product, number>, z: z as Record<Product, number>, totalOi: { ...oi } as Record<Product, number> });
  }
  return out;
}

/**
 * Share of a product's open interest held by the front contract, by trading days left to its last
 * trading day: nearly all of it until about five weeks out, crossing one half 17 trading days out.
 */
export function frontShare(daysToExpiry: number): number {
  return 1 / (1 + Math.exp(-(daysToExpiry - 17) / 3));
}

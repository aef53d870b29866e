// The yield curve: a persistent three-regime chain (bull / bear / sideways) driving a level factor,
// a slope factor and idiosyncratic noise for the 2y, 5y, 10y and 30y yields, plus the planted
// latent of the 'minute' signal. Pure: trading days and seed in, typed arrays out.

import { BEAR, BULL, MODEL, SIDEWAYS, TENORS } from './model.js';
import { Rng } from './rng.js';

export interface YieldPath {
  /** Day numbers of the trading days. */
  readonly days: Int32Array;
  /** Regime of each day (0 bull, 1 bear, 2 sideways). */
  readonly regime: Uint8Array;
  /** Yield level (%) of each tenor at each day's close. */
  readonly level: readonly Float64Array[];
  /** Yield change (bp) on each day (0 on the first day). */
  readonly change: readonly Float64Array[];
  /** sd (bp) of the random part of each tenor's change on each day (regime-dependent). */
  readonly sd: readonly Float64Array[];
  /** Drift (bp) of each tenor's change on each day. */
  readonly drift: readonly Float64Array[];
  /**
   * Planted latent z[p][t] ~ N(0, 1), one per tenor (= product) and day: it moves day t+1's yield
   * change by -rho * sd[p][t+1] * z[p][t] and shows in day t's minute bars as the design says. Drawn in both signal
   * modes (so the rest of the market draws the same random numbers); rho is 0 under 'none'.
   */
  readonly latent: readonly Float64Array[];
  /** The rho in force (the option's, by default MODEL.signal.rho; 0 under 'none'). */
  readonly rho: number;
}

const NT = TENORS.length;

/** Regime switch: the next regime among the other two, weighted towards the target mix and a sane level. */
function nextRegime(current: number, daysIn: Float64Array, total: number, gap: number, rng: Rng): number {
  const R = MODEL.regime;
  const w = [0, 0, 0];
  for (let j = 0; j < 3; j++) {
    if (j === current) continue;
    const share = daysIn[j]! / total;
    const target = R.targetShare[j]!;
    // Entries weighted by target share / mean duration, so days (entries x duration) match the target.
    let x = (target / R.meanDuration[j]!) * Math.exp(R.shareFeedback * (target - share));
    if (j === BULL) x *= Math.exp(R.levelPull * gap);
    if (j === BEAR) x *= Math.exp(-R.levelPull * gap);
    w[j] = x;
  }
  const u = rng.uniform() * (w[0]! + w[1]! + w[2]!);
  if (u < w[0]!) return 0;
  if (u < w[0]! + w[1]!) return 1;
  return 2;
}

/** sd (bp) of the random part of tenor j's daily change in regime r. */
export function tenorSd(j: number, r: number): number {
  const Y = MODEL.yields;
  const m = Y.volMultiplier[r]!;
  const a = Y.levelLoading[j]! * Y.levelSd;
  const b = Y.slopeLoading[j]! * Y.slopeSd;
  const c = Y.idioSd[j]!;
  return m * Math.sqrt(a * a + b * b + c * c);
}

/**
 * `signalRho`: the planted latent's correlation with the next-day move under 'minute' (default
 * MODEL.signal.rho). `regimeDrift` false: regimes change only the volatility, so under 'none' the
 * next day is independent of the past (with drift, the hidden regime predicts it a little).
 */
export function generateYields(days: readonly number[], seed: number, signal: 'none' | 'minute', signalRho: number = MODEL.signal.rho, regimeDrift = true): YieldPath {
  const n = days.length;
  const Y = MODEL.yields;
  const R = MODEL.regime;
  const rng = new Rng(seed, 'yields');
  const rho = signal === 'minute' ? signalRho : 0;
  const keep = Math.sqrt(1 - rho * rho);
  const regime = new Uint8Array(n);
  const mk = (): Float64Array[] => Array.from({ length: NT }, () => new Float64Array(n));
  const level = mk();
  const change = mk();
  const sd = mk();
  const drift = mk();
  const latent = mk();

  // Regime chain: start from the target mix; shares counted with a prior at the target mix.
  const daysIn = new Float64Array(3);
  for (let j = 0; j < 3; j++) daysIn[j] = R.priorDays * R.targetShare[j]!;
  let total = R.priorDays;
  const u0 = rng.uniform();
  let r = u0 < R.targetShare[0] ? BULL : u0 < R.targetShare[0] + R.targetShare[1] ? BEAR : SIDEWAYS;
  const y = Float64Array.from(Y.start);
  const sdOf = Array.from({ length: NT }, (_, j) => [0, 1, 2].map((k) => tenorSd(j, k)));

  for (let t = 0; t < n; t++) {
    if (t > 0 && rng.uniform() < 1 / R.meanDuration[r]!) {
      r = nextRegime(r, daysIn, total, y[2]! - Y.start[2]!, rng);
    }
    regime[t] = r;
    daysIn[r]! += 1;
    total += 1;
    const m = Y.volMultiplier[r]!;
    const L = rng.normal();
    const S = rng.normal();
    for (let j = 0; j < NT; j++) {
      const e = rng.normal();
      const s = sdOf[j]![r]!;
      const mu = regimeDrift ? Y.levelDrift[r]! * Y.levelLoading[j]! : 0;
      sd[j]![t] = s;
      drift[j]![t] = mu;
      if (t === 0) {
        level[j]![t] = y[j]!;
        continue;
      }
      const random = m * (Y.levelLoading[j]! * Y.levelSd * L + Y.slopeLoading[j]! * Y.slopeSd * S + Y.idioSd[j]! * e);
      const planted = -rho * s * latent[j]![t - 1]!;
      const dy = mu + keep * random + planted;
      change[j]![t] = dy;
      y[j]! += dy / 100;
      level[j]![t] = y[j]!;
    }
    for (let j = 0; j < NT; j++) latent[j]![t] = rng.normal();
  }
  return { days: Int32Array.from(days), regime, level, change, sd, drift, latent, rho };
}

// Every parameter of the synthetic market in one place. README.md explains what each does; the
// whole object is copied into truth.json so a generated market carries its own description.

import type { Product } from '../market/specs.js';

export const REGIMES = ['bull', 'bear', 'sideways'] as const;
export type Regime = (typeof REGIMES)[number];
export const BULL = 0;
export const BEAR = 1;
export const SIDEWAYS = 2;

/** Yield-curve tenors (years) and the product each one drives. */
export const TENORS = [2, 5, 10, 30] as const;
export const TENOR_OF: Readonly<Record<Product, number>> = { TS: 0, TF: 1, T: 2, TL: 3 };

export const MODEL = {
  regime: {
    /** Target long-run share of days in each regime (bull, bear, sideways). */
    targetShare: [0.35, 0.3, 0.35],
    /** Mean regime duration in trading days (geometric durations). */
    meanDuration: [55, 45, 35],
    /**
     * On a switch, the next regime is drawn among the other two with weight
     * targetShare_j / meanDuration_j * exp(shareFeedback * (targetShare_j - share_j)) * exp(+-levelPull * gap), where
     * share_j is the share of days so far in j (with a prior of priorDays days at the target shares) and
     * gap = (10y yield - its start) / 1%: a high yield favours bull, a low one bear. This keeps the mix
     * near the target over any multi-year run and the yield level within a plausible range.
     */
    shareFeedback: 8,
    priorDays: 120,
    levelPull: 1.5,
  },
  yields: {
    /** Starting yield levels (%) of the 2y, 5y, 10y and 30y. */
    start: [2.4, 2.75, 3.0, 3.45],
    /** Loadings on the common level factor, the slope factor; idiosyncratic sd (bp/day). */
    levelLoading: [0.85, 0.95, 1.0, 1.0],
    slopeLoading: [-1.0, -0.4, 0.3, 1.0],
    idioSd: [1.2, 1.0, 0.8, 1.8],
    /** Level and slope factor sd (bp/day) before the regime multiplier. */
    levelSd: 2.6,
    slopeSd: 0.8,
    /** Per-regime multiplier of every sd (bull, bear, sideways). */
    volMultiplier: [1.0, 1.15, 0.7],
    /** Level drift (bp/day, times the level loading) per regime: yields fall in bull, rise in bear. */
    levelDrift: [-0.25, 0.25, 0],
  },
  prices: {
    /** Modified duration of each product's futures price, and its price on its first day. */
    duration: { TS: 1.9, TF: 4.5, T: 8, TL: 18 } as Record<Product, number>,
    start: { TS: 100.5, TF: 101, T: 100, TL: 100 } as Record<Product, number>,
    /** Share of a day's variance that arrives overnight (gap between the previous close and the open). */
    overnightShare: 0.25,
    /**
     * Calendar carry: contract price = fair + carry * quarters to its last trading day. carry is an AR(1)
     * per product (mean per quarter, daily persistence, sd); the fair price gains carry/91 per calendar
     * day so that no contract has a deterministic drift.
     */
    carryMean: { TS: 0.04, TF: 0.015, T: -0.06, TL: -0.25 } as Record<Product, number>,
    carryPersistence: 0.99,
    carrySd: { TS: 0.002, TF: 0.003, T: 0.004, TL: 0.01 } as Record<Product, number>,
  },
  intraday: {
    /** Microstructure noise of a traded price around the latent path, in ticks (sd). */
    noiseTicks: 0.45,
    /** Scale of a bar's excursion beyond max(open, close) / min(open, close), as a share of the bar's sd. */
    excursion: 0.5,
    /** Lognormal sd of each bar's volume weight around the U-shape. */
    volumeNoise: 0.35,
    /** Extra volume weight per tick of bar range (volume follows volatility). */
    volumeVolSlope: 0.25,
    /** sd of the intraday open-interest wander, per sqrt(lot traded). */
    oiWander: 0.15,
  },
  openInterest: {
    /** Total open interest across a product's contracts once mature (lots). */
    level: { TS: 60_000, TF: 120_000, T: 180_000, TL: 90_000 } as Record<Product, number>,
    /** Growth after launch: level * (floor + (1 - floor) * (1 - exp(-years / years0))). */
    growthFloor: 0.35,
    growthYears: 2.5,
    /** Daily log-AR(1) of the level: persistence and sd. */
    levelPersistence: 0.98,
    levelSd: 0.03,
    /**
     * Shares before normalising, with R(d) = 1 / (1 + exp((d - d0) / width)), d = trading days to the
     * front's last trading day, d0 drawn per front contract uniformly in [rollFrom, rollTo]:
     *   front 0.9 (1 - R) + 0.01, next 0.08 + 0.88 R, far 0.01 + 0.06 R,
     * each times a persistent per-contract factor exp(0.1 N). R rises monotonically, so the contract
     * with the most open interest changes once, from the front to the next, never back.
     */
    rollFrom: 15,
    rollTo: 24,
    rollWidth: 2.5,
  },
  volume: {
    /** Daily volume / open interest of the front and next contracts, and of the far one. */
    turnover: { TS: 0.6, TF: 0.45, T: 0.42, TL: 1.0 } as Record<Product, number>,
    farTurnover: 0.25,
    /** Roll trades: volume added per lot of open-interest change. */
    rollVolume: 1.5,
    /** Day activity: exp(activityNoise N + activityVol (|day return| / sd - 0.8)); per-contract lognormal sd. */
    activityNoise: 0.25,
    activityVol: 0.3,
    contractNoise: 0.2,
    /** Probability that the far contract does not trade at all on a day. */
    farQuietDay: 0.03,
    /** Probability that the expiring contract does not trade on its last day. */
    lastDayQuiet: 0.5,
  },
  signal: {
    /** corr(z_t, next-day price return) of the planted latent, and the volume tilt of day t. */
    rho: 0.15,
    gamma: 0.4,
    /** Bars counted in the feature: those ending in the last `lastHourMinutes` of the day's trading. */
    lastHourMinutes: 60,
    /** The opening-flow design's window: bars ending in the first `openingMinutes` of the day's trading. */
    openingMinutes: 30,
    /**
     * How strongly z shows in day t's bars, per design other than last-hour-volume (whose gamma is
     * `gamma` above at every interval), by bar interval in minutes: chosen so that the design's oracle
     * feature recovers the same share of z (corr(feature, z)) at 1-, 3- and 5-minute bars: about 0.58
     * (afternoon-momentum, the most it reaches at 5 minutes), 0.76 (opening-flow, likewise) and 0.80
     * (session-divergence, at 15 minutes too). afternoon-momentum: the lean of its hour's bar returns
     * (kappa = gamma z, designs.ts); opening-flow and session-divergence: log volume-weight tilt, as
     * gamma above. At 15 minutes the opening half hour is two bars and the afternoon hour four: their
     * gamma is where the share stops growing (0.39, 0.37).
     */
    designGamma: {
      'afternoon-momentum': { 1: 0.33, 3: 0.36, 5: 0.5, 15: 0.5 },
      'opening-flow': { 1: 0.3, 3: 0.64, 5: 1.3, 15: 1.5 },
      'session-divergence': { 1: 0.1, 3: 0.172, 5: 0.225, 15: 0.48 },
    } as Record<string, Record<number, number>>,
    /** The suite's two strengths (rho): the default, and the stronger one the demo and the acceptance use. */
    suiteRho: [0.15, 0.3],
  },
} as const;

export type SynthModel = typeof MODEL;

// The planted-signal designs: where in day t's minute bars the latent z[p][t] shows, and the oracle
// feature that reads it back. Every design moves day t+1 the same way (yields.ts: rho daily sd per
// unit of z); they differ only in what z does to day t's bars, and none of them touches what a daily
// bar of day t shows: open, high, low, close, volume and open interest are drawn without z; amount and
// settle move by rounding (the designs that hold their VWAP), on average not at all (the leaning
// path), or by a fraction of a bar's move (the original last-hour-volume, kept as it was). README.md
// states each one with its measured accuracy; truth.json copies it.

import { MODEL } from './model.js';

export const DESIGNS = ['last-hour-volume', 'afternoon-momentum', 'opening-flow', 'session-divergence'] as const;
export type Design = (typeof DESIGNS)[number];
/** The original design; the default, so that a market generated without --design is as before. */
export const DEFAULT_DESIGN: Design = 'last-hour-volume';

export const isDesign = (x: unknown): x is Design => (DESIGNS as readonly unknown[]).includes(x);

/**
 * How z acts on a contract's bars (what buildContractBars and buildFairPath need to know): 'volume'
 * tilts the window's volume weights towards up bars, exactly as the generator always has; 'flow' does
 * the same but keeps the window's volume and VWAP (tiltKeepingVwap), so amount and settle do not move
 * with z; 'divergence' tilts every bar's weight by its direction times the day's, keeping volume and
 * VWAP before and in the last hour; 'returns' leaves volume alone and leans the path (buildFairPath).
 */
export type DesignKind = 'volume' | 'flow' | 'divergence' | 'returns';

/**
 * Which bars a design acts on and measures: the day's last hour, its first half hour, all of it, or
 * the hour before the last (bars ending in (close - 120, close - 60] minutes: 13:16..14:15).
 */
export type DesignWindow = 'lastHour' | 'opening' | 'session' | 'preSettle';

/** Each design in one row: its line for --help, how z acts, and on which bars. */
export const DESIGN_DEFS: Readonly<Record<Design, { readonly summary: string; readonly kind: DesignKind; readonly window: DesignWindow }>> = {
  'last-hour-volume': { summary: "last hour's volume leans to up (z > 0) or down bars", kind: 'volume', window: 'lastHour' },
  'afternoon-momentum': { summary: "13:15-14:15 bar returns lean with z (most bars move its way, the hour's move kept)", kind: 'returns', window: 'preSettle' },
  'opening-flow': { summary: "first half hour's volume leans to up or down bars", kind: 'flow', window: 'opening' },
  'session-divergence': { summary: "the whole session's volume confirms (z > 0) or fights the day's move", kind: 'divergence', window: 'session' },
};

/** gamma of a design at a bar interval (MODEL.signal: one gamma for last-hour-volume, a table for the others). */
export function designGamma(design: Design, intervalMin: number): number {
  if (design === 'last-hour-volume') return MODEL.signal.gamma;
  const g = MODEL.signal.designGamma[design]?.[intervalMin];
  if (g === undefined) throw new RangeError(`no gamma for design ${design} at ${intervalMin}-minute bars`);
  return g;
}

/**
 * Measured oracle accuracy, pooled over the four products (each standardised): the mean of three
 * ten-year runs (2016-2025, seeds 1, 2, 3) at each strength (README, "Calibration"). `share` =
 * corr(feature, z), how much of the latent the feature recovers (both strengths' runs); `corr` =
 * corr(feature, next-day return) and `hitRate` = the share of days on which their signs agree, at the
 * suite's two strengths (rho 0.15 and 0.3). A run's realised value scatters around them by about
 * 1/sqrt(pairs) (a ten-year run has about 7,300 pairs: +-0.012).
 */
export interface ExpectedAccuracy {
  share: number;
  corr: { rho15: number; rho30: number };
  hitRate: { rho15: number; rho30: number };
}

export const EXPECTED: Readonly<Record<Design, Readonly<Record<number, ExpectedAccuracy>>>> = {
  'last-hour-volume': {
    1: { share: 0.908, corr: { rho15: 0.135, rho30: 0.269 }, hitRate: { rho15: 0.547, rho30: 0.59 } },
    3: { share: 0.793, corr: { rho15: 0.118, rho30: 0.239 }, hitRate: { rho15: 0.541, rho30: 0.583 } },
    5: { share: 0.698, corr: { rho15: 0.105, rho30: 0.209 }, hitRate: { rho15: 0.536, rho30: 0.573 } },
    15: { share: 0.416, corr: { rho15: 0.064, rho30: 0.131 }, hitRate: { rho15: 0.526, rho30: 0.548 } },
  },
  'afternoon-momentum': {
    1: { share: 0.581, corr: { rho15: 0.087, rho30: 0.184 }, hitRate: { rho15: 0.53, rho30: 0.565 } },
    3: { share: 0.575, corr: { rho15: 0.096, rho30: 0.179 }, hitRate: { rho15: 0.534, rho30: 0.567 } },
    5: { share: 0.592, corr: { rho15: 0.09, rho30: 0.176 }, hitRate: { rho15: 0.536, rho30: 0.565 } },
    15: { share: 0.365, corr: { rho15: 0.065, rho30: 0.108 }, hitRate: { rho15: 0.532, rho30: 0.552 } },
  },
  'opening-flow': {
    1: { share: 0.762, corr: { rho15: 0.111, rho30: 0.233 }, hitRate: { rho15: 0.539, rho30: 0.578 } },
    3: { share: 0.763, corr: { rho15: 0.115, rho30: 0.233 }, hitRate: { rho15: 0.539, rho30: 0.581 } },
    5: { share: 0.756, corr: { rho15: 0.119, rho30: 0.225 }, hitRate: { rho15: 0.543, rho30: 0.581 } },
    15: { share: 0.387, corr: { rho15: 0.06, rho30: 0.114 }, hitRate: { rho15: 0.525, rho30: 0.543 } },
  },
  'session-divergence': {
    1: { share: 0.792, corr: { rho15: 0.12, rho30: 0.241 }, hitRate: { rho15: 0.541, rho30: 0.573 } },
    3: { share: 0.8, corr: { rho15: 0.113, rho30: 0.238 }, hitRate: { rho15: 0.538, rho30: 0.572 } },
    5: { share: 0.804, corr: { rho15: 0.122, rho30: 0.236 }, hitRate: { rho15: 0.536, rho30: 0.574 } },
    15: { share: 0.8, corr: { rho15: 0.116, rho30: 0.234 }, hitRate: { rho15: 0.535, rho30: 0.57 } },
  },
};

/**
 * The expected corr(feature, next-day return) that truth.json's `expected.corr` states for
 * last-hour-volume at rho 0.15, unchanged since the generator's first version so that its truth.json
 * keeps every value it had. The calibration above measures 0.135 / 0.118 / 0.105 / 0.064: the same
 * within a run's scatter at 1-5 minutes, lower at 15 (README, "Calibration").
 */
const FIRST_EXPECTED_CORR: Readonly<Record<number, number>> = { 1: 0.14, 3: 0.125, 5: 0.11, 15: 0.09 };

/**
 * Expected corr(feature, next-day return) of a design at an interval and rho: the value at rho 0.15
 * scaled by rho / 0.15 (the next-day move is rho z + sqrt(1 - rho^2) noise, so the correlation is
 * linear in rho; the measured rho 0.3 column agrees within its scatter).
 */
export function expectedCorr(design: Design, intervalMin: number, rho: number): number {
  const at15 = design === 'last-hour-volume' ? FIRST_EXPECTED_CORR[intervalMin] : EXPECTED[design][intervalMin]?.corr.rho15;
  return at15 === undefined ? Number.NaN : (at15 * rho) / MODEL.signal.rho;
}

/** Measured rho-0.15 corr of each interval, as the note of truth.json's expected lists them. */
export function expectedCorrList(design: Design): string {
  const at15 = design === 'last-hour-volume' ? FIRST_EXPECTED_CORR : Object.fromEntries(Object.entries(EXPECTED[design]).map(([m, e]) => [m, e.corr.rho15]));
  return Object.entries(at15)
    .map(([m, c]) => `${m} min ${c}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// The lean of afternoon-momentum: a step of a bar, s N with N ~ N(0,1), becomes s eps(N) with
//   eps = s_up (N + kappa) when N > -kappa, s_down (N + kappa) otherwise,
// kappa = gamma z. eps is increasing in N, has mean 0 and variance 1 (s_up, s_down below), and is
// positive with probability Phi(kappa): for z > 0 most steps go up, by little, and the rest down, by
// more. kappa = 0 gives eps = N.

export interface Lean {
  kappa: number;
  up: number;
  down: number;
}

/** Standard normal cdf (Abramowitz and Stegun 7.1.26 on erf; absolute error below 1.5e-7). */
export function normCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = y * Math.exp(-(x * x) / 2);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Scales s_up and s_down of the lean kappa: mean 0 and variance 1 of eps. */
export function lean(kappa: number): Lean {
  const q = -kappa;
  const phi = Math.exp(-(q * q) / 2) / Math.sqrt(2 * Math.PI);
  const cdf = normCdf(q);
  // E[(N - q)+], E[(q - N)+] and the second moments of the two sides.
  const a1 = phi - q * (1 - cdf);
  const a0 = phi + q * cdf;
  const b1 = (1 + q * q) * (1 - cdf) - q * phi;
  const b0 = (1 + q * q) * cdf + q * phi;
  const ratio = a1 / a0; // s_down / s_up, from the zero mean
  const up = 1 / Math.sqrt(b1 + ratio * ratio * b0);
  return { kappa, up, down: up * ratio };
}

/** eps(N) of a lean. */
export function leanStep(n: number, l: Lean): number {
  const x = n + l.kappa;
  return x > 0 ? l.up * x : l.down * x;
}

// ---------------------------------------------------------------------------------------------
// What truth.json says of each design.

export interface DesignText {
  planted: string;
  feature: { name: string; definition: string };
  whyDailyBarsCannotSeeIt: string;
}

const NEXT_DAY =
  `(2) Day t+1: p's yield change gets ` +
  `-rho * sd * z[p][t], with the rest of its random part scaled by sqrt(1 - rho^2) (sd = that day's regime sd), ` +
  `so every contract of p moves by about +rho standard deviations of its daily return per unit of z.`;

const LATENT = 'For each product p and trading day t a latent z[p][t] ~ N(0,1) is drawn, independent of everything else. ';

export function designText(design: Design): DesignText {
  const lastHour = MODEL.signal.lastHourMinutes;
  const opening = MODEL.signal.openingMinutes;
  const lastHourBars =
    `its intraday bars whose end stamp lies in the last ${lastHour} minutes of ` +
    `its trading day (14:16..15:15 at 1 minute, 14:20..15:15 at 5 minutes; 10:31..11:30 on a last trading day)`;
  switch (design) {
    case 'last-hour-volume':
      // Word for word what truth.json has always said of it.
      return {
        planted:
          LATENT +
          `(1) Day t: every bar of every contract of p whose end stamp lies in the last ${lastHour} minutes of the day's trading ` +
          `has its volume weight multiplied by exp(gamma * z * sign(close - open)) before the day's fixed total volume is ` +
          `spread over the bars; nothing else of day t depends on z. ` +
          NEXT_DAY,
        feature: {
          name: 'last_hour_signed_volume_imbalance',
          definition:
            `On day t, for the main contract, over ${lastHourBars}: ` +
            `(sum of volume of bars with close > open - sum of volume of bars with close < open) / sum of volume; ` +
            `bars with close = open count in the denominator only. Undefined when that hour had no volume.`,
        },
        whyDailyBarsCannotSeeIt:
          `z changes only how day t's fixed total volume is divided among the last-hour bars; the price path, every ` +
          `traded price, the day's open/high/low/close, total volume and open interest are drawn without z. Daily ` +
          `bars show a bar's volume only summed over the whole day, and sum(up-bar volume) - sum(down-bar volume) needs ` +
          `each bar's direction next to its volume, which a daily bar does not have. The only daily fields that weigh ` +
          `prices by intraday volume are amount (day VWAP) and settle (last-hour VWAP): moving volume between up and down ` +
          `bars shifts them by a fraction of one bar's move (well under a tick), which leakCheck measures as ~0.`,
      };
    case 'afternoon-momentum':
      return {
        planted:
          LATENT +
          `(1) Day t: p's intraday price path (shared by all its contracts) over the bars ending in the hour before the ` +
          `last hour of a normal day (end stamps in (close - ${2 * lastHour}, close - ${lastHour}] minutes: 13:16..14:15) is rebuilt ` +
          `from the same normal draws N, the levels where that hour starts and ends kept as drawn: a bar's step s * N ` +
          `becomes s * eps, eps = s_up * (N + kappa) when N > -kappa and s_down * (N + kappa) otherwise, kappa = gamma * z, ` +
          `s_up and s_down such that eps has mean 0 and variance 1. So a share Phi(kappa) of the hour's steps go z's way, ` +
          `by a little, and the rest against it, by more. The steps' sum is then put back to the hour's drawn move by the ` +
          `steps against z, each in proportion to its size (by every step in proportion to its variance if none is ` +
          `against z). Traded prices, volumes and open interest are drawn on this path as on any other; the rest of the ` +
          `path, the open and the close are as drawn. Nothing else of day t depends on z. ` +
          NEXT_DAY,
        feature: {
          name: 'afternoon_return_sign_imbalance',
          definition:
            `On day t, for the main contract, over its intraday bars whose end stamp lies in the hour before the last hour ` +
            `of its trading day (13:16..14:15 at 1 minute, 13:20..14:15 at 5 minutes; none on a last trading day): ` +
            `(number of bars with close > open - number of bars with close < open) / number of bars with close != open; ` +
            `volume plays no part. Undefined when no bar of that hour moved.`,
        },
        whyDailyBarsCannotSeeIt:
          `z changes only the sizes and signs of the steps inside one hour of the afternoon, not where that hour starts or ` +
          `ends: the rest of the path, the day's open and close, total volume and open interest are drawn without z, and ` +
          `every step keeps mean 0 and its variance, so the expected level of the path at every bar, and with it the ` +
          `expected high, low and amount (day VWAP), is the same for every z. The hour's steps are exchangeable (its ` +
          `variance and volume profile are flat), so their reversed order, which mirrors the hour about the line between ` +
          `its ends, is as likely: the hour is as likely bent above that line as below it whatever z, and z shows only bar ` +
          `by bar, in how many bars go up. The hour lies before the settlement hour, so settle (the last hour's VWAP) ` +
          `does not see it. The last hour would not do: there, the close is the end of the leaning steps and settle ` +
          `weighs its last minutes most, so sign(settle - close) would carry z (corr about -0.08 at 5-minute bars in a ` +
          `trial). leakCheck measures it, sign(settle - close), sign(vwap - close) and the day's range included.`,
      };
    case 'opening-flow':
      return {
        planted:
          LATENT +
          `(1) Day t: every bar of every contract of p whose end stamp lies in the first ${opening} minutes of the day's trading ` +
          `has its volume weight multiplied by exp(gamma * z * sign(close - open)), then all of that half hour's weights by ` +
          `exp(a + b (mid - M)) (mid = (open + high + low + close) / 4, M the half hour's volume-weighted mid before the ` +
          `tilt; a and b such that the half hour keeps its total weight and its weighted mid; only a with one or two ` +
          `bars), before the day's fixed total volume is spread over the bars; nothing else of day t depends on z. ` +
          NEXT_DAY,
        feature: {
          name: 'opening_half_hour_signed_volume_imbalance',
          definition:
            `On day t, for the main contract, over its intraday bars whose end stamp lies in the first ${opening} minutes of ` +
            `its trading day (09:31..10:00 at 1 minute, 09:35..10:00 at 5 minutes; 09:16..09:45 before 2020-07-20): ` +
            `(sum of volume of bars with close > open - sum of volume of bars with close < open) / sum of volume; ` +
            `bars with close = open count in the denominator only. Undefined when that half hour had no volume.`,
        },
        whyDailyBarsCannotSeeIt:
          `z changes only how day t's volume is divided among the opening half hour's bars: the price path, every traded ` +
          `price, the day's open/high/low/close, total volume and open interest are drawn without z, and the half hour's ` +
          `total volume and its volume-weighted price are held where they were before the tilt (each weight also gets ` +
          `exp(a + b (mid - M)), a and b solving for them), so amount (day VWAP) and settle (the last hour's, whose volumes ` +
          `are untouched) move by rounding only. A daily bar has no bar's direction next to its volume. At 15-minute bars ` +
          `the half hour is two bars, too few to hold their VWAP and still tilt: there only their volume is held, and ` +
          `amount moves by a fraction of a bar's move. leakCheck measures it.`,
      };
    case 'session-divergence':
      return {
        planted:
          LATENT +
          `(1) Day t: every bar of every contract of p has its volume weight multiplied by ` +
          `exp(gamma * z * sign(close - open) * S), S = the sign of that contract's move over the day as drawn (its last ` +
          `bar's close minus its first bar's open), before the day's fixed total volume is spread over the bars: with ` +
          `z > 0 volume crowds into the bars that go the day's way (volume confirms the price move), with z < 0 into the ` +
          `bars against it (volume diverges from price); a day with S = 0 gets no tilt. The bars before the last hour, and ` +
          `those of the last hour, then each get exp(a + b (mid - M)) as in opening-flow, so that each group keeps its ` +
          `total weight and its volume-weighted mid. Nothing else of day t depends on z. ` +
          NEXT_DAY,
        feature: {
          name: 'session_volume_price_agreement',
          definition:
            `On day t, for the main contract, over all its intraday bars: sign(close - open of the day) * ` +
            `(sum of volume of bars with close > open - sum of volume of bars with close < open) / sum of volume, the day's ` +
            `open and close being its daily bar's (the first bar's open and the last traded close); 0 when they are equal.`,
        },
        whyDailyBarsCannotSeeIt:
          `z changes only how day t's volume is divided among its bars, by whether each bar goes with the day or against ` +
          `it: the price path, every traded price, the day's open/high/low/close, total volume and open interest are ` +
          `drawn without z, and the volume and volume-weighted price of the bars before the last hour, and of the last ` +
          `hour, are each held where they were before the tilt (each weight also gets exp(a + b (mid - M))), so amount (day ` +
          `VWAP) and settle (last-hour VWAP) move by rounding only. A daily bar has the day's direction but no bar's ` +
          `direction next to its volume. leakCheck measures it, amount and settle signed by the day's direction included.`,
      };
  }
}

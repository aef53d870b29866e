// The oracles of a synthetic market, for npm run bench:quality: what its truth.json (written by
// `bft synth --out DIR`) says was planted, turned into a prediction per sample.
//  - oracle feature: the planted feature of truth.signal.feature (one per --design), computed from
//    day t's bars of the dataset's contract (the main one), P(up) = (1 + feature) / 2, so its sign is
//    the call: a rule that reads the bars exactly where, and as, the truth was planted. Its
//    correlation with the next day is printed beside truth.json's own measure as a check.
//  - oracle latent: the latent z itself (never in any file but truth.json), P(up) = logistic(z):
//    the ceiling no model can reach, for reference.

import { readFileSync } from 'node:fs';
import type { Dataset, MarketData } from '../src/dataset/index.js';
import { dayNumber } from '../src/market/calendar.js';

/** Feature names of truth.signal.feature this benchmark computes (src/synth/designs.ts, designText). */
export const PLANTED_FEATURES = [
  'last_hour_signed_volume_imbalance',
  'opening_half_hour_signed_volume_imbalance',
  'afternoon_return_sign_imbalance',
  'session_volume_price_agreement',
] as const;

export interface TruthSummary {
  readonly mode: string;
  readonly design: string | null;
  readonly featureName: string | null;
  readonly featureDefinition: string | null;
  readonly rho: number | null;
  readonly expectedHitRate: number | null;
  /** corr(feature, next-day return) truth.json measured on the product's main contract. */
  readonly realisedCorr: number | null;
  readonly lastHourMinutes: number;
  readonly openingMinutes: number;
  /** Latent z of the product by day number; null when the truth has none. */
  readonly latent: ReadonlyMap<number, number> | null;
}

interface TruthJson {
  options?: { design?: string };
  signal?: {
    mode?: string;
    feature?: { name?: string; definition?: string };
    coefficients?: { rho?: number };
    expected?: { hitRate?: number };
    realised?: { feature?: { byProduct?: Record<string, { corr?: number }> } };
  };
  model?: { signal?: { lastHourMinutes?: number; openingMinutes?: number } };
  days?: { date?: string[] };
  latent?: Record<string, number[]> | null;
}

export function readTruth(path: string, product: string): TruthSummary {
  const t = JSON.parse(readFileSync(path, 'utf8')) as TruthJson;
  const dates = t.days?.date ?? [];
  const z = t.latent?.[product];
  return {
    mode: t.signal?.mode ?? 'unknown',
    design: t.options?.design ?? null,
    featureName: t.signal?.feature?.name ?? null,
    featureDefinition: t.signal?.feature?.definition ?? null,
    rho: t.signal?.coefficients?.rho ?? null,
    expectedHitRate: t.signal?.expected?.hitRate ?? null,
    realisedCorr: t.signal?.realised?.feature?.byProduct?.[product]?.corr ?? null,
    lastHourMinutes: t.model?.signal?.lastHourMinutes ?? 60,
    openingMinutes: t.model?.signal?.openingMinutes ?? 30,
    latent: z && z.length === dates.length ? new Map(dates.map((d, i) => [dayNumber(d), z[i]!])) : null,
  };
}

export interface DayBars {
  readonly end: Int32Array;
  readonly open: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** (volume of up bars - volume of down bars) / all volume over the bars i with keep(i); NaN without volume. */
function signedVolume(b: DayBars, keep: (i: number) => boolean): number {
  let up = 0;
  let down = 0;
  let all = 0;
  for (let i = 0; i < b.end.length; i++) {
    const v = b.volume[i]!;
    if (!keep(i) || !(v > 0)) continue;
    all += v;
    if (b.close[i]! > b.open[i]!) up += v;
    else if (b.close[i]! < b.open[i]!) down += v;
  }
  return all > 0 ? (up - down) / all : Number.NaN;
}

/**
 * truth.json's planted feature `name` on one day's bars of the main contract, as its definition
 * reads (src/synth/designs.ts); NaN where the definition leaves it undefined, null for a name this
 * benchmark does not know. Windows by bar end stamp: the day's trading ends at its last bar's end
 * and starts one interval before its first bar's end (bars without trades are written flat, so
 * the synthetic grid is complete).
 */
export function plantedFeature(name: string, b: DayBars, intervalMin: number, t: Pick<TruthSummary, 'lastHourMinutes' | 'openingMinutes'>): number | null {
  const n = b.end.length;
  if (n === 0) return Number.NaN;
  const close = b.end[n - 1]!;
  const open = b.end[0]! - intervalMin;
  const lastHour = t.lastHourMinutes;
  switch (name) {
    case 'last_hour_signed_volume_imbalance':
      return signedVolume(b, (i) => b.end[i]! > close - lastHour);
    case 'opening_half_hour_signed_volume_imbalance':
      return signedVolume(b, (i) => b.end[i]! <= open + t.openingMinutes);
    case 'afternoon_return_sign_imbalance': {
      // The hour before the last one of a normal day; an expiring contract's morning-only day has none.
      if (close < 15 * 60) return Number.NaN;
      let up = 0;
      let down = 0;
      for (let i = 0; i < n; i++) {
        if (!(b.end[i]! > close - 2 * lastHour && b.end[i]! <= close - lastHour)) continue;
        if (b.close[i]! > b.open[i]!) up++;
        else if (b.close[i]! < b.open[i]!) down++;
      }
      return up + down > 0 ? (up - down) / (up + down) : Number.NaN;
    }
    case 'session_volume_price_agreement': {
      const day = Math.sign(b.close[n - 1]! - b.open[0]!);
      if (day === 0) return 0;
      return day * signedVolume(b, () => true);
    }
    default:
      return null;
  }
}

export interface OracleProbs {
  /** P(up) per sample from the planted feature, (1 + feature) / 2 (its sign is the call); null when it cannot be computed. */
  readonly feature: Float64Array | null;
  readonly latent: Float64Array | null;
  /** corr(feature, next-day return) over every labelled sample: to compare with truth.json's realised one. */
  readonly featureCorr: number | null;
  readonly note: string;
}

/** The oracles' P(up) for every sample of the dataset (0.5, no view, where undefined). */
export function oracleProbs(truth: TruthSummary, ds: Dataset, market: MarketData): OracleProbs {
  const s = ds.samples;
  const notes: string[] = [];
  let feature: Float64Array | null = null;
  let featureCorr: number | null = null;
  const name = truth.featureName ?? '';
  // The market's bars, not the dataset's: an experiment of daily-only models (ds.intervalMin null)
  // still has an oracle, read from the intraday bars its models leave aside.
  const intervalMin = market.intervalMin;
  if (truth.mode === 'none') notes.push('nothing planted (signal none): no oracle');
  else if (intervalMin === null) notes.push('no intraday bars loaded: oracle feature left out');
  else if ((PLANTED_FEATURES as readonly string[]).includes(name)) {
    const values = Float64Array.from(s.date, (d) => {
      const day = market.minute.get(d);
      return day ? plantedFeature(name, day.bars, intervalMin, truth)! : Number.NaN;
    });
    feature = Float64Array.from(values, (f) => (Number.isFinite(f) ? (1 + Math.max(-1, Math.min(1, f))) / 2 : 0.5));
    const undefinedDays = values.filter((f) => !Number.isFinite(f)).length;
    if (undefinedDays > 0) notes.push(`oracle feature undefined on ${undefinedDays} of ${s.n} samples: no view there`);
    featureCorr = correlation(values, s.nextReturn);
  } else notes.push(`truth plants ${name || 'an unnamed feature'}, which this benchmark cannot compute yet (bench/quality-oracle.ts plantedFeature): oracle feature left out`);
  let latent: Float64Array | null = null;
  if (truth.latent && truth.mode !== 'none') {
    const z = truth.latent;
    latent = Float64Array.from(s.date, (d) => {
      const v = z.get(d);
      return v === undefined ? 0.5 : 1 / (1 + Math.exp(-v));
    });
  }
  return { feature, latent, featureCorr, note: notes.join('; ') };
}

/** Pearson correlation over the pairs where both are finite. */
function correlation(x: Float64Array, y: Float64Array): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      n++;
      sx += x[i]!;
      sy += y[i]!;
    }
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!(Number.isFinite(x[i]!) && Number.isFinite(y[i]!))) continue;
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

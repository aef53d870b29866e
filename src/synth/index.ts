// bft synth: a seeded, deterministic synthetic CFFEX treasury-futures market (TS, TF, T, TL) with a
// known, planted truth, written as CSV files in the generic layout that data/ingest reads.
//
// README.md in this folder states every formula and parameter; in short: a three-regime Markov chain
// (bull = yields falling, bear = rising, sideways) drives a level factor, a slope factor and noise for
// the 2y/5y/10y/30y yields; each product's fair price moves by -duration x yield change (TS 1.9,
// TF 4.5, T 8, TL 18); each listed contract (src/market: listing, last trading day, specs by date) is
// the fair price plus a calendar carry; open interest rolls from the front to the next contract 3-5
// weeks before the front's last trading day and volume follows it. Every contract-day with trades is
// simulated as bars on the session grid of the spec in force (END-stamped, morning only on the expiring
// contract's last day), prices on the tick and inside the limit band around the previous settle; the
// daily row is the exact aggregate of those bars (written or not), settle the last hour's VWAP on the
// tick. Planted truth ('minute'): a latent z_t per product shows in day t's minute bars, where and how
// the design says (designs.ts: by default it tilts the last hour's volume towards up bars (z > 0) or
// down bars (z < 0); or the last hour's bar returns lean with z; or the opening half hour's volume; or
// the whole session's volume goes with or against the day's move), and moves day t+1 by rho (0.15
// unless --signal-rho) daily sd per unit of z; the daily bars of day t do not carry z. truth.json
// says exactly what was planted and what the files show.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BftError } from '../errors.js';
import { dayNumber, isoDate, tradingDays } from '../market/calendar.js';
import { dividesSessions } from '../market/sessions.js';
import { isProduct, LAUNCH, PRODUCTS, SPEC_VERSIONS, type Product } from '../market/specs.js';
import { CsvBytes } from './csv.js';
import { checkSynthDates } from './dates.js';
import { DEFAULT_DESIGN, designGamma, designText, DESIGNS, EXPECTED, expectedCorr, expectedCorrList, isDesign, type Design } from './designs.js';
import { MODEL, REGIMES, TENOR_OF, TENORS } from './model.js';
import { LEAK_FEATURES, ProductSim, ProductStats } from './product.js';
import { Corr, type CorrSummary } from './stats.js';
import { generateYields, type YieldPath } from './yields.js';

export { Rng } from './rng.js';
export { generateYields, tenorSd, type YieldPath } from './yields.js';
export { buildContractBars, buildFairPath, dayGrid, allocBars, tiltKeepingVwap, type Bars, type ContractDay, type DayAggregate, type DayGrid } from './intraday.js';
export { rollShares, tradingDaysUntil, ProductSim } from './product.js';
export { priceFormat, tickDecimals, type PriceFormat } from './format.js';
export { CsvBytes } from './csv.js';
export { Corr } from './stats.js';
export { MODEL, REGIMES, TENORS, TENOR_OF, type Regime } from './model.js';
export { DEFAULT_DESIGN, DESIGNS, DESIGN_DEFS, EXPECTED, designGamma, expectedCorr, isDesign, lean, leanStep, normCdf, type Design } from './designs.js';

export interface SynthOptions {
  /** First date (ISO), inclusive. */
  from: string;
  /** Last date (ISO), inclusive. */
  to: string;
  seed: number;
  /** Products to write; each starts on its launch date (LAUNCH in market/specs.ts). */
  products: Product[];
  /** Planted truth: a weak minute-bar signal for the next day, or no planted predictability. */
  signal: 'none' | 'minute';
  /**
   * Under 'minute': where and how z shows in day t's minute bars (designs.ts; default
   * 'last-hour-volume', the original design). Under 'none' nothing is planted whatever the design:
   * the files are the same for every design.
   */
  design?: Design | undefined;
  /** Contracts with intraday rows: none; the two with the most open interest each day; all listed. */
  minute: 'none' | 'active' | 'all';
  /** Intraday bar interval in minutes; must divide every session (1, 3, 5, 15). */
  intervalMin: number;
  /**
   * Under 'minute': corr of the planted latent with the next-day move (default MODEL.signal.rho,
   * 0.15). A stronger truth gives a test bed with more power on few test days; see docs/synthetic-market.md.
   */
  signalRho?: number | undefined;
  /**
   * Regimes drift (yields fall in bull, rise in bear): the default. false: they differ only in
   * volatility, so with signal 'none' nothing about the next day is predictable (a true null).
   */
  regimeDrift?: boolean | undefined;
}

export interface SynthFiles {
  dailyCsv: string;
  minuteCsv: string | null;
  truthJson: string;
  dailyRows: number;
  minuteRows: number;
}

export const DEFAULT_SYNTH: SynthOptions = {
  from: '2016-01-01',
  to: '2025-12-31',
  seed: 42,
  products: [...PRODUCTS],
  signal: 'minute',
  minute: 'active',
  intervalMin: 1,
};

export const DAILY_HEADER = 'symbol,date,open,high,low,close,settle,pre_settle,volume,amount,open_interest';
export const MINUTE_HEADER = 'symbol,datetime,open,high,low,close,volume,amount,open_interest';
export const FILE_NAMES = { daily: 'daily.csv', minute: 'minute.csv', truth: 'truth.json' } as const;

const bad = (msg: string): BftError => new BftError('bad_option', `synth: ${msg}`);

/** Checks and normalises options (products deduplicated, in PRODUCTS order); throws a one-line BftError. */
export function resolveSynthOptions(o: SynthOptions): SynthOptions {
  checkSynthDates(o.from, o.to, 'synth');
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw bad(`--seed must be a non-negative integer, got ${o.seed}`);
  if (o.signal !== 'none' && o.signal !== 'minute') throw bad(`--signal must be none or minute, got ${String(o.signal)}`);
  if (o.design !== undefined && !isDesign(o.design)) throw bad(`--design must be one of ${DESIGNS.join(', ')}, got ${String(o.design)}`);
  if (o.signalRho !== undefined && !(o.signalRho > 0 && o.signalRho < 1)) throw bad(`--signal-rho must be above 0 and below 1, got ${o.signalRho}`);
  if (o.minute !== 'none' && o.minute !== 'active' && o.minute !== 'all') throw bad(`--minute must be none, active or all, got ${String(o.minute)}`);
  if (o.products.length === 0) throw bad('no products given');
  for (const p of o.products) if (!isProduct(p)) throw bad(`unknown product ${String(p)} (one of ${PRODUCTS.join(', ')})`);
  const sessionsUsed = SPEC_VERSIONS.filter((v) => o.products.includes(v.product)).flatMap((v) => [v.sessions, v.lastDaySessions]);
  if (!sessionsUsed.every((s) => dividesSessions(o.intervalMin, s))) {
    throw bad(`--interval ${o.intervalMin}: a bar must divide every session (120, 135 minutes): use 1, 3, 5 or 15`);
  }
  return { ...o, products: PRODUCTS.filter((p) => o.products.includes(p)), design: o.design ?? DEFAULT_DESIGN };
}

/**
 * Generates the market for `opts` into `outDir` (created if missing): daily.csv, minute.csv (unless
 * minute is 'none') and truth.json. Same options, same bytes. `onProgress(done, total)` counts days.
 */
export async function writeSynthMarket(
  opts: SynthOptions,
  outDir: string,
  onProgress?: (done: number, total: number) => void,
): Promise<SynthFiles> {
  const o = resolveSynthOptions(opts);
  mkdirSync(outDir, { recursive: true });
  const days = tradingDays(o.from, o.to);
  const yields = generateYields(days, o.seed, o.signal, o.signalRho ?? MODEL.signal.rho, o.regimeDrift ?? true);
  const sims = o.products.map((p) => new ProductSim(p, o.seed, yields, o.intervalMin, o.minute, o.design ?? DEFAULT_DESIGN));
  const dailyCsv = join(outDir, FILE_NAMES.daily);
  const minuteCsv = o.minute === 'none' ? null : join(outDir, FILE_NAMES.minute);
  const truthJson = join(outDir, FILE_NAMES.truth);
  const daily = new CsvBytes(dailyCsv, DAILY_HEADER);
  const minute = minuteCsv ? new CsvBytes(minuteCsv, MINUTE_HEADER) : null;
  let dailyRows = 0;
  let minuteRows = 0;
  let lastBreath = performance.now();
  try {
    for (let k = 0; k < days.length; k++) {
      for (const sim of sims) {
        const t = sim.step(k, daily, minute);
        dailyRows += t.daily;
        minuteRows += t.minute;
      }
      onProgress?.(k + 1, days.length);
      // Let timers (a progress bar) run now and then.
      if (performance.now() - lastBreath > 100) {
        await new Promise<void>((r) => setImmediate(r));
        lastBreath = performance.now();
      }
    }
  } finally {
    daily.close();
    minute?.close();
  }
  const truth = buildTruth(o, yields, sims, { daily: FILE_NAMES.daily, minute: minuteCsv ? FILE_NAMES.minute : null, dailyRows, minuteRows });
  writeFileSync(truthJson, `${JSON.stringify(truth, null, 1)}\n`);
  return { dailyCsv, minuteCsv, truthJson, dailyRows, minuteRows };
}

// ---------------------------------------------------------------------------------------------
// truth.json

export interface SynthTruth {
  generator: string;
  seed: number;
  options: SynthOptions;
  files: { daily: string; minute: string | null; dailyRows: number; minuteRows: number };
  model: typeof MODEL;
  regimes: {
    labels: readonly string[];
    shareOfDays: Record<string, number>;
    segments: { from: string; to: string; regime: string; days: number }[];
  };
  days: { date: string[]; regime: string[]; yields: Record<string, number[]> };
  signal: SignalTruth;
  latent: Partial<Record<Product, number[]>> | null;
}

export interface SignalTruth {
  mode: 'none' | 'minute';
  /** Where and how z shows in day t's minute bars (designs.ts). */
  design: Design;
  planted: string;
  feature: { name: string; definition: string; mainContract: string; target: string };
  coefficients: { rho: number; gamma: number };
  expected: {
    corr: number;
    hitRate: number;
    note: string;
    /** corr(feature, z) expected at this interval: the share of the latent the feature recovers. */
    share: number;
    /**
     * The design's measured accuracy at every interval and both of the suite's strengths (ten-year
     * runs, three seeds; designs.ts EXPECTED): corr and hit rate against the next-day return, share =
     * corr(feature, z).
     */
    calibration: { intervalMin: number; rho: number; corr: number; hitRate: number; share: number }[];
  };
  whyDailyBarsCannotSeeIt: string;
  realised: {
    feature: { pooled: CorrSummary; byProduct: Record<string, CorrSummary> };
    latent: { pooled: CorrSummary; byProduct: Record<string, CorrSummary> };
    /** corr(feature of day t, z[t]): the realised share (the hit rate: signs of feature and z agreeing). */
    featureVsLatent: { pooled: CorrSummary; byProduct: Record<string, CorrSummary> };
  };
  leakCheck: {
    note: string;
    featuresOfDayT: readonly string[];
    corrWithLatent: Record<string, CorrSummary>;
    corrWithNextReturn: Record<string, CorrSummary>;
  };
  otherPredictability: {
    note: string;
    regimeDriftOracle: CorrSummary;
    trailing20dReturn: CorrSummary;
  };
  downDays: { note: string; share: number; byProduct: Record<string, number> };
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Pooled over products, each standardised first (see Corr.pooled). */
function pooled(stats: readonly ProductStats[], pick: (s: ProductStats) => Corr): CorrSummary {
  return Corr.pooled(stats.map(pick));
}

function buildTruth(
  o: SynthOptions,
  y: YieldPath,
  sims: readonly ProductSim[],
  files: SynthTruth['files'],
): SynthTruth {
  const dates = Array.from(y.days, (d) => isoDate(d));
  const regime = Array.from(y.regime, (r) => REGIMES[r]!);
  const shareOfDays: Record<string, number> = {};
  for (const [i, name] of REGIMES.entries()) shareOfDays[name] = r4(y.regime.filter((r) => r === i).length / Math.max(1, y.regime.length));
  const segments: SynthTruth['regimes']['segments'] = [];
  for (let t = 0; t < dates.length; t++) {
    const last = segments[segments.length - 1];
    if (last && last.regime === regime[t]) {
      last.to = dates[t]!;
      last.days++;
    } else segments.push({ from: dates[t]!, to: dates[t]!, regime: regime[t]!, days: 1 });
  }
  const yields: Record<string, number[]> = {};
  TENORS.forEach((ten, j) => (yields[`y${ten}`] = Array.from(y.level[j]!, r4)));
  const stats = sims.map((s) => s.stats);
  const byProduct = (pick: (s: ProductStats) => Corr): Record<string, CorrSummary> =>
    Object.fromEntries(sims.map((s) => [s.product, pick(s.stats).summary()]));
  const leak = (pick: (s: ProductStats) => Corr[]): Record<string, CorrSummary> =>
    Object.fromEntries(LEAK_FEATURES.map((name, q) => [name, pooled(stats, (s) => pick(s)[q]!)]));
  const down = stats.reduce((a, s) => a + s.downDays, 0);
  const all = stats.reduce((a, s) => a + s.returnDays, 0);
  const minuteMode = o.signal === 'minute';
  const design = o.design ?? DEFAULT_DESIGN;
  const text = designText(design);
  const table = EXPECTED[design];
  // Measured at the default rho; the feature's correlation with the next day scales with rho.
  const expected = expectedCorr(design, o.intervalMin, y.rho);
  const hit = (c: number): number => r4(0.5 + Math.asin(c) / Math.PI);
  const calibration = Object.entries(table).flatMap(([min, e]) => [
    { intervalMin: Number(min), rho: MODEL.signal.suiteRho[0], corr: e.corr.rho15, hitRate: e.hitRate.rho15, share: e.share },
    { intervalMin: Number(min), rho: MODEL.signal.suiteRho[1], corr: e.corr.rho30, hitRate: e.hitRate.rho30, share: e.share },
  ]);
  const signal: SignalTruth = {
    mode: o.signal,
    design,
    planted: minuteMode
      ? text.planted
      : `Nothing is planted: gamma = rho = 0. The latent z is still drawn (so other random numbers match the 'minute' ` +
        `mode) but nothing reads it; next-day returns do not depend on any intraday quantity of earlier days.`,
    feature: {
      name: text.feature.name,
      definition: text.feature.definition,
      mainContract: 'the contract of the product with the largest open_interest in the daily file on day t (the nearer delivery on a tie)',
      target: 'close(t+1) / close(t) - 1 of that same contract, from the daily file',
    },
    coefficients: { rho: y.rho, gamma: minuteMode ? designGamma(design, o.intervalMin) : 0 },
    expected: {
      corr: minuteMode ? expected : 0,
      hitRate: minuteMode ? hit(expected) : 0.5,
      note:
        `At ${o.intervalMin}-minute bars, pooled over products (each standardised), averaged over ten-year runs of ` +
        `several seeds at rho ${MODEL.signal.rho} (${expectedCorrList(design)}), scaled by rho / ${MODEL.signal.rho}; hit rate = 1/2 + asin(corr)/pi for a ` +
        'bivariate normal. realised below is measured on these files and scatters by about 1/sqrt(n).',
      share: minuteMode ? (table[o.intervalMin]?.share ?? Number.NaN) : 0,
      calibration,
    },
    whyDailyBarsCannotSeeIt: text.whyDailyBarsCannotSeeIt,
    realised: {
      feature: { pooled: pooled(stats, (s) => s.feature), byProduct: byProduct((s) => s.feature) },
      latent: { pooled: pooled(stats, (s) => s.latent), byProduct: byProduct((s) => s.latent) },
      featureVsLatent: { pooled: pooled(stats, (s) => s.featureLatent), byProduct: byProduct((s) => s.featureLatent) },
    },
    leakCheck: {
      note: 'Daily-bar features of the main contract on day t: their correlation with z[t] (should be ~0, |corr| < 2/sqrt(n)) and with the next-day return.',
      featuresOfDayT: LEAK_FEATURES,
      corrWithLatent: leak((s) => s.leakZ),
      corrWithNextReturn: leak((s) => s.leakNext),
    },
    otherPredictability: {
      note:
        'The regime chain is persistent and carries a drift, so the hidden regime (and, weakly, past returns) predicts ' +
        'the next day in both signal modes. regimeDriftOracle: corr of the true next-day drift with the next-day return ' +
        '(knowable only with the regime labels); trailing20dReturn: corr of the main contract\'s last 20 returns with the ' +
        'next one (what daily bars can see).',
      regimeDriftOracle: pooled(stats, (s) => s.regimeOracle),
      trailing20dReturn: pooled(stats, (s) => s.momentum20),
    },
    downDays: {
      note: 'Share of days on which the main contract closed below its previous close (same contract).',
      share: r4(down / Math.max(1, all)),
      byProduct: Object.fromEntries(sims.map((s) => [s.product, r4(s.stats.downDays / Math.max(1, s.stats.returnDays))])),
    },
  };
  let latent: SynthTruth['latent'] = null;
  if (minuteMode) {
    latent = {};
    for (const s of sims) {
      const launch = dayNumber(LAUNCH[s.product]);
      // 0 before the product's launch: nothing of it is written on those days
      latent[s.product] = Array.from(y.latent[TENOR_OF[s.product]]!, (z, t) => (y.days[t]! < launch ? 0 : r4(z)));
    }
  }
  return {
    generator: 'bft synth 1',
    seed: o.seed,
    options: o,
    files,
    model: MODEL,
    regimes: { labels: REGIMES, shareOfDays, segments },
    days: { date: dates, regime, yields },
    signal,
    latent,
  };
}

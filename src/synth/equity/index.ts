// bft synth equity: a seeded synthetic A-share market with a planted Barra-style factor model
// (country + industries + ten styles + idiosyncratic), written in BaoStock's file layouts so the
// real ingest reads it. README.md in this folder is the model in a page; model.ts holds every
// parameter (copied into truth.json). Same options, same bytes: one PRNG stream per named part
// ('equity:universe', 'equity:factors', 'equity:fund:<code>', 'equity:daily:<code>'), no clock.

import { planSynthEquity } from './plan.js';
import type { SynthEquityOptions } from './options.js';
import { simulateSynthEquity, type SynthEquityMarket } from './simulate.js';
import { writeSynthEquityFiles, type SynthEquitySummary } from './write.js';

export { BOARDS, EQUITY_MODEL, STYLES, boardOf, limitPct, type Board, type Style } from './model.js';
export { DEFAULT_SYNTH_EQUITY, MIN_TRADING_DAYS, resolveSynthEquityOptions, type ResolvedSynthEquityOptions, type SynthEquityOptions } from './options.js';
export { industryName, planUniverse, type SynthStock, type SynthUniverse } from './universe.js';
export { floatFractionAt, planFundamentals, type SynthAction, type SynthFundamentals, type SynthReport } from './fundamentals.js';
export { planSynthEquity, type SynthEquityPlan } from './plan.js';
export { simulateSynthEquity, standardise, type SynthEquityMarket } from './simulate.js';
export {
  EQUITY_CLASSIFICATION,
  EQUITY_DAILY_HEADER,
  EQUITY_FILE_NAMES,
  EQUITY_FUNDAMENTALS_HEADER,
  EQUITY_INDUSTRY_HEADER,
  EQUITY_SECURITIES_HEADER,
  EQUITY_UNIVERSE_HEADER,
  exposureSampleIndices,
  writeSynthEquityFiles,
  type SynthEquitySummary,
} from './write.js';

/** The whole market in memory (no files): plan (universe, reports, actions) and daily matrices. */
export function generateSynthEquity(opts: SynthEquityOptions = {}): SynthEquityMarket {
  return simulateSynthEquity(planSynthEquity(opts));
}

/**
 * Generates the market for `opts` and writes daily.csv, industry.csv, fundamentals.csv,
 * securities.csv, universe.csv and truth.json into outDir (created if missing). Same options, same
 * bytes. Throws a one-line BftError ('bad_option') on a bad option.
 */
export function writeSynthEquityMarket(opts: SynthEquityOptions, outDir: string): SynthEquitySummary {
  return writeSynthEquityFiles(generateSynthEquity(opts), outDir);
}

// Options of the synthetic equity market: defaults and one check that throws a one-line BftError.

import { BftError } from '../../errors.js';
import { tradingDays } from '../../market/calendar.js';
import { checkSynthDates } from '../dates.js';

export interface SynthEquityOptions {
  /** PRNG seed, a non-negative integer (default 7). */
  seed?: number | undefined;
  /** Number of stocks, 50..5000 (default 300). */
  stocks?: number | undefined;
  /** Number of industries, 2..floor(stocks / 5) (default 20). */
  industries?: number | undefined;
  /** First date, ISO, inclusive (default 2020-01-02); the first trading day on or after it is the first row. */
  from?: string | undefined;
  /** Last date, ISO, inclusive (default 2024-12-31). */
  to?: string | undefined;
  /** Share of listed stock-days suspended, 0..0.05 (default 0.002). */
  suspendedShare?: number | undefined;
}

export interface ResolvedSynthEquityOptions {
  readonly seed: number;
  readonly stocks: number;
  readonly industries: number;
  readonly from: string;
  readonly to: string;
  readonly suspendedShare: number;
}

export const DEFAULT_SYNTH_EQUITY: ResolvedSynthEquityOptions = {
  seed: 7,
  stocks: 300,
  industries: 20,
  from: '2020-01-02',
  to: '2024-12-31',
  suspendedShare: 0.002,
};

/** The fewest trading days a market may span. */
export const MIN_TRADING_DAYS = 60;

const bad = (msg: string): BftError => new BftError('bad_option', `synth equity: ${msg}`);

/** Fills in defaults and checks every option; throws a one-line BftError ('bad_option'). */
export function resolveSynthEquityOptions(opts: SynthEquityOptions = {}): ResolvedSynthEquityOptions {
  const d = DEFAULT_SYNTH_EQUITY;
  const o: ResolvedSynthEquityOptions = {
    seed: opts.seed ?? d.seed,
    stocks: opts.stocks ?? d.stocks,
    industries: opts.industries ?? d.industries,
    from: opts.from ?? d.from,
    to: opts.to ?? d.to,
    suspendedShare: opts.suspendedShare ?? d.suspendedShare,
  };
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw bad(`--seed must be a non-negative integer, got ${o.seed}`);
  if (!Number.isInteger(o.stocks) || o.stocks < 50 || o.stocks > 5000) throw bad(`--stocks must be an integer in 50..5000, got ${o.stocks}`);
  const maxInd = Math.floor(o.stocks / 5);
  if (!Number.isInteger(o.industries) || o.industries < 2 || o.industries > maxInd) {
    throw bad(`--industries must be an integer in 2..${maxInd} (at most stocks / 5), got ${o.industries}`);
  }
  if (!(o.suspendedShare >= 0 && o.suspendedShare <= 0.05)) throw bad(`--suspended-share must lie in 0..0.05, got ${o.suspendedShare}`);
  checkSynthDates(o.from, o.to, 'synth equity');
  const n = tradingDays(o.from, o.to).length;
  if (n < MIN_TRADING_DAYS) throw bad(`${o.from}..${o.to} has ${n} trading days; at least ${MIN_TRADING_DAYS} are needed`);
  return o;
}

// Everything about the synthetic equity market that does not depend on prices: trading days, the
// universe (codes, industries, planted parameters, listings, ST and suspension spells) and each
// stock's reports and corporate actions. simulate.ts turns a plan into daily rows; a test may edit
// a plan (say, rewrite the reports announced after some day) and simulate it again.

import { isoDate, tradingDays } from '../../market/calendar.js';
import { planFundamentals, type SynthAction, type SynthReport } from './fundamentals.js';
import { resolveSynthEquityOptions, type ResolvedSynthEquityOptions, type SynthEquityOptions } from './options.js';
import { planUniverse, type SynthUniverse } from './universe.js';

/** The universe (stocks in code order, C-locale: sh before sz, the column order of every matrix) and the rest. */
export interface SynthEquityPlan extends SynthUniverse {
  readonly options: ResolvedSynthEquityOptions;
  /** Trading days (day numbers) and their ISO dates, ascending. */
  readonly days: readonly number[];
  readonly dates: readonly string[];
  /** Per stock, sorted by announcement then period. */
  readonly reports: readonly (readonly SynthReport[])[];
  /** Per stock, by ex-date. */
  readonly actions: readonly (readonly SynthAction[])[];
}

export function planSynthEquity(opts: SynthEquityOptions = {}): SynthEquityPlan {
  const options = resolveSynthEquityOptions(opts);
  const days = tradingDays(options.from, options.to);
  const dates = days.map(isoDate);
  const u = planUniverse(options, days, dates);
  const f = planFundamentals(options, days, u.stocks);
  return {
    options,
    days,
    dates,
    industries: u.industries,
    stocks: u.stocks,
    st: u.st,
    suspended: u.suspended,
    stSpells: u.stSpells,
    suspensionSpells: u.suspensionSpells,
    reports: f.reports,
    actions: f.actions,
  };
}

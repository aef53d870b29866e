// Which contract each day of a vendor's main-contract splice (a minute series with no contract
// column) belongs to. Pure: day aggregates and daily bars in, one decision per day out.
//
// 1. daily_match: the day's total volume, last close and last open interest equal one contract's
//    daily bar (at least two of the three must agree, and more than any other contract).
// 2. inferred: days with no daily bar to match (the daily data end earlier, or a dirty day) take
//    the contract of the nearest matched day, stepping one quarter at a splice roll. A roll shows
//    as a jump of open interest at the first bar, when the splice switches to the new main
//    contract: on the real T splice ordinary overnight changes are under 1.5% (99th percentile)
//    and the 13 rolls are +24% .. +211%, so a jump above ROLL_OI_JUMP counts as a roll. Expiry also
//    forces the step.
// 3. unresolved: nothing to go on (no daily bars of the product at all).

import { dayNumber } from '../market/calendar.js';
import { lastTradingDay, nextQuarter, parseContract, type ContractCode } from '../market/contracts.js';

export const ROLL_OI_JUMP = 0.1;

export interface SpliceDay {
  readonly date: string;
  readonly volume: number;
  readonly lastClose: number;
  readonly firstOi: number | null;
  readonly lastOi: number | null;
}

export interface DailyCandidate {
  readonly date: string;
  readonly contract: string;
  readonly volume: number | null;
  readonly close: number | null;
  readonly openInterest: number | null;
}

export type ResolutionMethod = 'daily_match' | 'inferred' | 'unresolved';

export interface Resolution {
  readonly date: string;
  readonly contract: string | null;
  readonly method: ResolutionMethod;
  readonly detail: string;
}

const near = (a: number | null, b: number | null, tol: number): boolean =>
  a !== null && b !== null && Math.abs(a - b) <= tol;

function matchDay(day: SpliceDay, cands: readonly DailyCandidate[]): Resolution | null {
  let best: { c: DailyCandidate; score: number; fields: string[] } | null = null;
  let tie = false;
  for (const c of cands) {
    const fields: string[] = [];
    if (near(c.volume, day.volume, 0.5)) fields.push('volume');
    if (near(c.close, day.lastClose, 1e-9)) fields.push('close');
    if (near(c.openInterest, day.lastOi, 0.5)) fields.push('open_interest');
    if (!best || fields.length > best.score) {
      best = { c, score: fields.length, fields };
      tie = false;
    } else if (fields.length === best.score) tie = true;
  }
  if (!best || best.score < 2 || tie) return null;
  return { date: day.date, contract: best.c.contract, method: 'daily_match', detail: `matched ${best.fields.join(', ')}` };
}

function rolled(prev: SpliceDay, day: SpliceDay): boolean {
  if (day.firstOi === null || prev.lastOi === null || prev.lastOi <= 0) return false;
  return day.firstOi / prev.lastOi - 1 > ROLL_OI_JUMP;
}

function previousQuarterOf(c: ContractCode): ContractCode {
  const year = c.month === 3 ? c.year - 1 : c.year;
  const month = c.month === 3 ? 12 : c.month - 3;
  return parseContract(`${c.product}${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}`)!;
}

/** Resolves every day (sorted by date) of a splice; `daily` holds the product's daily bars on those days. */
export function resolveSplice(days: readonly SpliceDay[], daily: readonly DailyCandidate[]): Resolution[] {
  const byDate = new Map<string, DailyCandidate[]>();
  for (const c of daily) {
    const list = byDate.get(c.date);
    if (list) list.push(c);
    else byDate.set(c.date, [c]);
  }
  const out: (Resolution | null)[] = days.map((d) => matchDay(d, byDate.get(d.date) ?? []));

  // Forward from each matched day.
  for (let i = 1; i < days.length; i++) {
    const prev = out[i - 1];
    if (out[i] || !prev?.contract) continue;
    let c = parseContract(prev.contract)!;
    const why: string[] = [];
    if (rolled(days[i - 1]!, days[i]!)) {
      c = nextQuarter(c);
      why.push('open-interest jump at the first bar');
    } else if (dayNumber(days[i]!.date) > lastTradingDay(c)) {
      c = nextQuarter(c);
      why.push(`${prev.contract} expired`);
    }
    out[i] = { date: days[i]!.date, contract: c.code, method: 'inferred', detail: `after ${days[i - 1]!.date} (${prev.contract})${why.length ? `; ${why.join('; ')}` : ''}` };
  }
  // Backward before the first matched day.
  for (let i = days.length - 2; i >= 0; i--) {
    const next = out[i + 1];
    if (out[i] || !next?.contract) continue;
    let c = parseContract(next.contract)!;
    if (rolled(days[i]!, days[i + 1]!)) c = previousQuarterOf(c);
    out[i] = { date: days[i]!.date, contract: c.code, method: 'inferred', detail: `before ${days[i + 1]!.date} (${next.contract})` };
  }
  return out.map(
    (r, i) => r ?? { date: days[i]!.date, contract: null, method: 'unresolved', detail: 'no daily bars of the product to match; ingest the daily bars first' },
  );
}

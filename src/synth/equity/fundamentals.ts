// Quarterly reports and corporate actions of each stock, drawn from its own 'equity:fund:<code>'
// stream. Profit, revenue and cash flow trend at the stock's planted growth rate; book equity grows
// by profit less dividends paid; reports are announced in realistic windows. Nothing here depends on
// prices: the daily stage reads the reports (only those announced before each day) and the actions.

import { dayNumber, isoDate, onOrAfter } from '../../market/calendar.js';
import { Rng } from '../rng.js';
import { EQUITY_MODEL } from './model.js';
import type { ResolvedSynthEquityOptions } from './options.js';
import type { SynthStock } from './universe.js';

/**
 * One report as fundamentals.csv writes it (money in CNY rounded to the yuan, ratios to 6 decimals,
 * shares whole), plus trailing-twelve-month sums the file does not carry. Field names follow
 * src/equity/panel.ts's FundamentalReport, so a SynthReport is one.
 */
export interface SynthReport {
  readonly code: string;
  /** pubDate: known from the next trading day on. */
  readonly announced: string;
  /** statDate: the period end. */
  readonly period: string;
  /** roeAvg: year-to-date net profit / average of book equity at the previous year end and now. */
  readonly roe: number;
  readonly npMargin: number;
  /** NaN (written empty) for industry 0 (financials), as BaoStock leaves banks' gross margin empty. */
  readonly gpMargin: number;
  /** Year to date. */
  readonly netProfit: number;
  readonly epsTTM: number;
  /** MBRevenue, year to date. */
  readonly revenue: number;
  readonly totalShares: number;
  readonly floatShares: number;
  readonly totalAssets: number;
  readonly totalLiabilities: number;
  readonly longTermDebt: number;
  readonly bookEquity: number;
  /** Sums over the last four quarters (not written): peTTM, psTTM and pcfNcfTTM divide by these. */
  readonly ttmNetProfit: number;
  readonly ttmRevenue: number;
  readonly ttmCashFlow: number;
}

/** A dividend and/or bonus issue, effective at the open of day `index` (its ex-date). */
export interface SynthAction {
  readonly index: number;
  readonly date: string;
  /** Cash per share (CNY, 3 decimals) as planned; the daily stage caps it at 10% of the previous close. */
  readonly cashPerShare: number;
  /** New shares per share held (0.3 = 10-for-3 bonus). */
  readonly bonusPerShare: number;
  /** Total shares from the ex-date on. */
  readonly sharesAfter: number;
}

export interface SynthFundamentals {
  /** Per stock, sorted by announcement then period; only reports announced on or before `to` (and before a delisting). */
  readonly reports: readonly (readonly SynthReport[])[];
  /** Per stock, by ex-date; only inside the stock's rows (after its first). */
  readonly actions: readonly (readonly SynthAction[])[];
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** Float fraction in force on calendar day `day`. */
export function floatFractionAt(stock: SynthStock, days: readonly number[], day: number): number {
  let f = stock.floatSteps[0]!.fraction;
  for (const s of stock.floatSteps) if (days[s.index]! <= day) f = s.fraction;
  return f;
}

/** Day number of `year`-`mmdd`. */
const dayOf = (year: number, mmdd: string): number => dayNumber(`${year}-${mmdd}`);
const PERIOD_END = ['03-31', '06-30', '09-30', '12-31'];

export function planFundamentals(o: ResolvedSynthEquityOptions, days: readonly number[], stocks: readonly SynthStock[]): SynthFundamentals {
  const F = EQUITY_MODEL.fundamentals;
  const fromDay = days[0]!;
  const toDay = dayNumber(o.to);
  const indexOfDay = new Map(days.map((d, i) => [d, i]));
  const yFirst = Number(o.from.slice(0, 4)) - F.historyYears - 1;
  const yLast = Number(o.to.slice(0, 4));
  const histStart = dayOf(yFirst, '01-01');
  const windows = [F.windows.q1, F.windows.h1, F.windows.q3, F.windows.annual];

  const reports: SynthReport[][] = [];
  const actions: SynthAction[][] = [];
  for (const stock of stocks) {
    const rng = new Rng(o.seed, `equity:fund:${stock.code}`);
    const startDay = days[stock.ipoIndex]!;
    const outDay = stock.outDate === null ? Number.POSITIVE_INFINITY : dayNumber(stock.outDate);
    const bookFirst = ((stock.startPriceCents / 100) * stock.startShares) / stock.pbStart;
    const yrs = (startDay - histStart) / 365.25;
    const B0 = clamp(bookFirst / (1 + yrs * stock.roe * (1 - stock.payout)), 0.3 * bookFirst, 3 * bookFirst);
    const profitBase = Math.max(stock.roe, 0.04);
    const cashBase = Math.max(Math.abs(stock.roe), 0.04);

    const acts: SynthAction[] = [];
    const sharesAt = (day: number): number => {
      let s = stock.startShares;
      for (const a of acts) if (days[a.index]! <= day) s = a.sharesAfter;
      return s;
    };
    const pending: { day: number; cash: number }[] = [];
    const np: number[] = [];
    const rev: number[] = [];
    const cash: number[] = [];
    const book: number[] = [];
    const out: SynthReport[] = [];
    let book0 = B0;
    let levDev = 0;
    let annualPubPrev = Number.NEGATIVE_INFINITY;

    for (let y = yFirst; y <= yLast; y++) {
      for (let q = 0; q < 4; q++) {
        const pe = dayOf(y, PERIOD_END[q]!);
        if (pe > toDay) break;
        const zNp = rng.normal();
        const zRev = rng.normal();
        const zCash = rng.normal();
        const zLev = rng.normal();
        const zLtd = rng.normal();
        const zGp = rng.normal();
        const uPub = rng.uniform();
        const uEx = rng.uniform();
        const uBonus = rng.uniform();
        const uRatio = rng.uniform();

        const tau = (pe - fromDay) / 365.25;
        const trend = (1 + stock.growth) ** tau;
        const npq = (B0 * (stock.roe * trend + F.profitNoise * zNp)) / 4;
        const rq = ((B0 * profitBase) / stock.netMargin) * trend * Math.exp(F.revenueNoise * zRev) / 4;
        const cq = (B0 * cashBase * trend * (F.cashMean + F.cashNoise * zCash)) / 4;
        let paid = 0;
        for (let i = pending.length - 1; i >= 0; i--) {
          if (pending[i]!.day <= pe) {
            paid += pending[i]!.cash;
            pending.splice(i, 1);
          }
        }
        book0 = Math.max(book0 + npq - paid, 0.05 * B0);
        const n = np.length;
        np.push(npq);
        rev.push(rq);
        cash.push(cq);
        book.push(book0);
        levDev = 0.8 * levDev + F.leverageNoise * 0.6 * zLev;
        const lev = clamp(stock.leverage + levDev, 0.02, 0.97);

        const [ws, we] = windows[q]!;
        const wy = q === 3 ? y + 1 : y;
        const a = dayOf(wy, ws);
        const b = dayOf(wy, we);
        let pub = a + Math.round((0.6 * stock.reportSpeed + 0.4 * uPub) * (b - a));
        if (q === 0) pub = Math.max(pub, annualPubPrev);
        if (q === 3) {
          annualPubPrev = pub;
          // Dividend and bonus decided with the annual report.
          const annual = np[n]! + np[n - 1]! + np[n - 2]! + np[n - 3]!;
          const payCash = annual > 0 && stock.payout > 0 ? stock.payout * annual : 0;
          const bonus = uBonus < F.bonusProb ? F.bonusRatios[Math.min(F.bonusRatios.length - 1, Math.floor(uRatio * F.bonusRatios.length))]! : 0;
          const exDay = onOrAfter(pub + F.exDateLagDays[0] + Math.round(uEx * (F.exDateLagDays[1] - F.exDateLagDays[0])));
          if (payCash > 0) pending.push({ day: exDay, cash: payCash });
          const exIndex = indexOfDay.get(exDay);
          if (exIndex !== undefined && exIndex > stock.ipoIndex && exIndex < stock.endIndex && (payCash > 0 || bonus > 0)) {
            const before = sharesAt(exDay - 1);
            acts.push({
              index: exIndex,
              date: isoDate(exDay),
              cashPerShare: Math.round((payCash / before) * 1000) / 1000,
              bonusPerShare: bonus,
              sharesAfter: Math.round(before * (1 + bonus)),
            });
          }
        }
        if (y === yFirst) continue; // the unwritten first year: TTM and YoY for the first written report
        if (pub > toDay || pub >= outDay) continue;

        let npYtd = 0;
        let revYtd = 0;
        for (let k = n - q; k <= n; k++) {
          npYtd += np[k]!;
          revYtd += rev[k]!;
        }
        const ttmNp = np[n]! + np[n - 1]! + np[n - 2]! + np[n - 3]!;
        const ttmRev = rev[n]! + rev[n - 1]! + rev[n - 2]! + rev[n - 3]!;
        const ttmCash = cash[n]! + cash[n - 1]! + cash[n - 2]! + cash[n - 3]!;
        const bookPrevYearEnd = book[n - q - 1]!;
        const totalShares = sharesAt(pe);
        const floatShares = Math.round(totalShares * floatFractionAt(stock, days, pe));
        const assets = book0 / (1 - lev);
        const liabilities = assets - book0;
        const npMargin = npYtd / revYtd;
        out.push({
          code: stock.code,
          announced: isoDate(pub),
          period: isoDate(pe),
          roe: round6(npYtd / ((bookPrevYearEnd + book0) / 2)),
          npMargin: round6(npMargin),
          gpMargin: stock.industry === 0 ? Number.NaN : round6(clamp(Math.max(npMargin, 0) + stock.grossSpread + 0.01 * zGp, 0.01, 0.98)),
          netProfit: Math.round(npYtd),
          epsTTM: round6(ttmNp / totalShares),
          revenue: Math.round(revYtd),
          totalShares,
          floatShares,
          totalAssets: Math.round(assets),
          totalLiabilities: Math.round(liabilities),
          longTermDebt: Math.round(stock.longTermDebtShare * liabilities * Math.exp(0.05 * zLtd)),
          bookEquity: Math.round(book0),
          ttmNetProfit: ttmNp,
          ttmRevenue: ttmRev,
          ttmCashFlow: ttmCash,
        });
      }
    }
    out.sort((a, b) => (a.announced < b.announced ? -1 : a.announced > b.announced ? 1 : a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
    reports.push(out);
    actions.push(acts);
  }
  return { reports, actions };
}

// The stock panel read from the store (the store edge of ./panel.ts): bars into date-major
// matrices, market caps from float shares (carried over suspensions) and point-in-time share
// counts, valuation ratios inverted into yields, one industry classification, and the reports.

import { BftError } from '../errors.js';
import type { Store } from '../data/store.js';
import type { FundamentalReport, StockPanel } from './panel.js';

export interface PanelOptions {
  /** First and last date (ISO, inclusive); default: all the store has. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Only the members of this index (e.g. CSI300), as the store lists them. */
  readonly index?: string | undefined;
  /** Industry classification to use (e.g. CSRC, SW1); default: the one covering the most stocks. */
  readonly classification?: string | undefined;
}

const iso = (d: Date): string => d.toISOString().slice(0, 10);
const nanIfNull = (x: number | null): number => (x === null ? Number.NaN : x);

/** Throws BftError 'no_data' when the store has no stock bars in the range (or for the index). */
export async function loadPanel(store: Store, o: PanelOptions = {}): Promise<StockPanel> {
  const range = `${o.from ? `AND trade_date >= CAST('${o.from}' AS DATE)` : ''} ${o.to ? `AND trade_date <= CAST('${o.to}' AS DATE)` : ''}`;
  const members = o.index === undefined ? '' : `AND code IN (SELECT code FROM index_members WHERE index_code = '${o.index.replace(/'/g, "''")}')`;
  const dates = (await store.all<{ d: Date }>(`SELECT DISTINCT trade_date AS d FROM stock_bars_daily WHERE true ${range} ${members} ORDER BY 1`)).map((r) => iso(r.d));
  const codes = (await store.all<{ code: string }>(`SELECT DISTINCT code FROM stock_bars_daily WHERE true ${range} ${members} ORDER BY 1`)).map((r) => r.code);
  if (dates.length === 0 || codes.length === 0) throw new BftError('no_data', `no stock bars in the store${o.index ? ` for index ${o.index}` : ''}${o.from || o.to ? ` between ${o.from ?? 'the start'} and ${o.to ?? 'the end'}` : ''}: ingest them with bft equity ingest`);
  const T = dates.length;
  const N = codes.length;
  const row = new Map(dates.map((d, t) => [d, t]));
  const col = new Map(codes.map((c, j) => [c, j]));
  const nan = (): Float64Array => new Float64Array(T * N).fill(Number.NaN);
  const close = nan();
  const ret = nan();
  const amount = nan();
  const turnover = nan();
  const floatShares = nan();
  const bookToPrice = nan();
  const earningsToPrice = nan();
  const cashToPrice = nan();
  const tradable = new Uint8Array(T * N);
  const st = new Uint8Array(T * N);
  const limit = new Int8Array(T * N);
  const reader = await store.conn.runAndReadAll(
    `SELECT code, strftime(trade_date, '%Y-%m-%d') AS d, close, ret, amount, turnover, float_shares, pb_mrq, pe_ttm, pcf_ttm, tradable, is_st, limit_state
     FROM stock_bars_daily WHERE true ${range} ${members}`,
  );
  const c = reader.getColumnsJS() as unknown[][];
  const [code, day, cl, r, am, tu, fs, pb, pe, pcf, tr, isSt, lim] = c as [string[], string[], (number | null)[], (number | null)[], (number | null)[], (number | null)[], (number | null)[], (number | null)[], (number | null)[], (number | null)[], boolean[], boolean[], number[]];
  for (let k = 0; k < code.length; k++) {
    const i = row.get(day[k]!)! * N + col.get(code[k]!)!;
    close[i] = nanIfNull(cl[k]!);
    ret[i] = nanIfNull(r[k]!);
    amount[i] = nanIfNull(am[k]!);
    turnover[i] = tr[k] ? nanIfNull(tu[k]!) : 0;
    floatShares[i] = nanIfNull(fs[k]!);
    // Yields, not ratios: a loss makes E/P negative and stays ordered; a P/B of 0 or less has no book yield.
    bookToPrice[i] = pb[k] !== null && pb[k]! > 0 ? 1 / pb[k]! : Number.NaN;
    earningsToPrice[i] = pe[k] !== null && pe[k] !== 0 ? 1 / pe[k]! : Number.NaN;
    cashToPrice[i] = pcf[k] !== null && pcf[k] !== 0 ? 1 / pcf[k]! : Number.NaN;
    tradable[i] = tr[k] ? 1 : 0;
    st[i] = isSt[k] ? 1 : 0;
    limit[i] = Number(lim[k]);
  }
  const fundamentals = await loadReports(store, codes);
  const { floatCap, totalCap } = caps(dates, codes, close, floatShares, fundamentals);
  const { industry, industries, classification } = await loadIndustries(store, codes, o.classification);
  return { dates, codes, close, ret, amount, turnover, floatCap, totalCap, bookToPrice, earningsToPrice, cashToPrice, tradable, st, limit, industry, industries, classification, fundamentals };
}

/**
 * Float cap = close x float shares, the shares carried forward over suspended days (the vendor
 * gives turnover only on traded days). Total cap = close x the total shares of the latest report
 * announced before the date; NaN before a stock's first report.
 */
function caps(dates: readonly string[], codes: readonly string[], close: Float64Array, floatShares: Float64Array, reports: readonly FundamentalReport[]): { floatCap: Float64Array; totalCap: Float64Array } {
  const T = dates.length;
  const N = codes.length;
  const floatCap = new Float64Array(T * N).fill(Number.NaN);
  const totalCap = new Float64Array(T * N).fill(Number.NaN);
  const byCode = new Map<string, FundamentalReport[]>();
  for (const r of reports) if (Number.isFinite(r.totalShares)) (byCode.get(r.code) ?? byCode.set(r.code, []).get(r.code)!).push(r);
  for (let j = 0; j < N; j++) {
    let shares = Number.NaN;
    const own = (byCode.get(codes[j]!) ?? []).sort((a, b) => (a.announced < b.announced ? -1 : 1));
    let k = -1;
    for (let t = 0; t < T; t++) {
      const i = t * N + j;
      if (Number.isFinite(floatShares[i]!)) shares = floatShares[i]!;
      floatCap[i] = close[i]! * shares;
      while (k + 1 < own.length && own[k + 1]!.announced < dates[t]!) k++;
      if (k >= 0) totalCap[i] = close[i]! * own[k]!.totalShares;
    }
  }
  return { floatCap, totalCap };
}

async function loadReports(store: Store, codes: readonly string[]): Promise<FundamentalReport[]> {
  const want = new Set(codes);
  const rows = await store.all<Record<string, number | null> & { code: string; announced: Date; period: Date }>(
    `SELECT code, announced, period, roe, net_profit, revenue, total_shares, float_shares, total_assets, total_liabilities, long_term_debt, book_equity FROM stock_fundamentals ORDER BY code, announced, period`,
  );
  return rows
    .filter((r) => want.has(r.code))
    .map((r) => ({
      code: r.code,
      announced: iso(r.announced),
      period: iso(r.period),
      roe: nanIfNull(r['roe'] ?? null),
      netProfit: nanIfNull(r['net_profit'] ?? null),
      revenue: nanIfNull(r['revenue'] ?? null),
      totalShares: nanIfNull(r['total_shares'] ?? null),
      floatShares: nanIfNull(r['float_shares'] ?? null),
      totalAssets: nanIfNull(r['total_assets'] ?? null),
      totalLiabilities: nanIfNull(r['total_liabilities'] ?? null),
      longTermDebt: nanIfNull(r['long_term_debt'] ?? null),
      bookEquity: nanIfNull(r['book_equity'] ?? null),
    }));
}

/** Each stock's industry in one classification, as of its latest listing there. */
async function loadIndustries(store: Store, codes: readonly string[], wanted: string | undefined): Promise<{ industry: Int32Array; industries: string[]; classification: StockPanel['classification'] }> {
  const counts = await store.all<{ classification: string; n: number; as_of: Date }>(
    `SELECT classification, count(DISTINCT code) FILTER (WHERE industry IS NOT NULL AND code IN (SELECT DISTINCT code FROM stock_bars_daily)) AS n, max(as_of) AS as_of FROM stock_industries GROUP BY 1 ORDER BY 2 DESC, 1`,
  );
  const pick = wanted === undefined ? counts[0] : counts.find((c) => c.classification === wanted);
  if (wanted !== undefined && pick === undefined) throw new BftError('bad_option', `--classification ${wanted}: the store has ${counts.length === 0 ? 'no industry classification' : counts.map((c) => c.classification).join(', ')}`);
  const industry = new Int32Array(codes.length).fill(-1);
  if (pick === undefined) return { industry, industries: [], classification: { name: 'none', asOf: '' } };
  const rows = await store.all<{ code: string; industry: string | null }>(
    `SELECT code, arg_max(industry, as_of) AS industry FROM stock_industries WHERE classification = $1 GROUP BY code`,
    [pick.classification],
  );
  const of = new Map(rows.map((r) => [r.code, r.industry]));
  const industries = [...new Set(codes.map((c) => of.get(c)).filter((x): x is string => typeof x === 'string' && x !== ''))].sort();
  const index = new Map(industries.map((n, i) => [n, i]));
  codes.forEach((c, j) => {
    const name = of.get(c);
    if (name) industry[j] = index.get(name)!;
  });
  return { industry, industries, classification: { name: pick.classification, asOf: iso(pick.as_of) } };
}

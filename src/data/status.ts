// What the store holds: products, contracts, date ranges, bar counts, session gaps, rejects.

import type { Store } from './store.js';

export interface ProductStatus {
  readonly product: string;
  readonly contracts: number;
  readonly firstDate: string | null;
  readonly lastDate: string | null;
  readonly dailyBars: number;
  readonly tradingDays: number;
}

export interface MinuteStatus {
  readonly product: string;
  readonly intervalMin: number;
  readonly contracts: number;
  readonly firstTs: string;
  readonly lastTs: string;
  readonly bars: number;
  readonly days: number;
  /** Contract-days with fewer bars than the session grid holds (a gap inside the session). */
  readonly partialDays: number;
  /** Up to five examples: 'T2503 2025-01-03: 50/51'. */
  readonly partialExamples: readonly string[];
}

export interface RejectStatus {
  readonly file: string;
  readonly code: string;
  readonly rows: number;
}

export interface ContinuousStatus {
  readonly product: string;
  readonly rule: string;
  readonly adjust: string;
  readonly days: number;
  readonly rolls: number;
  readonly lastContract: string | null;
}

export interface DataStatus {
  readonly path: string;
  readonly products: readonly ProductStatus[];
  readonly minute: readonly MinuteStatus[];
  readonly rejects: readonly RejectStatus[];
  readonly continuous: readonly ContinuousStatus[];
  readonly resolutions: readonly { product: string; method: string; days: number }[];
  readonly ingests: number;
}

export async function dataStatus(store: Store): Promise<DataStatus> {
  const products = await store.all<ProductStatus & Record<string, unknown>>(`
    SELECT product, count(DISTINCT contract) AS contracts,
           strftime(min(trade_date), '%Y-%m-%d') AS "firstDate", strftime(max(trade_date), '%Y-%m-%d') AS "lastDate",
           count(*) AS "dailyBars", count(DISTINCT trade_date) AS "tradingDays"
    FROM bars_daily GROUP BY product ORDER BY product`);
  const minute = await store.all<Omit<MinuteStatus, 'partialExamples'> & { examples: string[] | null } & Record<string, unknown>>(`
    WITH days AS (
      SELECT m.product, m.interval_min, m.contract, m.trade_date, count(*) AS bars,
             ((any_value(sp.am_close) - any_value(sp.am_open))
              + CASE WHEN m.trade_date = any_value(i.last_trading_day) THEN 0 ELSE any_value(sp.pm_close) - any_value(sp.pm_open) END)
             // m.interval_min AS expected
      FROM bars_minute m
      LEFT JOIN instruments i ON i.contract = m.contract
      LEFT JOIN instrument_specs sp ON sp.product = m.product AND m.trade_date BETWEEN sp.valid_from AND coalesce(sp.valid_to, DATE '9999-12-31')
      GROUP BY m.product, m.interval_min, m.contract, m.trade_date)
    SELECT d.product, d.interval_min AS "intervalMin", count(DISTINCT d.contract) AS contracts,
           (SELECT strftime(min(ts), '%Y-%m-%d %H:%M') FROM bars_minute b WHERE b.product = d.product AND b.interval_min = d.interval_min) AS "firstTs",
           (SELECT strftime(max(ts), '%Y-%m-%d %H:%M') FROM bars_minute b WHERE b.product = d.product AND b.interval_min = d.interval_min) AS "lastTs",
           sum(d.bars) AS bars, count(DISTINCT d.trade_date) AS days,
           count(*) FILTER (WHERE d.bars < d.expected) AS "partialDays",
           list(d.contract || ' ' || strftime(d.trade_date, '%Y-%m-%d') || ': ' || d.bars || '/' || d.expected ORDER BY d.trade_date)
             FILTER (WHERE d.bars < d.expected) AS examples
    FROM days d GROUP BY d.product, d.interval_min ORDER BY d.product, d.interval_min`);
  const rejects = await store.all<RejectStatus & Record<string, unknown>>(`
    SELECT file, code, count(DISTINCT line) AS rows FROM rejects GROUP BY file, code ORDER BY file, code`);
  const continuous = await store.all<ContinuousStatus & Record<string, unknown>>(`
    SELECT c.product, c.rule, c.adjust, count(*) AS days,
           (SELECT count(*) FROM rolls r WHERE r.product = c.product AND r.rule = c.rule AND r.adjust = c.adjust) AS rolls,
           arg_max(c.contract, c.trade_date) AS "lastContract"
    FROM continuous_daily c GROUP BY c.product, c.rule, c.adjust ORDER BY 1, 2, 3`);
  const resolutions = await store.all<{ product: string; method: string; days: number }>(`
    SELECT product, method, count(*) AS days FROM contract_resolution GROUP BY ALL ORDER BY 1, 2`);
  const ingests = Number(await store.scalar<number>('SELECT count(*) FROM ingests'));
  return {
    path: store.path,
    products,
    minute: minute.map(({ examples, ...m }) => ({ ...m, partialExamples: (examples ?? []).slice(0, 5) })),
    rejects,
    continuous,
    resolutions,
    ingests,
  };
}

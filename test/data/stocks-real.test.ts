// The real A-share panel in ../shared/data, read in place: every file ingests with the counts its
// SOURCE.md gives, and the panel reads back with the survivorship and coverage facts it states.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/data/store.js';
import { ingestStocks, type StockIngestSummary } from '../../src/data/stocks/ingest.js';
import { loadPanel } from '../../src/equity/load.js';

const DATA = resolve(__dirname, '../../../shared/data');
const DAILY = `${DATA}/ashare-hs300-baostock-daily/hs300_baostock_daily_2020-01-02_2025-04-07.csv.gz`;
const META = `${DATA}/ashare-hs300-baostock-meta`;
const SW1 = `${DATA}/ashare-industry-sw1-2019/stock_industry_sw1_2019-12-09.csv`;
const have = existsSync(DAILY);

describe.skipIf(!have)('real A-share data', () => {
  let store: Store;
  let r: StockIngestSummary;
  beforeAll(async () => {
    store = await Store.open(':memory:');
    r = await ingestStocks(store, { files: [DAILY, `${META}/stock_industry_csrc_2025-10-20.csv`, SW1, `${META}/roe_hs300.csv`, `${META}/hs300_stocks_2026-02-26.csv`], index: 'CSI300' });
  }, 120_000);
  afterAll(() => store?.close());

  it('ingests every row of every file with no reject', () => {
    expect(r.files.map((f) => [f.layout, f.rowsRead, f.rowsLoaded, f.rejected])).toEqual([
      ['daily', 369_338, 369_338, 0],
      ['industry', 5_471, 5_471, 0],
      ['industry', 3_854, 3_854, 0],
      ['fundamentals', 2_102, 2_102, 0],
      ['members', 300, 300, 0],
    ]);
  });

  it('keeps the facts of the vendor file: 712 suspended rows, 1,273 dates, the relisting of sz.000792 without a limit', async () => {
    const s = await store.one<{ suspended: number; dates: number; codes: number; no_ret: number }>(
      `SELECT count(*) FILTER (WHERE NOT tradable) AS suspended, count(DISTINCT trade_date) AS dates, count(DISTINCT code) AS codes, count(*) FILTER (WHERE ret IS NULL) AS no_ret FROM stock_bars_daily`,
    );
    expect(s).toEqual({ suspended: 712, dates: 1_273, codes: 300, no_ret: 712 });
    const relisted = await store.one<{ ret: number; limit_state: number }>(`SELECT ret, limit_state FROM stock_bars_daily WHERE code = 'sz.000792' AND trade_date = DATE '2021-08-10'`);
    expect(relisted!.ret).toBeCloseTo(3.061086, 9);
    expect(relisted!.limit_state).toBe(0);
    // Some days close at their limit, more up than down over 2020-2025.
    const limits = await store.all<{ s: number; n: number }>(`SELECT limit_state AS s, count(*) AS n FROM stock_bars_daily GROUP BY 1 ORDER BY 1`);
    expect(limits.map((x) => x.s)).toEqual([-1, 0, 1]);
    expect(limits[2]!.n).toBeGreaterThan(limits[0]!.n);
  });

  it('reads the panel back: the 2026 constituent list keeps 281 of the 300 stocks, CSRC covers 299, Shenwan 2019 misses late listings', async () => {
    const all = await loadPanel(store);
    expect([all.dates.length, all.codes.length, all.classification.name]).toEqual([1_273, 300, 'CSRC']);
    // SOURCE.md: the CSRC list covers all 300 codes, one with an empty industry.
    expect([...all.industry].filter((i) => i < 0)).toHaveLength(1);
    const sw = await loadPanel(store, { classification: 'SW1' });
    expect([...sw.industry].filter((i) => i >= 0)).toHaveLength(264);
    const index = await loadPanel(store, { index: 'CSI300' });
    expect(index.codes).toHaveLength(281);
    // Total cap needs a share count from a report: reports start in 2024.
    const firstWithTotal = index.dates.findIndex((_, t) => index.codes.some((__, j) => Number.isFinite(index.totalCap[t * index.codes.length + j]!)));
    expect(index.dates[firstWithTotal]! >= '2024-04-01').toBe(true);
  });
});

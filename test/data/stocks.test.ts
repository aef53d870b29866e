// The A-share ingest against a real DuckDB: layouts recognised by header, every row rule with its
// reason, derived fields, nothing half-written, re-ingest idempotent, and the panel read back.

import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/data/store.js';
import { ingestStocks } from '../../src/data/stocks/ingest.js';
import { detectStockLayout } from '../../src/data/stocks/layouts.js';
import { limitPrices, limitState, priceLimit, stockCodeInfo } from '../../src/market/ashare.js';
import { loadPanel } from '../../src/equity/load.js';
import { pointInTime } from '../../src/equity/panel.js';
import { tempDir } from '../helpers/fixtures.js';

const HEAD = 'volume,code,psTTM,high,adjustflag,tradestatus,pbMRQ,preclose,pctChg,open,close,peTTM,isST,turn,pcfNcfTTM,low,date,amount,time';

/** A daily row in the vendor's column order from the fields that matter here. */
function bar(code: string, date: string, o: { close: number; preclose: number; volume?: number; turn?: number | ''; status?: 0 | 1; st?: 0 | 1; open?: number; high?: number; low?: number; pe?: number | ''; pb?: number | ''; pct?: number | '' }): string {
  const status = o.status ?? 1;
  const pct = o.pct ?? (status === 1 ? +((o.close / o.preclose - 1) * 100).toFixed(6) : '');
  const open = o.open ?? o.close;
  const high = o.high ?? Math.max(open, o.close);
  const low = o.low ?? Math.min(open, o.close);
  const volume = o.volume ?? (status === 1 ? 1_000_000 : 0);
  const turn = o.turn ?? (status === 1 ? 0.5 : '');
  return [volume, code, 2, high, 3, status, o.pb ?? 1.25, o.preclose, pct, open, o.close, o.pe ?? 10, o.st ?? 0, turn, 8, low, date, volume * o.close, date].join(',');
}

describe('A-share facts', () => {
  it('boards by code prefix, limits by board, date, ST and listing age, limit prices to the fen', () => {
    expect(stockCodeInfo('sh.600000')).toEqual({ exchange: 'SSE', board: 'main' });
    expect(stockCodeInfo('sz.300750')).toEqual({ exchange: 'SZSE', board: 'chinext' });
    expect(stockCodeInfo('sz.302132')).toEqual({ exchange: 'SZSE', board: 'chinext' });
    expect(stockCodeInfo('sh.688981')).toEqual({ exchange: 'SSE', board: 'star' });
    expect(stockCodeInfo('bj.430047')).toEqual({ exchange: 'BSE', board: 'bse' });
    for (const bad of ['sh.000300', 'sz.159915', '600000', 'SH.600000', 'sh.60000']) expect(stockCodeInfo(bad), bad).toBeNull();
    expect(priceLimit('main', '2021-06-01', false, 100)).toBe(0.1);
    expect(priceLimit('main', '2021-06-01', true, 100)).toBe(0.05);
    expect(priceLimit('chinext', '2020-08-21', false, 100)).toBe(0.1);
    expect(priceLimit('chinext', '2020-08-24', true, 100)).toBe(0.2);
    expect(priceLimit('chinext', '2021-01-04', false, 3)).toBeNull(); // first five days of a registered listing
    expect(priceLimit('star', '2021-01-04', false, 6)).toBe(0.2);
    expect(priceLimit('main', '2023-04-10', false, 5)).toBeNull();
    expect(priceLimit('main', '2023-04-07', false, 2)).toBe(0.1);
    expect(limitPrices(12.35, 0.1)).toEqual({ up: 13.59, down: 11.12 }); // 13.585 and 11.115 round up
    expect(limitState(13.59, 12.35, 0.1)).toBe(1);
    expect(limitState(11.12, 12.35, 0.1)).toBe(-1);
    expect(limitState(13.5, 12.35, 0.1)).toBe(0);
    expect(limitState(13.59, 12.35, null)).toBe(0);
  });

  it('recognises each layout by its header, the most specific first, a byte-order mark dropped', () => {
    expect(detectStockLayout(HEAD.split(','))?.name).toBe('daily');
    expect(detectStockLayout(['\uFEFFupdateDate', 'code', 'code_name', 'industry', 'industryClassification'])?.name).toBe('industry');
    expect(detectStockLayout(['updateDate', 'code', 'code_name'])?.name).toBe('members');
    expect(detectStockLayout(['code', 'pubDate', 'statDate', 'roeAvg'])?.name).toBe('fundamentals');
    expect(detectStockLayout(['code', 'code_name', 'ipoDate', 'outDate', 'type', 'status'])?.name).toBe('securities');
    expect(detectStockLayout(['date', 'close'])).toBeNull();
  });
});

describe('bft equity ingest (store)', () => {
  const tmp = tempDir('bft-stocks-');
  let store: Store;
  beforeEach(async () => {
    store = await Store.open(':memory:');
  });
  afterEach(() => store.close());
  const file = (name: string, lines: string[], gzip = false): string => {
    const path = join(tmp.dir, name);
    const text = lines.join('\n') + '\n';
    writeFileSync(path, gzip ? gzipSync(text) : text);
    return path;
  };

  it('loads a gzipped daily file with derived return, turnover, float shares and limit state; rejects each bad row with its reason', async () => {
    const daily = file(
      'daily.csv.gz',
      [
        HEAD,
        bar('sh.600000', '2021-06-01', { close: 10, preclose: 10, turn: 0.5, volume: 2_000_000 }),
        bar('sh.600000', '2021-06-02', { close: 11, preclose: 10 }), // limit-up
        bar('sh.600000', '2021-06-03', { close: 11, preclose: 11, status: 0, volume: 0, turn: '' }), // suspended
        bar('sh.600000', '2021-06-04', { close: 9.9, preclose: 11 }), // limit-down
        bar('sh.600000', '2021-06-05', { close: 10, preclose: 9.9 }), // a Saturday
        bar('sz.300750', '2021-06-01', { close: 120, preclose: 100 }), // ChiNext +20%: limit-up, not outside
        bar('sz.300750', '2021-06-02', { close: 150, preclose: 120 }), // +25%: outside the band
        bar('sh.999999', '2021-06-02', { close: 10, preclose: 10 }),
        bar('sh.600519', '2021-06-02', { close: 10, preclose: 10, low: 10.5 }), // low above the close
        bar('sh.600519', '2021-06-03', { close: 10, preclose: 10, pct: 'x' as unknown as number }),
      ],
      true,
    );
    const r = await ingestStocks(store, { files: [daily], maxRejectShare: 1 });
    expect(r.files).toEqual([{ path: daily, layout: 'daily', rowsRead: 10, rowsLoaded: 5, rejected: 5, collapsed: 0 }]);
    const reasons = (await store.all<{ line: number; code: string; reason: string }>(`SELECT line, code, reason FROM rejects ORDER BY line`)).map((x) => [x.line, x.code, x.reason]);
    expect(reasons).toEqual([
      [6, 'not_exchange_day', 'date: 2021-06-05 is not an SSE/SZSE trading day (Sat)'],
      [8, 'outside_limit', 'close: 150 is outside the daily limit band [96, 144] (20% of the ex-rights preclose 120, chinext board)'],
      [9, 'bad_stock_code', 'code: "sh.999999" is not an A-share stock code like sh.600000, sz.000001, sz.300750 or sh.688981'],
      [10, 'ohlc_order', 'low: 10.5 above min(open, close) 10'],
      [11, 'parse', 'pctChg: cannot read "x" as a number'],
    ]);
    const rows = await store.all<{ code: string; d: string; ret: number | null; turnover: number | null; float_shares: number | null; tradable: boolean; limit_state: number }>(
      `SELECT code, strftime(trade_date, '%Y-%m-%d') AS d, ret, turnover, float_shares, tradable, limit_state FROM stock_bars_daily ORDER BY code, trade_date`,
    );
    expect(rows.map((x) => [x.code, x.d, x.tradable, x.limit_state])).toEqual([
      ['sh.600000', '2021-06-01', true, 0],
      ['sh.600000', '2021-06-02', true, 1],
      ['sh.600000', '2021-06-03', false, 0],
      ['sh.600000', '2021-06-04', true, -1],
      ['sz.300750', '2021-06-01', true, 1],
    ]);
    expect(rows[0]!.turnover).toBeCloseTo(0.005, 12);
    expect(rows[0]!.float_shares).toBeCloseTo(2_000_000 / 0.005, 3);
    expect(rows[1]!.ret).toBeCloseTo(0.1, 6);
    expect([rows[2]!.ret, rows[2]!.turnover, rows[2]!.float_shares]).toEqual([null, null, null]);
    const log = await store.one<{ kind: string; rows_read: number; rows_loaded: number; rows_rejected: number }>(`SELECT kind, rows_read, rows_loaded, rows_rejected FROM ingests`);
    expect(log).toEqual({ kind: 'stocks', rows_read: 10, rows_loaded: 5, rows_rejected: 5 });
  });

  it('is all or nothing: past the reject share nothing is stored; an unknown layout or a members file without --index is refused', async () => {
    const bad = file('bad.csv', [HEAD, bar('sh.999999', '2021-06-01', { close: 10, preclose: 10 }), bar('sh.600000', '2021-06-01', { close: 10, preclose: 10 })]);
    const industry = file('industry.csv', ['updateDate,code,code_name,industry,industryClassification', '2025-10-20,sh.600000,浦发银行,J66货币金融服务,证监会行业分类']);
    await expect(ingestStocks(store, { files: [industry, bad] })).rejects.toMatchObject({ code: 'too_many_rejects' });
    for (const t of ['stock_bars_daily', 'stock_industries', 'ingests', 'rejects']) expect((await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))!.n, t).toBe(0);
    const odd = file('odd.csv', ['date,close', '2021-06-01,10']);
    await expect(ingestStocks(store, { files: [odd] })).rejects.toMatchObject({ code: 'layout_unknown', message: expect.stringContaining('fits no A-share layout') });
    const members = file('members.csv', ['updateDate,code,code_name', '2026/2/26,sh.600000,浦发银行']);
    await expect(ingestStocks(store, { files: [members] })).rejects.toMatchObject({ code: 'bad_option', message: expect.stringContaining('--index') });
    await expect(ingestStocks(store, { files: [join(tmp.dir, 'nope.csv')] })).rejects.toMatchObject({ code: 'file_unreadable' });
  });

  it('re-ingesting changes nothing; a changed bar is a store conflict unless --replace; a repeated line collapses, a different one conflicts', async () => {
    const lines = [HEAD, bar('sh.600000', '2021-06-01', { close: 10, preclose: 10 }), bar('sh.600000', '2021-06-02', { close: 10.5, preclose: 10 })];
    const a = file('a.csv', lines);
    expect((await ingestStocks(store, { files: [a] })).bars).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect((await ingestStocks(store, { files: [a] })).bars).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
    const changed = file('b.csv', [HEAD, bar('sh.600000', '2021-06-01', { close: 10, preclose: 10 }), bar('sh.600000', '2021-06-02', { close: 10.6, preclose: 10 }), bar('sh.600000', '2021-06-02', { close: 10.6, preclose: 10 }), bar('sh.600000', '2021-06-01', { close: 10.1, preclose: 10 })]);
    const kept = await ingestStocks(store, { files: [changed], maxRejectShare: 1 });
    expect(kept.bars).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    expect(kept.files[0]).toMatchObject({ collapsed: 1, rejected: 2 });
    expect(kept.rejects.map((x) => [x.line, x.code])).toEqual([
      [5, 'duplicate_conflict'],
      [3, 'store_conflict'],
    ]);
    expect((await store.one<{ close: number }>(`SELECT close FROM stock_bars_daily WHERE trade_date = DATE '2021-06-02'`))!.close).toBe(10.5);
    const replaced = await ingestStocks(store, { files: [changed], replace: true, maxRejectShare: 1 });
    expect(replaced.bars).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
    expect((await store.one<{ close: number; n: number }>(`SELECT max(close) AS close, count(*) AS n FROM stock_bars_daily`))!).toEqual({ close: 10.6, n: 2 });
  });

  it('a stock back from a long suspension trades its first day without a limit (a relisting)', async () => {
    const days: string[] = [];
    for (let d = new Date('2021-01-04'); days.length < 70; d = new Date(d.getTime() + 86_400_000)) if (d.getUTCDay() % 6 !== 0) days.push(d.toISOString().slice(0, 10));
    const { isTradingDay, dayNumber } = await import('../../src/market/calendar.js');
    const trading = days.filter((d) => isTradingDay(dayNumber(d)));
    const lines = [HEAD, bar('sz.000792', trading[0]!, { close: 8.84, preclose: 8.84 }), ...trading.slice(1, -1).map((d) => bar('sz.000792', d, { close: 8.84, preclose: 8.84, status: 0, turn: '', volume: 0 })), bar('sz.000792', trading.at(-1)!, { close: 35.9, preclose: 8.84 })];
    const r = await ingestStocks(store, { files: [file('relist.csv', lines)] });
    expect(trading.length - 2).toBeGreaterThanOrEqual(60);
    expect(r.rejects).toEqual([]);
    expect(r.bars.inserted).toBe(trading.length);
  });

  it('reads back a panel: caps from float shares carried over suspensions, yields from ratios, one classification, reports point in time', async () => {
    const daily = file('daily.csv', [
      HEAD,
      bar('sh.600000', '2024-04-18', { close: 10, preclose: 10, volume: 1_000_000, turn: 1, pe: 8, pb: 0.5 }),
      bar('sh.600000', '2024-04-19', { close: 10, preclose: 10, status: 0, volume: 0, turn: '' }),
      bar('sh.600000', '2024-04-22', { close: 11, preclose: 10, volume: 1_000_000, turn: 1, pe: -20, pb: -1 }),
      bar('sz.000001', '2024-04-22', { close: 5, preclose: 5, volume: 500_000, turn: 0.25 }),
    ]);
    const industry = file('industry.csv', [
      'updateDate,code,code_name,industry,industryClassification',
      '2019-12-09,sh.600000,浦发银行,银行,申万一级行业',
      '2025-10-20,sh.600000,浦发银行,J66货币金融服务,证监会行业分类',
      '2025-10-20,sz.000001,平安银行,J66货币金融服务,证监会行业分类',
    ]);
    const reports = file('roe.csv', ['code,pubDate,statDate,roeAvg,netProfit,totalShare,liqaShare', 'sh.600000,2024-04-19,2024-03-31,0.03,100,2000000,1500000']);
    const members = file('members.csv', ['updateDate,code,code_name', '2026/2/26,sh.600000,浦发银行']);
    await ingestStocks(store, { files: [daily, industry, reports, members], index: 'CSI300' });
    // Stocks with bars are listed as securities, from their code and the names the other files give.
    expect(await store.all(`SELECT code, name, exchange, board, list_date FROM stock_securities ORDER BY code`)).toEqual([
      { code: 'sh.600000', name: '浦发银行', exchange: 'SSE', board: 'main', list_date: null },
      { code: 'sz.000001', name: '平安银行', exchange: 'SZSE', board: 'main', list_date: null },
    ]);
    const p = await loadPanel(store);
    expect(p.dates).toEqual(['2024-04-18', '2024-04-19', '2024-04-22']);
    expect(p.codes).toEqual(['sh.600000', 'sz.000001']);
    expect(p.classification).toEqual({ name: 'CSRC', asOf: '2025-10-20' });
    expect(p.industries).toEqual(['J66货币金融服务']);
    // sh.600000: 1e8 float shares from volume / 1% turnover, carried over the suspension.
    expect(Array.from({ length: 3 }, (_, t) => p.floatCap[t * 2]!)).toEqual([10 * 1e8, 10 * 1e8, 11 * 1e8]);
    expect([p.tradable[0], p.tradable[2], p.turnover[2]]).toEqual([1, 0, 0]);
    // The report announced on 04-19 counts from the next trading day, 04-22.
    expect([p.totalCap[0], p.totalCap[2], p.totalCap[4]]).toEqual([Number.NaN, Number.NaN, 11 * 2_000_000]);
    expect(Array.from(pointInTime(p, 'roe'))).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN, 0.03, Number.NaN]);
    expect([p.earningsToPrice[0], p.bookToPrice[0], p.earningsToPrice[4], p.bookToPrice[4]]).toEqual([1 / 8, 2, -1 / 20, Number.NaN]);
    const sw = await loadPanel(store, { classification: 'SW1' });
    expect([sw.industries, Array.from(sw.industry)]).toEqual([['银行'], [0, -1]]);
    const index = await loadPanel(store, { index: 'CSI300' });
    expect(index.codes).toEqual(['sh.600000']);
    await expect(loadPanel(store, { index: 'CSI500' })).rejects.toMatchObject({ code: 'no_data' });
    await expect(loadPanel(store, { classification: 'GICS' })).rejects.toMatchObject({ code: 'bad_option', message: expect.stringContaining('CSRC, SW1') });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, rejectReason, Store, type IngestSummary } from '../../src/data/index.js';
import { barEndMinutes, formatMinute } from '../../src/market/sessions.js';
import { specFor } from '../../src/market/specs.js';
import { dailyCsv, dailyRows, snapshot, tempDir, writeLines, type DailyRow } from '../helpers/fixtures.js';

let store: Store;
let tmp: ReturnType<typeof tempDir>;

beforeEach(async () => {
  store = await Store.open(':memory:');
  tmp = tempDir();
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

async function rejects(): Promise<{ line: number; field: string; code: string; reason: string }[]> {
  return store.all('SELECT line, field, code, reason FROM rejects ORDER BY line, code, field');
}

/** One-minute bars of a contract for one day, as generic-layout CSV lines. */
function minuteLines(symbol: string, date: string, opts: { stampStart?: boolean; interval?: number } = {}): string[] {
  const interval = opts.interval ?? 1;
  const ends = barEndMinutes(specFor('T', date)!.sessions, interval);
  let px = 108.5;
  return ends.map((m, i) => {
    const stamp = opts.stampStart ? m - interval : m;
    const open = px;
    px = Math.round((px + (i % 3 === 0 ? 0.005 : i % 3 === 1 ? -0.005 : 0)) * 1000) / 1000;
    const high = Math.max(open, px) + 0.005;
    const low = Math.min(open, px) - 0.005;
    return `${symbol},${date} ${formatMinute(stamp)},${open},${high.toFixed(3)},${low.toFixed(3)},${px},${100 + i},${(100 + i) * px * 10_000},${120_000 + i}`;
  });
}
const MINUTE_HEADER = 'symbol,datetime,open,high,low,close,volume,amount,open_interest';

describe('ingest: layouts', () => {
  it('loads the generic English layout and records instruments and the ingest', async () => {
    const rows = dailyRows();
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'generic.csv', dailyCsv(rows))] });
    expect(s.files[0]!.layout).toBe('generic');
    expect(s.inserted).toBe(rows.length);
    expect(s.rejected).toBe(0);
    const n = await store.scalar<number>(`SELECT count(*) FROM bars_daily`);
    expect(n).toBe(rows.length);
    const t2503 = await store.one<{ last_trading_day: Date }>(`SELECT last_trading_day FROM instruments WHERE contract = 'T2503'`);
    expect(t2503!.last_trading_day.toISOString().slice(0, 10)).toBe('2025-03-14');
    expect(await store.scalar<number>('SELECT count(*) FROM ingests')).toBe(1);
  });

  it('loads a Tushare-style file: ts_code with exchange suffix, YYYYMMDD dates, vol/oi, amount in 10,000 CNY', async () => {
    const rows = dailyRows();
    const lines = ['ts_code,trade_date,pre_settle,open,high,low,close,settle,vol,amount,oi'].concat(
      rows.map((r) => `${r.symbol}.CFX,${r.date.replaceAll('-', '')},${r.pre_settle},${r.open},${r.high},${r.low},${r.close},${r.settle},${r.volume},${Number(r.amount) / 10_000},${r.open_interest}`),
    );
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'tushare.csv', lines)] });
    expect(s.files[0]).toMatchObject({ layout: 'tushare', amountScale: 10_000 });
    expect(s.inserted).toBe(rows.length);
    const r = await store.one<{ amount: number; volume: number }>(`SELECT amount, volume FROM bars_daily WHERE contract = 'T2503' AND trade_date = '2025-01-02'`);
    expect(r!.amount).toBeCloseTo(Number(rows[0]!.amount), 0);
  });

  it('loads a Chinese-header vendor export', async () => {
    const rows = dailyRows();
    const lines = ['代码,日期,开盘价,最高价,最低价,收盘价,结算价,成交量,成交额,持仓量'].concat(
      rows.map((r) => `${r.symbol},${r.date.replaceAll('-', '/')},${r.open},${r.high},${r.low},${r.close},${r.settle},${r.volume},${r.amount},${r.open_interest}`),
    );
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'vendor.csv', lines)] });
    expect(s.files[0]).toMatchObject({ layout: 'chinese', amountScale: 1 });
    expect(s.inserted).toBe(rows.length);
    expect(s.rejected).toBe(0);
  });

  it('takes --map overrides for columns it does not know', async () => {
    const rows = dailyRows();
    const lines = ['contract_id,day,o,h,l,c,s,v,oi'].concat(rows.map((r) => `${r.symbol},${r.date},${r.open},${r.high},${r.low},${r.close},${r.settle},${r.volume},${r.open_interest}`));
    const file = writeLines(tmp.dir, 'odd.csv', lines);
    await expect(ingest(store, { kind: 'daily', files: [file] })).rejects.toThrow(/odd\.csv: no column for date, close, symbol/);
    const s = await ingest(store, {
      kind: 'daily',
      files: [file],
      map: { contract_id: 'symbol', day: 'date', o: 'open', h: 'high', l: 'low', c: 'close', s: 'settle', v: 'volume' },
    });
    expect(s.files[0]!.layout).toBe('custom');
    expect(s.inserted).toBe(rows.length);
  });

  it('reads Parquet through DuckDB with row numbers for rejects', async () => {
    const rows = dailyRows();
    rows[4]!.low = 200; // low above high
    const csv = writeLines(tmp.dir, 'src.csv', dailyCsv(rows));
    const pq = `${tmp.dir}/bars.parquet`;
    await store.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${pq}' (FORMAT parquet)`);
    const s = await ingest(store, { kind: 'daily', files: [pq] });
    expect(s.files[0]!.format).toBe('parquet');
    expect(s.inserted).toBe(rows.length - 1);
    const rej = await rejects();
    expect(rej.every((r) => r.line === 5)).toBe(true); // fifth data row of the Parquet file
  });

  it('detects 1-minute and 5-minute intervals and shifts bar-start stamps to bar ends', async () => {
    const end1 = writeLines(tmp.dir, 'm1.csv', [MINUTE_HEADER, ...minuteLines('T2503', '2025-01-02')]);
    const s1 = await ingest(store, { kind: 'minute', files: [end1] });
    expect(s1.files[0]).toMatchObject({ intervalMin: 1, stamp: 'end' });
    expect(s1.inserted).toBe(255);
    const start5 = writeLines(tmp.dir, 'm5.csv', [MINUTE_HEADER, ...minuteLines('T2503', '2025-01-03', { stampStart: true, interval: 5 })]);
    const s5 = await ingest(store, { kind: 'minute', files: [start5] });
    expect(s5.files[0]).toMatchObject({ intervalMin: 5, stamp: 'start' });
    expect(s5.inserted).toBe(51);
    const edges = await store.one<{ first: string; last: string }>(`
      SELECT strftime(min(ts), '%H:%M') AS first, strftime(max(ts), '%H:%M') AS last FROM bars_minute WHERE interval_min = 5`);
    expect(edges).toEqual({ first: '09:35', last: '15:15' });
  });
});

describe('ingest: each rule rejects its bad row and the good rows land', () => {
  type Break = { name: string; code: string; field: string; apply: (rows: DailyRow[]) => void; reason?: RegExp };
  const cases: Break[] = [
    { name: 'unparseable price', code: 'parse', field: 'close', apply: (r) => void (r[3]!.close = '108.5x'), reason: /cannot read "108.5x" as a number/ },
    { name: 'bad contract code', code: 'bad_symbol', field: 'symbol', apply: (r) => void (r[3]!.symbol = 'T2502') },
    { name: 'weekend date', code: 'not_trading_day', field: 'date', apply: (r) => void (r[3]!.date = '2025-01-04'), reason: /a Saturday/ },
    { name: 'holiday', code: 'not_trading_day', field: 'date', apply: (r) => void (r[3]!.date = '2025-01-01'), reason: /exchange holiday/ },
    { name: 'after the last trading day', code: 'not_listed', field: 'date', apply: (r) => void (r[3]!.symbol = 'T2412'), reason: /last trading day 2024-12-13/ },
    { name: 'low above open', code: 'ohlc_order', field: 'low', apply: (r) => void (r[3]!.low = Number(r[3]!.open) + 0.005), reason: /above open/ },
    { name: 'close above high', code: 'ohlc_order', field: 'high', apply: (r) => void (r[3]!.close = Number(r[3]!.high) + 0.005), reason: /below close/ },
    { name: 'non-positive price', code: 'non_positive', field: 'settle', apply: (r) => void (r[3]!.settle = 0) },
    { name: 'negative volume', code: 'negative', field: 'volume', apply: (r) => void (r[3]!.volume = -5) },
    { name: 'negative open interest', code: 'negative', field: 'open_interest', apply: (r) => void (r[3]!.open_interest = -1) },
    { name: 'price off the tick grid', code: 'off_tick', field: 'open', apply: (r) => void (r[3]!.open = Number(r[3]!.open) + 0.002), reason: /tick 0.005/ },
    {
      name: 'price outside the daily limit',
      code: 'outside_limit',
      field: 'high',
      apply: (r) => void (r[3]!.high = Math.round(Number(r[3]!.pre_settle) * 1.021 * 200) / 200),
      reason: /limit 2%/,
    },
    { name: 'empty date', code: 'missing', field: 'date', apply: (r) => void (r[3]!.date = '') },
    { name: 'OHLC missing on a day with volume', code: 'missing', field: 'open/high/low', apply: (r) => void (r[3]!.open = '') },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.code} on ${c.field}`, async () => {
      const rows = dailyRows();
      c.apply(rows);
      const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'bad.csv', dailyCsv(rows))] });
      const rej = await rejects();
      expect(rej.length).toBeGreaterThan(0);
      expect(rej.every((r) => r.line === 5)).toBe(true); // row index 3 sits on line 5
      expect(rej.map((r) => `${r.code}:${r.field}`)).toContain(`${c.code}:${c.field}`);
      if (c.reason) expect(rej.map((r) => r.reason).join('\n')).toMatch(c.reason);
      expect(s.rejected).toBe(1);
      expect(s.inserted).toBe(rows.length - 1);
    });
  }

  it('allows a doubled limit until a contract first trades', async () => {
    const rows = dailyRows();
    // T2509's first row (day 1, line 12): 3% above its listing reference is inside 2 x 2%.
    const first = rows.findIndex((r) => r.symbol === 'T2509');
    rows[first]!.high = Math.round(Number(rows[first]!.pre_settle) * 1.03 * 200) / 200;
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'first.csv', dailyCsv(rows))] });
    expect(s.rejected).toBe(0);
  });

  it('checks the limit against the store when the file has no pre_settle', async () => {
    const rows = dailyRows();
    await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'a.csv', dailyCsv(rows.filter((r) => r.date < '2025-01-08')))] });
    const last = rows.filter((r) => r.date === '2025-01-08');
    last[0]!.low = Math.round(Number(last[0]!.pre_settle) * 0.975 * 200) / 200;
    const lines = ['symbol,date,open,high,low,close,volume'].concat(last.map((r) => `${r.symbol},${r.date},${r.open},${r.high},${r.low},${r.close},${r.volume}`));
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'b.csv', lines)], maxRejectShare: 1 });
    expect(s.rejectsByCode).toEqual({ outside_limit: 1 });
  });

  // Minute files go through a cheaper pre-filter before the exact rules: every rule must still
  // reach its row. Row index 3 of a day of 5-minute T2503 bars sits on line 5.
  type MinuteBreak = { name: string; code: string; field: string; apply: (f: string[]) => void };
  const minuteCases: MinuteBreak[] = [
    { name: 'unparseable price', code: 'parse', field: 'close', apply: (f) => void (f[5] = '108.5x') },
    { name: 'empty open', code: 'missing', field: 'open', apply: (f) => void (f[2] = '') },
    { name: 'bad contract code', code: 'bad_symbol', field: 'symbol', apply: (f) => void (f[0] = 'T2502') },
    { name: 'expired contract', code: 'not_listed', field: 'datetime', apply: (f) => void (f[0] = 'T2412') },
    { name: 'weekend stamp', code: 'not_trading_day', field: 'datetime', apply: (f) => void (f[1] = f[1]!.replace('2025-01-02', '2025-01-04')) },
    { name: 'stamp off the 5-minute grid', code: 'outside_session', field: 'datetime', apply: (f) => void (f[1] = f[1]!.replace(/:(\d)0$/, ':$12')) },
    { name: 'zero open', code: 'non_positive', field: 'open', apply: (f) => void (f[2] = '0') },
    { name: 'negative volume', code: 'negative', field: 'volume', apply: (f) => void (f[6] = '-5') },
    { name: 'negative amount', code: 'negative', field: 'amount', apply: (f) => void (f[7] = '-1') },
    { name: 'low above close', code: 'ohlc_order', field: 'low', apply: (f) => void (f[4] = (Number(f[5]) + 0.005).toFixed(3)) },
    { name: 'high below open', code: 'ohlc_order', field: 'high', apply: (f) => void (f[3] = (Number(f[2]) - 0.005).toFixed(3)) },
    { name: 'close off the tick grid', code: 'off_tick', field: 'close', apply: (f) => void (f[5] = (Number(f[5]) + 0.002).toFixed(3)) },
    { name: 'high above the limit', code: 'outside_limit', field: 'high', apply: (f) => void (f[3] = '110.785') },
    { name: 'low below the limit', code: 'outside_limit', field: 'low', apply: (f) => void (f[4] = '106.215') },
  ];
  for (const c of minuteCases) {
    it(`minute bars: ${c.name}: ${c.code} on ${c.field}`, async () => {
      // The day's daily bar gives the previous settle (108.5) for the limit band (2%: 106.33..110.67);
      // the contract traded the day before, so the limit is not doubled.
      const daily = [
        'symbol,date,open,high,low,close,settle,pre_settle,volume,amount,open_interest',
        'T2503,2024-12-31,108.5,108.6,108.4,108.5,108.5,108.5,5000,542500000,120000',
        'T2503,2025-01-02,108.5,108.6,108.4,108.5,108.5,108.5,5000,542500000,120000',
      ];
      await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'd.csv', daily)] });
      const lines = minuteLines('T2503', '2025-01-02', { interval: 5 });
      const f = lines[3]!.split(',');
      c.apply(f);
      lines[3] = f.join(',');
      const s = await ingest(store, { kind: 'minute', files: [writeLines(tmp.dir, 'bad-m.csv', [MINUTE_HEADER, ...lines])] });
      const rej = (await rejects()).filter((r) => r.line === 5);
      expect(rej.map((r) => `${r.code}:${r.field}`)).toContain(`${c.code}:${c.field}`);
      expect(s.rejected).toBe(1);
      expect(s.inserted).toBe(50);
    });
  }

  it('rejects a minute bar outside the session and on the afternoon of a last trading day', async () => {
    const lines = [MINUTE_HEADER, ...minuteLines('T2503', '2025-03-13', { interval: 5 }), ...minuteLines('T2503', '2025-03-14', { interval: 5 })];
    lines.push('T2503,2025-03-13 15:20,108.5,108.505,108.495,108.5,10,1085000,120000');
    const s = await ingest(store, { kind: 'minute', files: [writeLines(tmp.dir, 'm.csv', lines)], maxRejectShare: 1 });
    // 27 afternoon bars on the last day + the 15:20 bar
    expect(s.rejectsByCode).toEqual({ outside_session: 28 });
    expect(s.inserted).toBe(51 + 24);
    const reasons = (await rejects()).map((r) => r.reason);
    expect(reasons.some((r) => /last trading day of T2503: morning only/.test(r))).toBe(true);
  });
});

describe('ingest: duplicates and order', () => {
  it('collapses identical duplicates and rejects conflicting ones naming both lines', async () => {
    const lines = dailyCsv(dailyRows());
    lines.splice(3, 0, lines[2]!.replace(/,(\d+)$/, ',999')); // line 3's key again on line 4, other OI
    lines.push(lines[1]!); // identical copy of line 2, late in the file: collapses, not out of order
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'dups.csv', lines)] });
    expect(s.collapsed).toBe(1);
    expect(s.rejectsByCode).toEqual({ duplicate_conflict: 2 });
    const rej = await rejects();
    expect(rej.map((r) => r.line)).toEqual([3, 4]);
    expect(rej[0]!.reason).toMatch(/T2503 2025-01-03 appears again with different values on line 4/);
    expect(rej[1]!.reason).toMatch(/on line 3/);
    expect(s.inserted).toBe(14);
  });

  it('collapses and rejects duplicates across files of one ingest, naming the other file', async () => {
    const rows = dailyCsv(dailyRows());
    const a = writeLines(tmp.dir, 'a.csv', rows.slice(0, 8));
    const b = writeLines(tmp.dir, 'b.csv', [rows[0]!, rows[6]!, rows[7]!.replace(/,(\d+)$/, ',1'), ...rows.slice(8)]);
    const s = await ingest(store, { kind: 'daily', files: [a, b] });
    expect(s.collapsed).toBe(1); // a.csv line 7 again in b.csv
    expect(s.rejectsByCode).toEqual({ duplicate_conflict: 2 }); // a.csv line 8 vs b.csv line 3
    const reasons = (await rejects()).map((r) => r.reason);
    expect(reasons.some((r) => r.includes('b.csv:line 3'))).toBe(true);
    expect(s.inserted).toBe(14);
  });

  it('rejects a bar stamped back in time but keeps an adjacent swap', async () => {
    const bars = minuteLines('T2503', '2025-01-02', { interval: 5 });
    const swapped = [...bars];
    [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!]; // 10:05 before 10:00: a swap
    // 10:25 again after 15:15 with other values: back in time, not a swap
    const lines = [MINUTE_HEADER, ...swapped, bars[10]!.replace(/,(\d+)$/, ',1')];
    const s = await ingest(store, { kind: 'minute', files: [writeLines(tmp.dir, 'order.csv', lines)] });
    expect(s.rejectsByCode).toEqual({ out_of_order: 1 });
    expect((await rejects())[0]!.line).toBe(53);
    expect(s.inserted).toBe(51);
  });
});

describe('ingest: all or nothing', () => {
  it('leaves the store unchanged when a failure is injected after bars were written', async () => {
    const first = writeLines(tmp.dir, 'first.csv', dailyCsv(dailyRows().filter((r) => r.date <= '2025-01-03')));
    await ingest(store, { kind: 'daily', files: [first] });
    const before = await snapshot(store);
    const rows = dailyRows();
    rows[0]!.close = 108.6; // an update to an existing bar
    const file = writeLines(tmp.dir, 'all.csv', dailyCsv(rows));
    let wrote = false;
    await expect(
      ingest(store, {
        kind: 'daily',
        files: [file],
        replace: true,
        onPhase: async (p) => {
          if (p !== 'log') return;
          wrote = (await store.scalar<number>('SELECT count(*) FROM bars_daily')) === rows.length;
          throw new Error('injected crash');
        },
      }),
    ).rejects.toThrow('injected crash');
    expect(wrote).toBe(true); // the failure came after the bars were in
    expect(await snapshot(store)).toEqual(before);
  });

  it('writes nothing when one of several files is unreadable, and names it', async () => {
    const good = writeLines(tmp.dir, 'good.csv', dailyCsv(dailyRows()));
    const before = await snapshot(store);
    await expect(ingest(store, { kind: 'daily', files: [good, `${tmp.dir}/missing.csv`] })).rejects.toThrow(/missing\.csv: no such file/);
    const broken = writeLines(tmp.dir, 'broken.csv', ['symbol,date,close', 'T2503,2025-01-02,108.5,1,2,3,4']);
    await expect(ingest(store, { kind: 'daily', files: [good, broken] })).rejects.toThrow(/broken\.csv/);
    expect(await snapshot(store)).toEqual(before);
  });

  it('aborts when rejects pass the allowed share', async () => {
    const rows = dailyRows().map((r, i) => (i % 2 === 0 ? { ...r, volume: -1 } : r));
    const file = writeLines(tmp.dir, 'bad.csv', dailyCsv(rows));
    await expect(ingest(store, { kind: 'daily', files: [file] })).rejects.toThrow(/8 of 15 rows rejected .* nothing was written/);
    expect(await store.scalar<number>('SELECT count(*) FROM bars_daily')).toBe(0);
    const s = await ingest(store, { kind: 'daily', files: [file], maxRejectShare: 0.6 });
    expect(s.inserted).toBe(7);
  });

  it('changes nothing when the same file is ingested again', async () => {
    const rows = dailyRows();
    rows[2]!.volume = -3;
    const file = writeLines(tmp.dir, 'same.csv', dailyCsv(rows));
    await ingest(store, { kind: 'daily', files: [file] });
    const before = await snapshot(store, ['bars_daily', 'rejects', 'instruments']);
    const again: IngestSummary = await ingest(store, { kind: 'daily', files: [file] });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: rows.length - 1, rejected: 1 });
    const after = await snapshot(store, ['bars_daily', 'rejects', 'instruments']);
    expect(after.bars_daily).toEqual(before.bars_daily);
    expect(after.instruments).toEqual(before.instruments);
    // the file's rejects are replaced, not piled up (only the ingest id moves)
    expect(JSON.parse(after.rejects!).map((r: { ingest_id: number }) => ({ ...r, ingest_id: 0 }))).toEqual(
      JSON.parse(before.rejects!).map((r: { ingest_id: number }) => ({ ...r, ingest_id: 0 })),
    );
  });
});

describe('ingest: updates', () => {
  it('rewrites only the minute bar that changed when a corrected file comes in with replace', async () => {
    const bars = minuteLines('T2503', '2025-01-02', { interval: 5 });
    await ingest(store, { kind: 'minute', files: [writeLines(tmp.dir, 'v1.csv', [MINUTE_HEADER, ...bars])] });
    const fixed = [...bars];
    fixed[7] = fixed[7]!.replace(/,(\d+)$/, ',123456');
    const file = writeLines(tmp.dir, 'v2.csv', [MINUTE_HEADER, ...fixed]);
    // without replace the corrected bar is a conflict with the store, and nothing changes
    const refused = await ingest(store, { kind: 'minute', files: [file] });
    expect(refused).toMatchObject({ inserted: 0, updated: 0, unchanged: 50, rejected: 1, rejectsByCode: { store_conflict: 1 } });
    const s = await ingest(store, { kind: 'minute', files: [file], replace: true });
    expect(s).toMatchObject({ inserted: 0, updated: 1, unchanged: 50, changedFields: { open_interest: 1 } });
    expect(await store.scalar<number>('SELECT count(*) FROM bars_minute')).toBe(51);
    expect(await store.scalar<number>(`SELECT open_interest FROM bars_minute WHERE ts = '2025-01-02 10:10'`)).toBe(123456);
  });
});

describe('reject messages', () => {
  it('reads like a sentence a person can act on', () => {
    expect(rejectReason({ field: 'low', code: 'ohlc_order', value: '101.37', detail: 'above open 101.2' })).toBe('low: 101.37 above open 101.2');
    expect(rejectReason({ field: 'date', code: 'not_trading_day', value: '2025-01-04', detail: 'a Saturday' })).toBe('date: 2025-01-04 is not a CFFEX trading day (a Saturday)');
  });
});

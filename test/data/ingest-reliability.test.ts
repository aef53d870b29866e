// Ingest reliability: a file never silently blanks or overwrites what the store holds, a bar
// cannot come from the future or from past the known calendar, and odd files (header only, not
// UTF-8, NaN prices) get one clear error or reject each.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataStatus, ingest, rejectReason, Store } from '../../src/data/index.js';
import { BftError } from '../../src/errors.js';
import { dayNumber, isoDate, isWeekend } from '../../src/market/calendar.js';
import { listedContracts } from '../../src/market/contracts.js';
import { HOLIDAYS_KNOWN } from '../../src/market/holidays.js';
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

interface RejectRow {
  line: number;
  field: string;
  code: string;
  reason: string;
}
async function rejects(): Promise<RejectRow[]> {
  return store.all<RejectRow & Record<string, unknown>>('SELECT line, field, code, reason FROM rejects ORDER BY line, code, field');
}

/** The rows as a Chinese vendor export without 前结算价 (pre_settle) and 成交额 (amount). */
function chineseLines(rows: readonly DailyRow[]): string[] {
  return ['代码,日期,开盘价,最高价,最低价,收盘价,结算价,成交量,持仓量'].concat(
    rows.map((r) => `${r.symbol},${r.date.replaceAll('-', '')},${r.open},${r.high},${r.low},${r.close},${r.settle},${r.volume},${r.open_interest}`),
  );
}

/** The rows as a generic file without amount and pre_settle. */
function shortLines(rows: readonly DailyRow[]): string[] {
  return ['symbol,date,open,high,low,close,settle,volume,open_interest'].concat(
    rows.map((r) => `${r.symbol},${r.date},${r.open},${r.high},${r.low},${r.close},${r.settle},${r.volume},${r.open_interest}`),
  );
}

const storedBar = (contract: string, date: string): Promise<Record<string, unknown> | undefined> =>
  store.one(`SELECT open, high, low, close, settle, pre_settle, volume, amount, open_interest FROM bars_daily WHERE contract = $1 AND trade_date = $2`, [contract, date]);

describe('ingest: a file changes only the fields it carries', () => {
  it('re-ingesting the bars from a file without amount and pre_settle keeps the stored values', async () => {
    const rows = dailyRows();
    await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'full.csv', dailyCsv(rows))] });
    const before = await snapshot(store, ['bars_daily']);
    const zh = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'zh.csv', chineseLines(rows))] });
    expect(zh).toMatchObject({ inserted: 0, updated: 0, unchanged: rows.length, rejected: 0, changedFields: {}, filledFields: {} });
    const generic = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'short.csv', shortLines(rows))] });
    expect(generic).toMatchObject({ inserted: 0, updated: 0, unchanged: rows.length, rejected: 0 });
    expect(await snapshot(store, ['bars_daily'])).toEqual(before);
    expect((await storedBar('T2509', '2025-01-08'))!['amount']).toBe(Number(rows[14]!.amount));
  });

  it('rejects a value that differs from the stored one, naming each field, and keeps the stored bar', async () => {
    const rows = dailyRows();
    await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'full.csv', dailyCsv(rows))] });
    const before = await snapshot(store, ['bars_daily']);
    const changed = rows.map((r) => ({ ...r }));
    changed[10]!.close = Number(changed[10]!.close) + 0.005; // line 12 of the file
    changed[10]!.open_interest = 7;
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'short.csv', shortLines(changed))] });
    expect(s).toMatchObject({ inserted: 0, updated: 0, unchanged: rows.length - 1, rejected: 1, rejectsByCode: { store_conflict: 1 } });
    const rej = await rejects();
    expect(rej.map((r) => [r.line, r.field, r.code])).toEqual([
      [12, 'close', 'store_conflict'],
      [12, 'open_interest', 'store_conflict'],
    ]);
    const key = `${rows[10]!.symbol} ${rows[10]!.date}`;
    expect(rej[0]!.reason).toBe(rejectReason({ field: 'close', code: 'store_conflict', value: String(changed[10]!.close), detail: `${rows[10]!.close} ${key}` }));
    expect(await snapshot(store, ['bars_daily'])).toEqual(before);
  });

  it('counts store conflicts in the reject share', async () => {
    const rows = dailyRows();
    await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'full.csv', dailyCsv(rows))] });
    const before = await snapshot(store);
    const changed = rows.map((r) => ({ ...r, open_interest: Number(r.open_interest) + 1 }));
    await expect(ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'oi.csv', dailyCsv(changed))] })).rejects.toThrow(/15 of 15 rows rejected .* open_interest: .* differs from the stored/);
    expect(await snapshot(store)).toEqual(before);
  });

  it('with replace, overwrites only the carried fields and counts the changes per field', async () => {
    const rows = dailyRows();
    await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'full.csv', dailyCsv(rows))] });
    const changed = rows.map((r) => ({ ...r }));
    changed[10]!.close = Number(changed[10]!.close) + 0.005;
    changed[11]!.settle = Number(changed[11]!.settle) + 0.005;
    changed[11]!.volume = 1;
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'zh.csv', chineseLines(changed))], replace: true });
    expect(s).toMatchObject({ inserted: 0, updated: 2, unchanged: rows.length - 2, rejected: 0, changedFields: { close: 1, settle: 1, volume: 1 }, filledFields: {} });
    const bar = await storedBar(rows[10]!.symbol, rows[10]!.date);
    expect(bar).toMatchObject({ close: changed[10]!.close, amount: Number(rows[10]!.amount), pre_settle: rows[10]!.pre_settle });
  });

  it('fills stored NULLs as updates, without conflict', async () => {
    const rows = dailyRows();
    await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'short.csv', shortLines(rows))] });
    expect((await storedBar('T2503', '2025-01-02'))!['amount']).toBeNull();
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'full.csv', dailyCsv(rows))] });
    expect(s).toMatchObject({ inserted: 0, updated: rows.length, unchanged: 0, rejected: 0, changedFields: {}, filledFields: { amount: rows.length, pre_settle: rows.length } });
    expect((await storedBar('T2503', '2025-01-02'))!['amount']).toBe(Number(rows[0]!.amount));
  });

  it('minute bars: a file without amount keeps the stored amount; a changed price is a conflict', async () => {
    const header = 'symbol,datetime,open,high,low,close,volume,amount,open_interest';
    const bars = ['09:35', '09:40', '09:45'].map((t, i) => `T2503,2025-01-02 ${t},108.5,108.51,108.49,108.5,${10 + i},${(10 + i) * 1_085_000},120000`);
    await ingest(store, { kind: 'minute', files: [writeLines(tmp.dir, 'm.csv', [header, ...bars])], intervalMin: 5 });
    const before = await snapshot(store, ['bars_minute']);
    const noAmount = bars.map((b) => b.split(',').filter((_, i) => i !== 7).join(','));
    const same = await ingest(store, { kind: 'minute', files: [writeLines(tmp.dir, 'm2.csv', ['symbol,datetime,open,high,low,close,volume,open_interest', ...noAmount])], intervalMin: 5 });
    expect(same).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect(await snapshot(store, ['bars_minute'])).toEqual(before);
    const f = noAmount[1]!.split(',');
    f[5] = '108.505'; // close
    noAmount[1] = f.join(',');
    const clash = await ingest(store, { kind: 'minute', files: [writeLines(tmp.dir, 'm3.csv', ['symbol,datetime,open,high,low,close,volume,open_interest', ...noAmount])], intervalMin: 5, maxRejectShare: 1 });
    expect(clash.rejectsByCode).toEqual({ store_conflict: 1 });
    expect((await rejects())[0]!.reason).toMatch(/^close: 108.505 differs from the stored 108.5 \(T2503 2025-01-02 09:40; /);
    expect(await snapshot(store, ['bars_minute'])).toEqual(before);
  });
});

describe('ingest: dates the calendar cannot vouch for', () => {
  it('rejects bars dated after today (Asia/Shanghai, injectable)', async () => {
    const rows = dailyRows();
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'd.csv', dailyCsv(rows))], today: '2025-01-07', maxRejectShare: 1 });
    expect(s.rejectsByCode).toEqual({ future_date: 3 });
    expect((await rejects())[0]!.reason).toBe(rejectReason({ field: 'date', code: 'future_date', value: '2025-01-08', detail: '2025-01-07' }));
    expect((await dataStatus(store)).products[0]!.lastDate).toBe('2025-01-07');
  });

  it('rejects a bar from 2099 (contract T9903) by the clock, and keeps the status to real dates', async () => {
    const lines = [...dailyCsv(dailyRows()), 'T9903,2099-01-05,108.5,108.6,108.4,108.5,108.5,108.5,10,10850000,100'];
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'd.csv', lines)] });
    expect(s.rejectsByCode).toEqual({ future_date: 1 });
    expect((await dataStatus(store)).products[0]!.lastDate).toBe('2025-01-08');
    expect(await store.scalar<number>(`SELECT count(*) FROM instruments WHERE contract = 'T9903'`)).toBe(0);
  });

  it('rejects a weekday past the end of the known holiday calendar', async () => {
    let d = dayNumber(HOLIDAYS_KNOWN.to) + 1;
    while (isWeekend(d)) d++;
    const contract = listedContracts('T', d)[0]!.code;
    const lines = [...dailyCsv(dailyRows()), `${contract},${isoDate(d)},108.5,108.6,108.4,108.5,108.5,108.5,10,10850000,100`];
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'd.csv', lines)], today: isoDate(d + 400) });
    expect(s.rejectsByCode).toEqual({ calendar_unknown: 1 });
    const rej = await rejects();
    expect(rej).toHaveLength(1);
    expect(rej[0]!.reason).toBe(rejectReason({ field: 'date', code: 'calendar_unknown', value: isoDate(d), detail: `holidays known to ${HOLIDAYS_KNOWN.to}` }));
  });

  it('says why a contract code is impossible: a delivery month outside Mar/Jun/Sep/Dec, a listing after the bar', async () => {
    const lines = [
      ...dailyCsv(dailyRows()),
      'T2504,2025-01-06,108.5,108.6,108.4,108.5,108.5,108.5,10,10850000,100',
      'T9903,2025-01-06,108.5,108.6,108.4,108.5,108.5,108.5,10,10850000,100',
    ];
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'd.csv', lines)], today: '2025-01-08' });
    expect(s.rejectsByCode).toEqual({ bad_symbol: 1, not_listed: 1 });
    const rej = await rejects();
    expect(rej[0]!.reason).toBe(rejectReason({ field: 'symbol', code: 'bad_symbol', value: 'T2504', detail: '04' }));
    expect(rej[0]!.reason).toMatch(/delivery month 04/);
    expect(rej[1]!.reason).toMatch(/^date: 2025-01-06 is outside the contract's trading life \(T9903 lists 2098-/);
  });

  it('refuses a malformed today', async () => {
    const file = writeLines(tmp.dir, 'd.csv', dailyCsv(dailyRows()));
    await expect(ingest(store, { kind: 'daily', files: [file], today: '2025-13-01' })).rejects.toMatchObject({ code: 'bad_option' });
  });
});

describe('ingest: odd files', () => {
  it('a header-only file is an error naming the file, and nothing is written', async () => {
    const before = await snapshot(store);
    const a = writeLines(tmp.dir, 'a.csv', [dailyCsv([])[0]!]);
    const b = writeLines(tmp.dir, 'b.csv', [dailyCsv([])[0]!]);
    const err = await ingest(store, { kind: 'daily', files: [a, b] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BftError);
    expect(err).toMatchObject({ code: 'no_data' });
    expect((err as BftError).message).toMatch(/a\.csv, .*b\.csv: no data rows/);
    expect(await snapshot(store)).toEqual(before);
    // with data in another file, the empty one is just a file with no rows
    const s = await ingest(store, { kind: 'daily', files: [a, writeLines(tmp.dir, 'c.csv', dailyCsv(dailyRows()))] });
    expect(s.inserted).toBe(15);
  });

  it('an empty file is an error naming it', async () => {
    const file = join(tmp.dir, 'empty.csv');
    writeFileSync(file, '');
    await expect(ingest(store, { kind: 'daily', files: [file] })).rejects.toMatchObject({ code: 'no_data', message: expect.stringMatching(/empty\.csv: the file is empty/) });
  });

  it('a GBK-encoded file is named as not UTF-8, with the line and an iconv hint', async () => {
    // 代码,日期,开盘价,最高价,最低价,收盘价,结算价,成交量,持仓量 in GB18030
    const header = Buffer.from('b4fac2eb2cc8d5c6da2cbfaac5ccbcdb2cd7eeb8dfbcdb2cd7eeb5cdbcdb2ccad5c5ccbcdb2cbde1cbe3bcdb2cb3c9bdbbc1bf2cb3d6b2d6c1bf', 'hex');
    const file = join(tmp.dir, 'gbk.csv');
    writeFileSync(file, Buffer.concat([header, Buffer.from('\nT2503,20250102,108.5,108.6,108.4,108.5,108.5,100,120000\n')]));
    const err = await ingest(store, { kind: 'daily', files: [file] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'file_unreadable' });
    const msg = (err as BftError).message;
    expect(msg).toMatch(/gbk\.csv: not UTF-8 text \(line 1 .*GBK\/GB18030\)/);
    expect(msg).toContain('iconv -f GB18030 -t UTF-8');
    expect(msg).not.toMatch(/CSV Error/);
    // a bad byte further down is found by its line too
    const late = join(tmp.dir, 'late.csv');
    writeFileSync(late, Buffer.concat([Buffer.from(`${dailyCsv(dailyRows()).slice(0, 3).join('\n')}\nT2503,20250107,108.5,`), Buffer.from('c4da', 'hex'), Buffer.from('\n')]));
    await expect(ingest(store, { kind: 'daily', files: [late] })).rejects.toThrow(/late\.csv: not UTF-8 text \(line 4 /);
  });

  it('NaN and infinite prices are one parse reject each, not tick or limit breaks', async () => {
    const rows = dailyRows();
    rows[1]!.close = 'nan';
    rows[2]!.high = 'inf';
    rows[3]!.open = 'NaN';
    rows[4]!.low = '-Infinity';
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'nan.csv', dailyCsv(rows))], maxRejectShare: 1 });
    expect(s.rejectsByCode).toEqual({ parse: 4 });
    const rej = await rejects();
    expect(rej.map((r) => [r.line, r.field])).toEqual([
      [3, 'close'],
      [4, 'high'],
      [5, 'open'],
      [6, 'low'],
    ]);
    expect(rej[0]!.reason).toBe(rejectReason({ field: 'close', code: 'parse', value: 'nan', detail: 'a finite number' }));
  });

  it('NaN in a typed column (Parquet DOUBLE, a typed minute read) is a parse reject too', async () => {
    const rows = dailyRows();
    const csv = writeLines(tmp.dir, 'src.csv', dailyCsv(rows));
    const pq = join(tmp.dir, 'bars.parquet');
    await store.run(`COPY (SELECT * REPLACE (CASE WHEN symbol = 'T2506' AND date = DATE '2025-01-03' THEN 'nan'::DOUBLE ELSE close END AS close) FROM read_csv('${csv}')) TO '${pq}' (FORMAT parquet)`);
    const s = await ingest(store, { kind: 'daily', files: [pq] });
    expect(s.rejectsByCode).toEqual({ parse: 1 });
    expect((await rejects())[0]).toMatchObject({ line: 7, field: 'close' });

    const header = 'symbol,datetime,open,high,low,close,volume,amount,open_interest';
    const bars = ['09:35', '09:40', '09:45', '09:50', '09:55'].map((t) => `T2503,2025-01-02 ${t},108.5,108.51,108.49,108.5,10,10850000,120000`);
    bars[2] = bars[2]!.replace(',108.49,108.5,', ',108.49,nan,');
    const m = await ingest(store, { kind: 'minute', files: [writeLines(tmp.dir, 'm.csv', [header, ...bars])], maxRejectShare: 1 });
    expect(m.rejectsByCode).toEqual({ parse: 1 });
    expect(m.inserted).toBe(4);
  });

  it('counts rejects by row in the summary, as data status does', async () => {
    const rows = dailyRows();
    rows[3]!.high = Number(rows[3]!.low) - 0.005; // below open, close and low: three ohlc_order rejects, one row
    const s = await ingest(store, { kind: 'daily', files: [writeLines(tmp.dir, 'o.csv', dailyCsv(rows))] });
    expect((await rejects()).filter((r) => r.code === 'ohlc_order').length).toBeGreaterThan(1);
    expect(s.rejectsByCode).toEqual({ ohlc_order: 1 });
    expect((await dataStatus(store)).rejects.map((r) => [r.code, r.rows])).toEqual([['ohlc_order', 1]]);
  });
});

describe('reject messages for the store and the calendar', () => {
  it('read like sentences a person can act on', () => {
    expect(rejectReason({ field: 'close', code: 'store_conflict', value: '101.2', detail: '101.25 T2509 2025-05-19' })).toBe(
      'close: 101.2 differs from the stored 101.25 (T2509 2025-05-19; ingest with --replace to overwrite)',
    );
    expect(rejectReason({ field: 'date', code: 'future_date', value: '2099-01-05', detail: '2025-05-20' })).toBe('date: 2099-01-05 is in the future (today is 2025-05-20 in Asia/Shanghai)');
    expect(rejectReason({ field: 'close', code: 'parse', value: 'inf', detail: 'a finite number' })).toBe('close: cannot read "inf" as a finite number');
  });
});

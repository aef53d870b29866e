import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, Store } from '../../src/data/index.js';
import { dayNumber } from '../../src/market/calendar.js';
import { lastTradingDay, listedContracts, listingDay, parseContract } from '../../src/market/contracts.js';
import { barEndMinutes } from '../../src/market/sessions.js';
import { specFor } from '../../src/market/specs.js';
import { DEFAULT_DESIGN, DESIGNS, writeSynthMarket, type SynthFiles, type SynthOptions } from '../../src/synth/index.js';
import { tempDir } from '../helpers/fixtures.js';
import { groupBy, onTick, productOf, readDaily, readMinute, type DailyBar, type MinuteBar } from './read.js';

// Two short runs that cross the hard dates: a June expiry and listing, the 2020-07-20 move of the
// open to 09:30 (1-minute bars), and TS's tick change on 2023-11-07 with TL listed (5-minute bars).
const RUN_A: SynthOptions = { from: '2020-06-01', to: '2020-07-31', seed: 7, products: ['TS', 'TF', 'T', 'TL'], signal: 'minute', minute: 'all', intervalMin: 1 };
const RUN_B: SynthOptions = { from: '2023-10-25', to: '2023-12-15', seed: 8, products: ['TS', 'TF', 'T', 'TL'], signal: 'minute', minute: 'all', intervalMin: 5 };

let tmp: ReturnType<typeof tempDir>;
let a: SynthFiles;
let b: SynthFiles;
beforeAll(async () => {
  tmp = tempDir('bft-synth-');
  a = await writeSynthMarket(RUN_A, `${tmp.dir}/a`);
  b = await writeSynthMarket(RUN_B, `${tmp.dir}/b`);
});
afterAll(() => tmp.cleanup());

const bytes = (p: string): Buffer => readFileSync(p);

describe('a seeded market', () => {
  it('gives the same bytes for the same options and other bytes for another seed', async () => {
    const again = await writeSynthMarket(RUN_A, `${tmp.dir}/a2`);
    expect(bytes(again.dailyCsv).equals(bytes(a.dailyCsv))).toBe(true);
    expect(bytes(again.minuteCsv!).equals(bytes(a.minuteCsv!))).toBe(true);
    expect(bytes(again.truthJson).equals(bytes(a.truthJson))).toBe(true);
    const other = await writeSynthMarket({ ...RUN_A, seed: 8 }, `${tmp.dir}/a3`);
    expect(bytes(other.dailyCsv).equals(bytes(a.dailyCsv))).toBe(false);
    expect(bytes(other.minuteCsv!).equals(bytes(a.minuteCsv!))).toBe(false);
  });

  it('writes the same daily file whichever contracts get intraday rows', async () => {
    const none = await writeSynthMarket({ ...RUN_A, minute: 'none' }, `${tmp.dir}/a-none`);
    const active = await writeSynthMarket({ ...RUN_A, minute: 'active' }, `${tmp.dir}/a-active`);
    expect(none.minuteCsv).toBeNull();
    expect(none.minuteRows).toBe(0);
    expect(bytes(none.dailyCsv).equals(bytes(a.dailyCsv))).toBe(true);
    expect(bytes(active.dailyCsv).equals(bytes(a.dailyCsv))).toBe(true);
    expect(active.minuteRows).toBeLessThan(a.minuteRows);
  });

  it('reports the rows it wrote', () => {
    expect(readDaily(a.dailyCsv).length).toBe(a.dailyRows);
    expect(readMinute(a.minuteCsv!).length).toBe(a.minuteRows);
  });
});

/**
 * Collects broken rules instead of calling expect per row (hundreds of thousands of rows): the
 * test then asserts the list is empty, showing the first few.
 */
class Problems {
  readonly list: string[] = [];
  ok(cond: boolean, what: string): void {
    if (!cond && this.list.length < 20) this.list.push(what);
  }
}

/** Every rule a daily row must keep. */
function checkDaily(rows: readonly DailyBar[], opts: SynthOptions, P: Problems): void {
  const ok = P.ok.bind(P);
  const first = dayNumber(opts.from);
  // Three listed contracts of every launched product, every trading day, with the right codes.
  for (const [date, day] of groupBy(rows, (r) => r.date)) {
    for (const p of opts.products) {
      const expected = listedContracts(p, dayNumber(date)).map((c) => c.code).join(' ');
      const got = day.filter((r) => productOf(r.symbol) === p).map((r) => r.symbol).join(' ');
      ok(got === expected, `${p} ${date}: contracts ${got}, expected ${expected}`);
    }
  }
  for (const [symbol, series] of groupBy(rows, (r) => r.symbol)) {
    const c = parseContract(symbol)!;
    const listed = listingDay(c);
    const ltd = lastTradingDay(c);
    let traded = listed < first; // listed before the run: assume it has traded
    let prev: DailyBar | null = null;
    for (const r of series) {
      const where = `${symbol} ${r.date}`;
      const day = dayNumber(r.date);
      const spec = specFor(c.product, r.date)!;
      const tick = spec.tick;
      ok(Number.isInteger(r.volume) && r.volume >= 0, `${where} volume ${r.volume}`);
      ok(Number.isInteger(r.oi) && r.oi >= 0, `${where} open interest ${r.oi}`);
      ok(Number.isInteger(r.amount) && r.amount >= 0, `${where} amount ${r.amount}`);
      if (prev) ok(r.raw[7] === prev.raw[6], `${where} pre_settle ${r.raw[7]} is not the previous settle ${prev.raw[6]}`);
      else if (day === listed) ok(onTick(r.preSettle, tick), `${where} listing benchmark ${r.preSettle} off the tick`);
      // the limit is doubled until the contract has traded (its listing day included)
      const lim = spec.limit * (traded ? 1 : 2) * r.preSettle + 1e-9;
      const inBand = (x: number): boolean => Math.abs(x - r.preSettle) <= lim;
      ok(onTick(r.settle, tick) && inBand(r.settle) && r.settle > 0, `${where} settle ${r.settle}`);
      ok(onTick(r.close, tick) && r.close > 0, `${where} close ${r.close}`);
      if (r.volume > 0) {
        traded = true;
        const { open, high, low, close } = r as { open: number; high: number; low: number; close: number };
        for (const x of [open, high, low, close]) {
          ok(onTick(x, tick), `${where} ${x} off the ${tick} tick`);
          ok(inBand(x), `${where} ${x} outside ${spec.limit} of ${r.preSettle}`);
          ok(x > 0, `${where} price ${x}`);
        }
        ok(low <= Math.min(open, close) && high >= Math.max(open, close), `${where} OHLC order`);
        // amount in CNY: volume x an average price x multiplier
        const avg = r.amount / (r.volume * spec.multiplier);
        ok(avg >= low - 1e-9 && avg <= high + 1e-9, `${where} amount / volume / multiplier = ${avg}`);
      } else {
        ok(r.raw.slice(2, 5).join('') === '' && r.amount === 0, `${where} no trade, yet open/high/low/amount given`);
        if (prev && day !== ltd) ok(r.oi === prev.oi, `${where} open interest moved without trades`);
      }
      if (prev && day !== ltd) ok(Math.abs(r.oi - prev.oi) <= r.volume, `${where} open interest moved more than the volume`);
      if (day === ltd) ok(r.oi === 0, `${where} open interest ${r.oi} after the last trading day's delivery`);
      prev = r;
    }
  }
}

/** Intraday rules, and the daily bar as the exact aggregate of its bars. */
function checkMinute(bars: readonly MinuteBar[], daily: readonly DailyBar[], opts: SynthOptions, P: Problems): void {
  const ok = P.ok.bind(P);
  const dailyBy = new Map(daily.map((r) => [`${r.symbol}|${r.date}`, r]));
  const groups = groupBy(bars, (m) => `${m.symbol}|${m.date}`);
  for (const [key, day] of groups) {
    const d = dailyBy.get(key);
    if (!d) {
      ok(false, `${key}: intraday bars without a daily row`);
      continue;
    }
    const c = parseContract(d.symbol)!;
    const spec = specFor(c.product, d.date)!;
    const last = dayNumber(d.date) === lastTradingDay(c);
    const sessions = last ? spec.lastDaySessions : spec.sessions;
    // The whole session grid, END-stamped, in order; the morning only on the last trading day.
    ok(day.map((m) => m.minute).join() === barEndMinutes(sessions, opts.intervalMin).join(), `${key}: stamps off the session grid`);
    const tick = spec.tick;
    for (const m of day) {
      const where = `${key} ${m.raw[1]}`;
      for (const x of [m.open, m.high, m.low, m.close]) {
        ok(onTick(x, tick) && x > 0, `${where} price ${x}`);
        ok(Math.abs(x - d.preSettle) <= 2 * spec.limit * d.preSettle, `${where} ${x} outside the band`);
      }
      ok(m.low <= Math.min(m.open, m.close) && m.high >= Math.max(m.open, m.close), `${where} OHLC order`);
      ok(m.volume >= 0 && m.amount >= 0 && m.oi >= 0, `${where} negative volume, amount or open interest`);
      if (m.volume === 0) ok(m.open === m.close && m.high === m.close && m.low === m.close && m.amount === 0, `${where} no trade but not flat`);
    }
    ok(d.open === day[0]!.open, `${key} open`);
    ok(d.close === day[day.length - 1]!.close, `${key} close`);
    ok(d.high === Math.max(...day.map((m) => m.high)), `${key} high`);
    ok(d.low === Math.min(...day.map((m) => m.low)), `${key} low`);
    ok(d.volume === day.reduce((s, m) => s + m.volume, 0), `${key} volume`);
    ok(d.amount === day.reduce((s, m) => s + m.amount, 0), `${key} amount`);
    ok(d.oi === day[day.length - 1]!.oi, `${key} open interest`);
    // Settle: the last hour's volume-weighted price, on the tick (inside the band).
    const end = sessions[sessions.length - 1]!.close;
    const lh = day.filter((m) => m.minute > end - 60);
    const lhVol = lh.reduce((s, m) => s + m.volume, 0);
    const vwap = lhVol > 0 ? lh.reduce((s, m) => s + m.amount, 0) / (lhVol * spec.multiplier) : d.amount / (d.volume * spec.multiplier);
    ok(Math.abs(d.settle - vwap) <= tick / 2 + 1e-9, `${key} settle ${d.settle} vs last-hour vwap ${vwap}`);
  }
  // Under --minute all, every contract-day with trades has bars and none without.
  for (const d of daily) ok(groups.has(`${d.symbol}|${d.date}`) === d.volume > 0, `${d.symbol} ${d.date}: bars iff trades`);
}

describe('generated rows', () => {
  it('keep tick, limit band, OHLC order and listing rules across an expiry and the 2020-07-20 session change', () => {
    const daily = readDaily(a.dailyCsv);
    const P = new Problems();
    checkDaily(daily, RUN_A, P);
    checkMinute(readMinute(a.minuteCsv!), daily, RUN_A, P);
    expect(P.list).toEqual([]);
    // the run does cross the hard dates
    expect(daily.some((r) => r.symbol === 'T2006' && r.date === '2020-06-12')).toBe(true);
    expect(daily.find((r) => r.symbol === 'T2103')!.date).toBe('2020-06-15');
  });

  it('keep them at 5-minute bars across TS tick change on 2023-11-07 and a December expiry', () => {
    const daily = readDaily(b.dailyCsv);
    const P = new Problems();
    checkDaily(daily, RUN_B, P);
    checkMinute(readMinute(b.minuteCsv!), daily, RUN_B, P);
    expect(P.list).toEqual([]);
    expect(daily.some((r) => r.symbol.startsWith('TS') && r.date >= '2023-11-07' && r.volume > 0 && !onTick(r.close, 0.005))).toBe(true);
  });

  // The other designs move volume between bars (keeping its sum) or lean the path inside an hour of
  // the afternoon (keeping its ends): every rule holds for them as well.
  it.each(DESIGNS.filter((d) => d !== DEFAULT_DESIGN))('keep every rule under --design %s, at 1- and 5-minute bars', async (design) => {
    for (const run of [RUN_A, RUN_B]) {
      const opts = { ...run, design };
      const f = await writeSynthMarket(opts, `${tmp.dir}/rules-${design}-${run.intervalMin}`);
      const daily = readDaily(f.dailyCsv);
      const P = new Problems();
      checkDaily(daily, opts, P);
      checkMinute(readMinute(f.minuteCsv!), daily, opts, P);
      expect(P.list, `${design} at ${run.intervalMin} min`).toEqual([]);
    }
  });

  it('have no-trade days in thin deferred contracts, written as the exchange does', () => {
    const daily = [...readDaily(a.dailyCsv), ...readDaily(b.dailyCsv)];
    const quiet = daily.filter((r) => r.volume === 0);
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.length).toBeLessThan(daily.length * 0.1);
  });

  it('load through ingest without a single reject', async () => {
    const store = await Store.open(':memory:');
    try {
      const d = await ingest(store, { kind: 'daily', files: [a.dailyCsv] });
      expect(d.rejected, JSON.stringify(d.samples)).toBe(0);
      const m = await ingest(store, { kind: 'minute', files: [a.minuteCsv!] });
      expect(m.rejected, JSON.stringify(m.samples)).toBe(0);
      expect(m.files[0]!.intervalMin).toBe(1);
    } finally {
      store.close();
    }
  });
});

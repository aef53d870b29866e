// The synthetic treasury-futures market: seeded, deterministic, written as CSV files in the
// generic layout and loaded through the same ingest as vendor files.
//
// What it is (all constants in market.ts):
// - Calendar: CFFEX trading days (src/market/calendar.ts), each product from its launch, three
//   quarterly contracts listed, specs (tick, limit, sessions) in force on each date.
// - Regimes: a Markov chain over bull / bear / sideways, staying with probability 0.97 / 0.97 /
//   0.96 a day. The common yield level moves -0.5 / +0.5 / 0 bp a day in them, with 2.2 bp noise;
//   a slope factor (0.8 bp) loads -0.6 / -0.2 / +0.2 / +0.5 on TS / TF / T / TL, plus 0.5 bp own
//   noise. A fair price follows -duration x yield change (1.9 / 4.5 / 8 / 18 years).
// - Contracts: price = fair x exp(-0.0008 x months to delivery) x a small own noise. Open interest
//   sits in the front contract until ~5 weeks before its last trading day and crosses to the next
//   one 17 trading days before it (a logistic in days to expiry); volume follows open interest;
//   thin deferred contracts often do not trade (open/high/low empty, close = settle, as CFFEX files
//   show).
// - Intraday: bars on the session grid of the day (morning only on a contract's last trading
//   day), a Brownian bridge from the open to the close, U-shaped volume; the daily bar is the exact
//   aggregate of its minute bars, settle = the last hour's volume-weighted price. Prices are
//   rounded to the tick in force and kept inside the limit band around the previous settle
//   (doubled until a contract first trades).
// - Planted truth: see SIGNAL in market.ts. Under --signal minute, day t's last-hour return
//   (14:15-15:15) of every contract with minute bars carries a hidden z(t) and day t+1's return
//   has 0.25 x z(t) daily s.d. added; under --signal none nothing links t to t+1. truth.json
//   records the design, every day's regime, and the link as measured on the generated bars.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoDate, tradingDays } from '../market/calendar.js';
import { lastTradingDay, listedContracts, listingDay } from '../market/contracts.js';
import { barEndMinutes, formatMinute } from '../market/sessions.js';
import { LAUNCH, PRODUCTS, specFor, type Product } from '../market/specs.js';
import { AsciiCsvWriter } from './ascii-writer.js';
import { lastHourBars, makeDay, type DayBars } from './bars.js';
import { dailySd, frontShare, PRODUCT_MODEL, SIGNAL, simulateDays, STAY, type Regime } from './market.js';
import { childRng } from './rng.js';

export interface SynthOptions {
  /** First date, ISO (default 2016-01-01). */
  readonly from: string;
  /** Last date, ISO (default 2025-12-31). */
  readonly to: string;
  readonly seed: number;
  readonly products: readonly Product[];
  /** Planted truth: a weak minute-bar signal for the next day, or none at all. */
  readonly signal: 'none' | 'minute';
  /** Contracts with minute bars: the two with most open interest each day, every listed one, or none. */
  readonly minute: 'none' | 'active' | 'all';
  /** Minute bar interval (1, 3, 5 or 15). */
  readonly intervalMin: number;
}

export const DEFAULT_SYNTH: SynthOptions = {
  from: '2016-01-01',
  to: '2025-12-31',
  seed: 42,
  products: PRODUCTS,
  signal: 'minute',
  minute: 'active',
  intervalMin: 1,
};

export interface SynthFiles {
  readonly dailyCsv: string;
  readonly minuteCsv: string | null;
  readonly truthJson: string;
  readonly dailyRows: number;
  readonly minuteRows: number;
}

export interface SignalCheck {
  readonly product: Product;
  readonly pairs: number;
  /** Correlation of day t's last-hour log return with day t+1's close-to-close log return (same contract). */
  readonly correlation: number;
  /** Share of days where their signs agree. */
  readonly hitRate: number;
}

/** 'HH:MM' for every minute of the day, so rows do not format times again. */
const CLOCK: readonly string[] = Array.from({ length: 24 * 60 + 1 }, (_, m) => formatMinute(m));

interface ContractState {
  prevClose: number;
  preSettle: number;
  traded: boolean;
  oi: number;
}

/** Trading days after days[i] up to and including `until` (estimated past the end of the range). */
function tradingDaysUntil(days: readonly number[], i: number, until: number): number {
  let lo = i;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! <= until) lo = mid + 1;
    else hi = mid;
  }
  const inRange = lo - i - 1;
  const last = days[days.length - 1]!;
  return until > last ? inRange + Math.round(((until - last) * 5) / 7) : inRange;
}

function decimals(tick: number): number {
  return tick >= 0.01 ? 2 : 3;
}

function corr(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 3) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

export function checkOptions(o: SynthOptions): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.from) || !/^\d{4}-\d{2}-\d{2}$/.test(o.to) || o.from > o.to) {
    throw new RangeError(`synth dates: expected --from <= --to as YYYY-MM-DD, got ${o.from} .. ${o.to}`);
  }
  if (![1, 3, 5, 15].includes(o.intervalMin)) throw new RangeError(`synth --interval ${o.intervalMin}: expected 1, 3, 5 or 15`);
}

/** Generates the market into `outDir` (daily.csv, minute.csv, truth.json). */
export async function writeSynthMarket(opts: SynthOptions, outDir: string, onProgress?: (done: number, total: number) => void): Promise<SynthFiles> {
  checkOptions(opts);
  mkdirSync(outDir, { recursive: true });
  const days = tradingDays(opts.from, opts.to);
  const products = PRODUCTS.filter((p) => opts.products.includes(p));
  const state = simulateDays(opts.seed, days.length, products, opts.signal);
  const rng = childRng(opts.seed, 'bars');
  const daily = new AsciiCsvWriter(join(outDir, 'daily.csv'), 'symbol,date,open,high,low,close,settle,pre_settle,volume,amount,open_interest');
  const minute = opts.minute === 'none' ? null : new AsciiCsvWriter(join(outDir, 'minute.csv'), 'symbol,datetime,open,high,low,close,volume,amount,open_interest');
  const contracts = new Map<string, ContractState>();
  const regimes: Regime[] = [];
  // For the signal check: per product, yesterday's main contract, its last-hour return and close.
  const pending = new Map<Product, { contract: string; lh: number; close: number }>();
  const pairs = new Map<Product, { x: number[]; y: number[] }>(products.map((p) => [p, { x: [], y: [] }]));

  for (let i = 0; i < days.length; i++) {
    const day = days[i]!;
    const date = isoDate(day);
    const s = state[i]!;
    regimes.push(s.regime);
    for (const p of products) {
      if (date < LAUNCH[p]) continue;
      const spec = specFor(p, date)!;
      const listed = listedContracts(p, day);
      if (listed.length === 0) continue;
      const model = PRODUCT_MODEL[p];
      const sd = dailySd(p);
      const dec = decimals(spec.tick);
      const front = listed[0]!;
      const share = frontShare(tradingDaysUntil(days, i, lastTradingDay(front)));
      const shares = listed.length === 3 ? [share * 0.98, (1 - share) * 0.98, 0.02] : listed.map((_, k) => (k === 0 ? share : 1 - share));
      const ois = shares.map((x) => Math.max(0, Math.round(s.totalOi[p] * x)));
      const active = new Set(
        listed
          .map((c, k) => ({ c, oi: ois[k]! }))
          .sort((a, b) => b.oi - a.oi)
          .slice(0, opts.minute === 'all' ? 3 : 2)
          .map((x) => x.c.code),
      );
      let main: { code: string; oi: number } | null = null;
      const yesterday = pending.get(p);
      let today: { contract: string; lh: number; close: number } | null = null;
      for (const [k, c] of listed.entries()) {
        const monthsOut = (c.year - Number(date.slice(0, 4))) * 12 + c.month - Number(date.slice(5, 7));
        const basis = Math.exp(-0.0008 * monthsOut);
        let st = contracts.get(c.code);
        if (!st) {
          // listing benchmark: yesterday's fair value on the tick grid
          const bench = Math.round((Math.round((s.fair[p] * basis * Math.exp(-s.ret[p])) / spec.tick) * spec.tick) * 1e6) / 1e6;
          st = { prevClose: bench, preSettle: bench, traded: false, oi: 0 };
          contracts.set(c.code, st);
        }
        const oi = ois[k]!;
        const expected = oi * model.turnover * Math.exp(0.3 * rng.normal() - 0.045);
        const volume = expected >= 5 ? Math.round(expected) : rng.next() < expected / 5 ? 1 + Math.floor(rng.next() * 4) : 0;
        const limit = spec.limit * (st.traded && day > listingDay(c) ? 1 : 2);
        const lastDay = day === lastTradingDay(c);
        if (volume === 0) {
          const settle = Math.round(Math.min(Math.max(s.fair[p] * basis, st.preSettle * (1 - limit)), st.preSettle * (1 + limit)) * 1e4) / 1e4;
          const close = st.prevClose;
          daily.text(`${c.code},${date},,,,${close.toFixed(dec)},${settle},${st.preSettle},0,0,${oi}`).end();
          st.preSettle = settle;
          st.oi = oi;
          continue;
        }
        const withMinutes = minute !== null && active.has(c.code);
        const ends = withMinutes ? barEndMinutes(lastDay ? spec.lastDaySessions : spec.sessions, opts.intervalMin) : [];
        const bars: DayBars = makeDay(
          {
            tick: spec.tick,
            limit,
            multiplier: spec.multiplier,
            preSettle: st.preSettle,
            prevClose: st.prevClose,
            targetClose: s.fair[p] * basis * Math.exp(0.05 * sd * rng.normal()),
            dailySd: sd,
            volume,
            prevOi: st.oi || oi,
            oi,
            barEnds: ends,
            z: s.z[p],
          },
          rng,
        );
        daily.text(`${c.code},${date},${bars.open.toFixed(dec)},${bars.high.toFixed(dec)},${bars.low.toFixed(dec)},${bars.close.toFixed(dec)},${bars.settle},${st.preSettle},${volume},${bars.amount},${oi}`).end();
        if (withMinutes && minute) {
          const prefix = `${c.code},${date} `;
          for (let j = 0; j < ends.length; j++) {
            const px = (bars.mHigh[j]! + bars.mLow[j]! + bars.mClose[j]!) / 3;
            minute.text(prefix).text(CLOCK[ends[j]!]!).comma();
            minute.fixed(bars.mOpen[j]!, dec).comma().fixed(bars.mHigh[j]!, dec).comma().fixed(bars.mLow[j]!, dec).comma().fixed(bars.mClose[j]!, dec).comma();
            minute.int(bars.mVolume[j]!).comma().int(bars.mVolume[j]! * px * spec.multiplier).comma().int(bars.mOi[j]!);
            minute.end();
          }
          if (!lastDay && (!main || oi > main.oi)) main = { code: c.code, oi };
        }
        // the signal check: yesterday's main contract, if it traded today too
        if (yesterday && yesterday.contract === c.code) {
          pairs.get(p)!.x.push(yesterday.lh);
          pairs.get(p)!.y.push(Math.log(bars.close / yesterday.close));
        }
        if (withMinutes && main?.code === c.code) {
          const n = ends.length;
          const lastHour = lastHourBars(ends);
          today = { contract: c.code, lh: Math.log(bars.mClose[n - 1]! / bars.mClose[n - 1 - lastHour]!), close: bars.close };
        }
        st.prevClose = bars.close;
        st.preSettle = bars.settle;
        st.traded = true;
        st.oi = oi;
      }
      if (today) pending.set(p, today);
      else pending.delete(p);
    }
    if (onProgress && (i % 50 === 0 || i === days.length - 1)) onProgress(i + 1, days.length);
  }
  daily.close();
  minute?.close();

  const checks: SignalCheck[] = products.map((p) => {
    const { x, y } = pairs.get(p)!;
    let hit = 0;
    for (let i = 0; i < x.length; i++) if (Math.sign(x[i]!) === Math.sign(y[i]!) && x[i] !== 0) hit++;
    return { product: p, pairs: x.length, correlation: corr(x, y), hitRate: x.length ? hit / x.length : Number.NaN };
  });
  const truthJson = join(outDir, 'truth.json');
  const counts = { bull: 0, bear: 0, sideways: 0 };
  for (const r of regimes) counts[r]++;
  writeFileSync(
    truthJson,
    `${JSON.stringify(
      {
        generator: 'bft synth',
        options: opts,
        regimes: { stay: STAY, days: counts, byDate: Object.fromEntries(days.map((d, i) => [isoDate(d), regimes[i]])) },
        plantedSignal:
          opts.signal === 'minute'
            ? {
                feature: `last-hour log return (final ${SIGNAL.lastHourMinutes} minutes, 14:15-15:15) of day t, any contract with minute bars`,
                target: "day t+1's close-to-close log return of the same contract",
                design: `z(t) ~ N(0,1) per product and day; day t's last hour is tilted by ${SIGNAL.tiltSd} x z(t) x daily s.d. (the earlier bars give it back, so open, close and volume are unchanged); day t+1's fair log return gets ${SIGNAL.beta} x z(t) x daily s.d.`,
                invisibleToDailyBars: 'open, close and volume of day t do not depend on z(t); only high/low, which see the whole path, can carry a trace',
                measured: checks,
              }
            : { design: 'none: returns of day t+1 are independent of everything up to day t', measured: checks },
        products: Object.fromEntries(products.map((p) => [p, { ...PRODUCT_MODEL[p], dailySd: dailySd(p) }])),
      },
      null,
      2,
    )}\n`,
  );
  return { dailyCsv: daily.path, minuteCsv: minute?.path ?? null, truthJson, dailyRows: daily.rows, minuteRows: minute?.rows ?? 0 };
}

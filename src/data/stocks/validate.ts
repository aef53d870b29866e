// Row rules of the A-share files (pure): each row becomes a typed record or rejects naming the
// field and the reason (src/data/messages.ts). Daily bars also get their derived fields here: the
// return from the vendor's ex-rights pctChg, turnover as a fraction, float shares from volume and
// turnover, and whether the close sat at the board's price limit (src/market/ashare.ts).

import { dayNumber, holidaysKnown, isTradingDay, isoDateProblem } from '../../market/calendar.js';
import { limitState, limitPrices, priceLimit, stockCodeInfo } from '../../market/ashare.js';
import type { Reject, RejectCode } from '../messages.js';

/** One row of a file as the checks read it. */
export interface RowSource {
  /** The cell as text, trimmed; null when empty or the file has no such column. */
  text(field: string): string | null;
  /** A numeric column's cell: null when empty, NaN when it does not read as a number. */
  number(field: string): number | null;
}

/** A row given as text cells (tests, and files read without typed columns). */
export function textRow(row: Readonly<Record<string, string | null>>): RowSource {
  const text = (f: string): string | null => {
    const v = row[f];
    if (v === null || v === undefined) return null;
    const t = v.trim();
    return t === '' ? null : t;
  };
  return {
    text,
    number: (f) => {
      const t = text(f);
      return t === null ? null : Number.isFinite(Number(t)) ? Number(t) : Number.NaN;
    },
  };
}

export interface StockBarRecord {
  readonly code: string;
  readonly date: string;
  readonly open: number | null;
  readonly high: number | null;
  readonly low: number | null;
  readonly close: number;
  readonly preclose: number | null;
  readonly volume: number | null;
  readonly amount: number | null;
  /** Fraction of the float traded (turn% / 100); null when the vendor gives none (suspended). */
  readonly turnover: number | null;
  /** pctChg / 100; null when not traded. */
  readonly ret: number | null;
  readonly tradable: boolean;
  readonly st: boolean;
  readonly floatShares: number | null;
  readonly peTtm: number | null;
  readonly pbMrq: number | null;
  readonly psTtm: number | null;
  readonly pcfTtm: number | null;
  /** Set by the sequence pass. */
  limitState: -1 | 0 | 1;
  readonly line: number;
}

/** A row's rejects accumulate here; the row is kept only if none was added. */
export class RowCheck {
  readonly rejects: Reject[] = [];
  constructor(
    readonly file: string,
    readonly line: number,
    private readonly row: RowSource,
  ) {}

  reject(field: string, code: RejectCode, value: string | null, detail: string | null = null): void {
    this.rejects.push({ file: this.file, line: this.line, field, code, value, detail });
  }

  /** The cell, trimmed; null when empty or absent. */
  text(field: string): string | null {
    return this.row.text(field);
  }

  /** A number, or null when empty; a reject when it does not parse. */
  num(field: string, required = false): number | null {
    const x = this.row.number(field);
    if (x === null) {
      if (required) this.reject(field, 'missing', null);
      return null;
    }
    if (!Number.isFinite(x)) {
      this.reject(field, 'parse', this.row.text(field), 'a number');
      return null;
    }
    return x;
  }

  /** A 0/1 flag. */
  flag(field: string): boolean {
    const v = this.text(field);
    if (v === '1') return true;
    if (v === '0') return false;
    this.reject(field, v === null ? 'missing' : 'parse', v, '0 or 1');
    return false;
  }

  /** An ISO date from 'YYYY-MM-DD' or 'YYYY/M/D'; null (with a reject when required) otherwise. */
  date(field: string, required = true): string | null {
    const v = this.text(field);
    if (v === null) {
      if (required) this.reject(field, 'missing', null);
      return null;
    }
    const iso = normaliseDate(v);
    if (iso === null) this.reject(field, 'parse', v, 'a date (YYYY-MM-DD)');
    return iso;
  }

  /** A vendor stock code of a known board. */
  code(field = 'code'): string | null {
    const v = this.text(field);
    if (v === null) {
      this.reject(field, 'missing', null);
      return null;
    }
    if (stockCodeInfo(v) === null) {
      this.reject(field, 'bad_stock_code', v);
      return null;
    }
    return v;
  }
}

/** 'YYYY-MM-DD' or 'YYYY/M/D' (the vendor's constituent files) as ISO; null when neither or not a real date. */
export function normaliseDate(v: string): string | null {
  // A file repeats each date once per stock: check each distinct text once.
  const known = DATES.get(v);
  if (known !== undefined) return known;
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(v);
  const iso = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : null;
  const out = iso !== null && isoDateProblem(iso) === null ? iso : null;
  if (DATES.size < 100_000) DATES.set(v, out);
  return out;
}
const DATES = new Map<string, string | null>();

/** Why an ISO date is no trading day of the A-share exchanges, or null when it is one (cached per date). */
function tradingDayProblem(date: string): { code: 'calendar_unknown' | 'not_exchange_day'; detail: string } | null {
  let p = TRADING.get(date);
  if (p === undefined) {
    const day = dayNumber(date);
    p = !holidaysKnown(day) ? { code: 'calendar_unknown', detail: 'see src/market/holidays.ts' } : !isTradingDay(day) ? { code: 'not_exchange_day', detail: new Date(day * 86_400_000).toUTCString().slice(0, 3) } : null;
    TRADING.set(date, p);
  }
  return p;
}
const TRADING = new Map<string, { code: 'calendar_unknown' | 'not_exchange_day'; detail: string } | null>();

/** One daily bar row: its record (limitState not yet set) or null with the row's rejects in `check`. */
export function dailyBar(check: RowCheck): StockBarRecord | null {
  const code = check.code();
  const date = check.date('date');
  const problem = date === null ? null : tradingDayProblem(date);
  if (problem !== null) check.reject('date', problem.code, date, problem.detail);
  const status = check.text('tradestatus');
  const tradable = status === '1';
  if (status !== '0' && status !== '1') check.reject('tradestatus', status === null ? 'missing' : 'parse', status, '1 (traded) or 0 (suspended)');
  const st = check.flag('isST');
  const open = check.num('open');
  const high = check.num('high');
  const low = check.num('low');
  const close = check.num('close', true);
  const preclose = check.num('preclose');
  const volume = check.num('volume');
  const amount = check.num('amount');
  const turn = check.num('turn');
  const pct = check.num('pctChg');
  for (const [f, v] of [['open', open], ['high', high], ['low', low], ['close', close], ['preclose', preclose]] as const) {
    if (v !== null && !(v > 0)) check.reject(f, 'non_positive', String(v));
  }
  for (const [f, v] of [['volume', volume], ['amount', amount], ['turn', turn]] as const) {
    if (v !== null && v < 0) check.reject(f, 'negative', String(v));
  }
  if (tradable) {
    if (pct === null && check.text('pctChg') === null) check.reject('pctChg', 'missing', null, 'the stock traded (tradestatus 1)');
    if (high !== null && low !== null && close !== null && open !== null) {
      if (low > Math.min(open, close) + 1e-9) check.reject('low', 'ohlc_order', String(low), `above min(open, close) ${Math.min(open, close)}`);
      if (high < Math.max(open, close) - 1e-9) check.reject('high', 'ohlc_order', String(high), `below max(open, close) ${Math.max(open, close)}`);
    }
  }
  const valuation = (f: string): number | null => check.num(f);
  const peTtm = valuation('peTTM');
  const pbMrq = valuation('pbMRQ');
  const psTtm = valuation('psTTM');
  const pcfTtm = valuation('pcfNcfTTM');
  if (check.rejects.length > 0 || code === null || date === null || close === null) return null;
  const turnover = turn === null ? null : turn / 100;
  return {
    code,
    date,
    open,
    high,
    low,
    close,
    preclose,
    volume,
    amount,
    turnover,
    ret: tradable && pct !== null ? pct / 100 : null,
    tradable,
    st,
    floatShares: tradable && turnover !== null && turnover > 0 && volume !== null && volume > 0 ? volume / turnover : null,
    peTtm,
    pbMrq,
    psTtm,
    pcfTtm,
    limitState: 0,
    line: check.line,
  };
}

/** Suspended days before a day that is taken as a relisting (no limit): about a quarter. */
export const RELISTING_SUSPENSION_DAYS = 60;

/**
 * The sequence pass over one stock's bars (ascending dates): the limit state of each traded day,
 * and a reject for a close outside the limit band (beyond a fen of slack). The listing date says
 * which bar is the stock's first trading day; without one, a first bar on the file's first date is
 * taken as listed before the data starts, and a later first bar as the listing day.
 */
export function limitPass(bars: StockBarRecord[], file: string, listDate: string | null, firstFileDate: string): Reject[] {
  const rejects: Reject[] = [];
  const info = stockCodeInfo(bars[0]!.code)!;
  const listedBefore = listDate !== null ? listDate < bars[0]!.date : bars[0]!.date <= firstFileDate;
  // Days traded since listing; a stock listed before the data starts is well past its first days.
  let traded = listedBefore ? 1_000 : 0;
  let suspended = 0;
  for (const b of bars) {
    if (!b.tradable) {
      suspended++;
      continue;
    }
    traded++;
    // A stock back from a suspension of a quarter or more is resuming a listing (relisting after
    // a delisting risk, or a major restructuring): its first day trades without a limit.
    const resumed = suspended >= RELISTING_SUSPENSION_DAYS;
    suspended = 0;
    const limit = resumed ? null : priceLimit(info.board, b.date, b.st, traded);
    if (limit === null || b.preclose === null) continue;
    const { up, down } = limitPrices(b.preclose, limit);
    if (b.close > up + 0.0100001 || b.close < down - 0.0100001) {
      rejects.push({ file, line: b.line, field: 'close', code: 'outside_limit', value: String(b.close), detail: `[${down}, ${up}] (${Math.round(limit * 100)}% of the ex-rights preclose ${b.preclose}, ${info.board} board${b.st ? ', ST' : ''})` });
      continue;
    }
    b.limitState = limitState(b.close, b.preclose, limit);
  }
  return rejects;
}

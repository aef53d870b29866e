// Reading the generated CSV files back, for the synth tests.

import { readFileSync } from 'node:fs';

export interface DailyBar {
  symbol: string;
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number;
  settle: number;
  preSettle: number;
  volume: number;
  amount: number;
  oi: number;
  /** The raw text of each field. */
  raw: string[];
}

export interface MinuteBar {
  symbol: string;
  date: string;
  /** Minutes after midnight of the end stamp. */
  minute: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  amount: number;
  oi: number;
  raw: string[];
}

function lines(path: string, header: string): string[] {
  const text = readFileSync(path, 'utf8');
  const all = text.split('\n');
  if (all[0] !== header) throw new Error(`${path}: header ${all[0]}`);
  if (all[all.length - 1] !== '') throw new Error(`${path}: no final newline`);
  return all.slice(1, -1);
}

const num = (s: string): number | null => (s === '' ? null : Number(s));

export function readDaily(path: string): DailyBar[] {
  return lines(path, 'symbol,date,open,high,low,close,settle,pre_settle,volume,amount,open_interest').map((l) => {
    const f = l.split(',');
    return {
      symbol: f[0]!,
      date: f[1]!,
      open: num(f[2]!),
      high: num(f[3]!),
      low: num(f[4]!),
      close: Number(f[5]),
      settle: Number(f[6]),
      preSettle: Number(f[7]),
      volume: Number(f[8]),
      amount: Number(f[9]),
      oi: Number(f[10]),
      raw: f,
    };
  });
}

export function readMinute(path: string): MinuteBar[] {
  return lines(path, 'symbol,datetime,open,high,low,close,volume,amount,open_interest').map((l) => {
    const f = l.split(',');
    const dt = f[1]!;
    return {
      symbol: f[0]!,
      date: dt.slice(0, 10),
      minute: Number(dt.slice(11, 13)) * 60 + Number(dt.slice(14, 16)),
      open: Number(f[2]),
      high: Number(f[3]),
      low: Number(f[4]),
      close: Number(f[5]),
      volume: Number(f[6]),
      amount: Number(f[7]),
      oi: Number(f[8]),
      raw: f,
    };
  });
}

/** Product of a contract code ('T2503' -> 'T'). */
export const productOf = (symbol: string): string => symbol.replace(/\d+$/, '');

/** True when x is a whole number of ticks (to float noise). */
export function onTick(x: number, tick: number): boolean {
  return Math.abs(x / tick - Math.round(x / tick)) < 1e-6;
}

export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** An intraday bar reduced to what the planted features read. */
export interface LightBar {
  minute: number;
  open: number;
  close: number;
  volume: number;
}

/**
 * The intraday bars of the contract-days `keys` ('SYMBOL|YYYY-MM-DD') of a minute file, in file order:
 * a light scan of a file too big to turn into objects row by row.
 */
export function scanMinute(path: string, keys: ReadonlySet<string>): Map<string, LightBar[]> {
  const out = new Map<string, LightBar[]>();
  const text = readFileSync(path, 'utf8');
  let at = text.indexOf('\n') + 1;
  while (at < text.length) {
    const eol = text.indexOf('\n', at);
    const c1 = text.indexOf(',', at);
    const key = `${text.slice(at, c1)}|${text.slice(c1 + 1, c1 + 11)}`;
    if (keys.has(key)) {
      const minute = Number(text.slice(c1 + 12, c1 + 14)) * 60 + Number(text.slice(c1 + 15, c1 + 17));
      const f = text.slice(c1 + 18, eol).split(',');
      const bars = out.get(key) ?? out.set(key, []).get(key)!;
      bars.push({ minute, open: Number(f[0]), close: Number(f[3]), volume: Number(f[4]) });
    }
    at = eol + 1;
  }
  return out;
}

/** Per product, per date: the contract with the most open interest (the nearer one on a tie). */
export function mainContracts(daily: readonly DailyBar[]): Map<string, Map<string, DailyBar>> {
  const out = new Map<string, Map<string, DailyBar>>();
  for (const r of daily) {
    const p = productOf(r.symbol);
    const m = out.get(p) ?? out.set(p, new Map()).get(p)!;
    const cur = m.get(r.date);
    if (!cur || r.oi > cur.oi) m.set(r.date, r);
  }
  return out;
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
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

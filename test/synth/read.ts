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

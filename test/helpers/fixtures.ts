// Small, valid bar files for tests, written to a temp folder, plus helpers to break one row.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/data/store.js';

export function tempDir(prefix = 'bft-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeLines(dir: string, name: string, lines: readonly string[]): string {
  const p = join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

export const DAILY_HEADER = 'symbol,date,open,high,low,close,settle,pre_settle,volume,amount,open_interest';
export const DAYS = ['2025-01-02', '2025-01-03', '2025-01-06', '2025-01-07', '2025-01-08'];
export const T_CONTRACTS = ['T2503', 'T2506', 'T2509'];

export interface DailyRow {
  symbol: string;
  date: string;
  open: number | string;
  high: number | string;
  low: number | string;
  close: number | string;
  settle: number | string;
  pre_settle: number | string;
  volume: number | string;
  amount: number | string;
  open_interest: number | string;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Valid T daily bars: three listed contracts x five trading days, prices on the 0.005 grid. */
export function dailyRows(): DailyRow[] {
  const rows: DailyRow[] = [];
  T_CONTRACTS.forEach((symbol, c) => {
    let pre = 108.5 - 0.2 * c;
    DAYS.forEach((date, d) => {
      const move = [0.05, -0.03, 0.08, -0.02, 0.01][d]!;
      const ref = Math.round(pre * 200) / 200; // nearest price on the 0.005 grid
      const open = r3(ref + 0.01);
      const close = r3(ref + move);
      const high = r3(Math.max(open, close) + 0.04);
      const low = r3(Math.min(open, close) - 0.035);
      const settle = r3(close - 0.002);
      const volume = [50_000, 8_000, 300][c]! + d * 10;
      rows.push({ symbol, date, open, high, low, close, settle, pre_settle: pre, volume, amount: Math.round(volume * close * 10_000), open_interest: [120_000, 60_000, 2_000][c]! + d });
      pre = settle;
    });
  });
  return rows;
}

export function dailyCsv(rows: readonly DailyRow[]): string[] {
  return [DAILY_HEADER, ...rows.map((r) => [r.symbol, r.date, r.open, r.high, r.low, r.close, r.settle, r.pre_settle, r.volume, r.amount, r.open_interest].join(','))];
}

/** Every table's rows, for comparing two states of a store. */
export async function snapshot(store: Store, tables = ['bars_daily', 'bars_minute', 'rejects', 'instruments', 'contract_resolution', 'ingests']): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of tables) {
    const rows = await store.all(`SELECT * FROM ${t} ORDER BY ALL`);
    out[t] = JSON.stringify(rows);
  }
  return out;
}

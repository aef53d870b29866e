// Reads the committed indicator fixtures (test/features/fixtures/*.csv; see scripts/ttr-fixture.R).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DailyBars } from '../../src/features/daily.js';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A CSV with a header row as columns by name; "NA" → NaN, first column kept as strings. */
function readCsv(file: string): { keys: string[]; cols: Map<string, Float64Array> } {
  const lines = readFileSync(dir + file, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const cols = new Map<string, Float64Array>();
  header.slice(1).forEach((h, j) => cols.set(h, Float64Array.from(rows, (r) => (r[j + 1] === 'NA' ? NaN : Number(r[j + 1])))));
  return { keys: rows.map((r) => r[0]!), cols };
}

const dayNumber = (iso: string): number => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000;

/** test/features/fixtures/ohlc.csv as DailyBars (200 days of T, from 2023-09-01). */
export function fixtureBars(): DailyBars {
  const { keys, cols } = readCsv('ohlc.csv');
  const col = (k: string): Float64Array => cols.get(k)!;
  return {
    date: Int32Array.from(keys, dayNumber),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    volume: col('volume'),
    openInterest: col('open_interest'),
  };
}

/** test/features/fixtures/ttr-reference.csv: TTR's values by column name. */
export function ttrReference(): Map<string, Float64Array> {
  return readCsv('ttr-reference.csv').cols;
}

// Number writers for the equity files, on top of CsvBytes (ASCII bytes into a reused buffer):
// signed fixed decimals, prices from cents, money from cents.

import type { CsvBytes } from '../csv.js';

const TWO_53 = 2 ** 53;

/** x with exactly `decimals` decimals, '-' when negative (never '-0.000000'). x must be finite. */
export function writeSigned(w: CsvBytes, x: number, decimals: number): void {
  const scale = 10 ** decimals;
  const a = Math.abs(x);
  const units = Math.round(a * scale);
  if (units === 0) {
    w.fixed(0, decimals, scale);
    return;
  }
  if (x < 0) w.text('-');
  if (units < TWO_53) w.fixed(units, decimals, scale);
  else w.text(a.toFixed(decimals));
}

/** x rounded to `kept` decimals, written with `decimals` (BaoStock's pctChg and turn: 4 kept, 6 written). */
export function writeRoundedSigned(w: CsvBytes, x: number, kept: number, decimals: number): void {
  const units = Math.round(Math.abs(x) * 10 ** kept);
  if (units === 0) {
    w.fixed(0, decimals, 10 ** decimals);
    return;
  }
  if (x < 0) w.text('-');
  w.fixed(units * 10 ** (decimals - kept), decimals, 10 ** decimals);
}

/** A ratio field: 6 decimals, or nothing when NaN or infinite. */
export function writeRatio(w: CsvBytes, x: number): void {
  if (Number.isFinite(x)) writeSigned(w, x, 6);
}

/** A price in cents as CNY with 4 decimals ('12.4700'). */
export function writeCents4(w: CsvBytes, cents: number): void {
  w.fixed(cents * 100, 4, 10_000);
}

/** An amount in cents as CNY with 4 decimals, the last two 0 ('647446166.0000'); exact below 2^53 cents. */
export function writeMoneyCents(w: CsvBytes, cents: number): void {
  const yuan = Math.floor(cents / 100);
  const c = cents - yuan * 100;
  w.uint(yuan).text(c < 10 ? '.0' : '.').uint(c).text('00');
}

/** A whole number (negative allowed) followed by `zeros` decimal zeros ('14932000000.000000'). */
export function writeWhole(w: CsvBytes, x: number, zeros: number): void {
  if (x < 0) w.text('-');
  w.uint(Math.abs(x));
  if (zeros > 0) w.text('.').text('0'.repeat(zeros));
}

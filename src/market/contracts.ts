// Contract codes, delivery months, listing and last trading days.
// A code is product + YYMM of the delivery month: T2503 is the 10-year contract for March 2025.
// Delivery months are Mar/Jun/Sep/Dec; three are listed at a time. The last trading day is the
// second Friday of the delivery month, moved to the next trading day when that is a holiday
// (2016-06-10 and 2019-09-13 were). The expiring contract trades the morning session only on it.
// A new contract lists on the trading day after the expiring one's last trading day.

import { dayNumber, isoDate, onOrAfter, nextTradingDay, weekday } from './calendar.js';
import { FIRST_CONTRACT, isProduct, LAUNCH, type Product } from './specs.js';

export interface ContractCode {
  readonly code: string;
  readonly product: Product;
  readonly year: number;
  /** Delivery month, 3/6/9/12. */
  readonly month: number;
}

const CODE = /^(TS|TF|TL|T)(\d{2})(\d{2})$/;

/** Parses 'T2503' (also 't2503', 'T2503.CFX', 'T2503.CCFX'); null when it is not a valid code. */
export function parseContract(raw: string): ContractCode | null {
  const s = raw.trim().toUpperCase().replace(/\.(CFX|CCFX|CFE|CFFEX)$/, '');
  const m = CODE.exec(s);
  if (!m) return null;
  const product = m[1]!;
  const month = Number(m[3]);
  if (!isProduct(product) || month % 3 !== 0 || month < 3 || month > 12) return null;
  return { code: s, product, year: 2000 + Number(m[2]), month };
}

/**
 * The delivery month of a code shaped like product + YYMM whose month is not a CFFEX delivery
 * month ('T2504' -> 4, 'T2513' -> 13), so a reject can say why the code is impossible; null for
 * a valid code and for anything not shaped like one.
 */
export function offCycleMonth(raw: string): number | null {
  const s = raw.trim().toUpperCase().replace(/\.(CFX|CCFX|CFE|CFFEX)$/, '');
  const m = CODE.exec(s);
  if (!m) return null;
  const month = Number(m[3]);
  return month % 3 !== 0 || month < 3 || month > 12 ? month : null;
}

export function contractCode(product: Product, year: number, month: number): string {
  return `${product}${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}`;
}

/** Ordinal of a delivery month (year*12 + month), to compare contracts of one product. */
export function deliveryOrdinal(c: ContractCode): number {
  return c.year * 12 + c.month;
}

/** Second Friday of a month, as a day number. */
export function secondFriday(year: number, month: number): number {
  const first = dayNumber(`${year}-${String(month).padStart(2, '0')}-01`);
  const toFriday = (5 - weekday(first) + 7) % 7;
  return first + toFriday + 7;
}

/** Last trading day (day number): second Friday of the delivery month, or the next trading day. */
export function lastTradingDay(c: ContractCode): number {
  return onOrAfter(secondFriday(c.year, c.month));
}

export function lastTradingDayIso(code: string): string {
  const c = parseContract(code);
  if (!c) throw new RangeError(`not a treasury-futures contract code: ${code}`);
  return isoDate(lastTradingDay(c));
}

/** The contract expiring in the quarter before `c`. */
function previousQuarter(c: ContractCode): ContractCode {
  const year = c.month === 3 ? c.year - 1 : c.year;
  const month = c.month === 3 ? 12 : c.month - 3;
  return { code: contractCode(c.product, year, month), product: c.product, year, month };
}

export function nextQuarter(c: ContractCode): ContractCode {
  const year = c.month === 12 ? c.year + 1 : c.year;
  const month = c.month === 12 ? 3 : c.month + 3;
  return { code: contractCode(c.product, year, month), product: c.product, year, month };
}

/**
 * Listing day (day number): the trading day after the last trading day of the contract three
 * quarters earlier; the first three contracts of a product all list on its launch day. A code
 * before the product's first contract was never listed: Infinity.
 */
export function listingDay(c: ContractCode): number {
  const first = parseContract(FIRST_CONTRACT[c.product])!;
  const k = deliveryOrdinal(c) - deliveryOrdinal(first);
  if (k < 0) return Number.POSITIVE_INFINITY;
  if (k < 9) return dayNumber(LAUNCH[c.product]);
  const threeBack = previousQuarter(previousQuarter(previousQuarter(c)));
  return nextTradingDay(lastTradingDay(threeBack));
}

/** The contracts listed on a trading day, nearest delivery first. */
export function listedContracts(product: Product, day: number): ContractCode[] {
  if (day < dayNumber(LAUNCH[product])) return [];
  const d = new Date(day * 86_400_000);
  const year = d.getUTCFullYear();
  const month = Math.ceil((d.getUTCMonth() + 1) / 3) * 3;
  let c: ContractCode = { code: contractCode(product, year, month), product, year, month };
  if (lastTradingDay(c) < day) c = nextQuarter(c);
  const out: ContractCode[] = [];
  for (let i = 0; i < 4 && out.length < 3; i++, c = nextQuarter(c)) {
    if (listingDay(c) <= day) out.push(c);
  }
  return out;
}

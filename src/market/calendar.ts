// The CFFEX trading calendar: weekdays that are not Chinese exchange holidays.
// Dates cross module boundaries as ISO strings ('2025-01-03'); inside hot loops we use day
// numbers (days since 1970-01-01), which are plain integers and sort like the dates.

import { HOLIDAYS_BY_YEAR, HOLIDAYS_KNOWN } from './holidays.js';

const MS_PER_DAY = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Why `iso` is not a calendar date written YYYY-MM-DD ('2020-02-30: no such date'), or null when
 * it is one. Every date a user gives (options, configs) is checked by this one function.
 */
export function isoDateProblem(iso: string): string | null {
  const m = ISO.exec(iso);
  if (!m) return `${iso}: not an ISO date (YYYY-MM-DD)`;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12) return `${iso}: no month ${mo}`;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (y < 1000 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return `${iso}: no such date`;
  return null;
}

/** Day number of an ISO date; throws on a malformed or impossible date. */
export function dayNumber(iso: string): number {
  const problem = isoDateProblem(iso);
  if (problem !== null) throw new RangeError(problem);
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / MS_PER_DAY;
}

/** ISO date of a day number. */
export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday .. 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

const holidayDays: ReadonlySet<number> = new Set(
  Object.entries(HOLIDAYS_BY_YEAR).flatMap(([y, mmdd]) => mmdd.map((md) => dayNumber(`${y}-${md}`))),
);
const knownFrom = dayNumber(HOLIDAYS_KNOWN.from);
const knownTo = dayNumber(HOLIDAYS_KNOWN.to);

/** True for a listed exchange holiday (a weekday without trading). */
export function isHoliday(day: number): boolean {
  return holidayDays.has(day);
}

/** True when the holiday table covers this day; outside it only weekends are known closures. */
export function holidaysKnown(day: number): boolean {
  return day >= knownFrom && day <= knownTo;
}

export function isTradingDay(day: number): boolean {
  return !isWeekend(day) && !holidayDays.has(day);
}

export function nextTradingDay(day: number): number {
  let d = day + 1;
  while (!isTradingDay(d)) d++;
  return d;
}

export function previousTradingDay(day: number): number {
  let d = day - 1;
  while (!isTradingDay(d)) d--;
  return d;
}

/** First trading day on or after `day`. */
export function onOrAfter(day: number): number {
  return isTradingDay(day) ? day : nextTradingDay(day);
}

/** Trading days in [from, to], both ISO dates, inclusive. */
export function tradingDays(from: string, to: string): number[] {
  const out: number[] = [];
  const end = dayNumber(to);
  for (let d = dayNumber(from); d <= end; d++) if (isTradingDay(d)) out.push(d);
  return out;
}

/** The holidays in [from, to] (ISO), for writing the calendar into the store. */
export function holidaysBetween(from: string, to: string): string[] {
  const a = dayNumber(from);
  const b = dayNumber(to);
  return [...holidayDays].filter((d) => d >= a && d <= b).sort((x, y) => x - y).map(isoDate);
}

// Intraday session grid and time stamps, in Asia/Shanghai wall-clock time.
//
// Stamping convention in bft: a bar is stamped with its END. The 1-minute bar for 09:30:00-09:31:00
// is stamped 09:31, so a normal day has 120 + 135 = 255 one-minute bars stamped 09:31..11:30 and
// 13:01..15:15, or 51 five-minute bars stamped 09:35..11:30 and 13:05..15:15. Files stamped with the
// bar START (09:30, 13:00, ...) are shifted by one interval at ingest. CFFEX treasury futures have
// no night session, so a bar's trading date is the calendar date of its stamp.

import { DateTime } from 'luxon';
import { sessionMinutes, specFor, type Product, type Session } from './specs.js';

export const MARKET_ZONE = 'Asia/Shanghai';

/** Bar intervals (minutes) that divide every treasury-futures session length (120, 135 and 2h15). */
export function dividesSessions(intervalMin: number, sessions: readonly Session[]): boolean {
  return (
    Number.isInteger(intervalMin) &&
    intervalMin > 0 &&
    sessions.every((s) => (s.close - s.open) % intervalMin === 0)
  );
}

/** End stamps (minutes after midnight) of the bars of a day, in order. */
export function barEndMinutes(sessions: readonly Session[], intervalMin: number): number[] {
  if (!dividesSessions(intervalMin, sessions)) {
    throw new RangeError(`a ${intervalMin}-minute bar does not divide the sessions`);
  }
  const out: number[] = [];
  for (const s of sessions) for (let m = s.open + intervalMin; m <= s.close; m += intervalMin) out.push(m);
  return out;
}

/** Bars in a normal day for a product on a date (255 at 1 minute, 51 at 5 minutes since 2020-07-20). */
export function barsPerDay(product: Product, date: string, intervalMin: number, lastDay = false): number {
  const spec = specFor(product, date);
  if (!spec) throw new RangeError(`${product} did not trade on ${date}`);
  return sessionMinutes(lastDay ? spec.lastDaySessions : spec.sessions) / intervalMin;
}

/** True when an end stamp at `minute` after midnight lies on the bar grid of a session. */
export function onBarGrid(minute: number, sessions: readonly Session[], intervalMin: number): boolean {
  return sessions.some((s) => minute > s.open && minute <= s.close && (minute - s.open) % intervalMin === 0);
}

export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/**
 * Wall-clock stamp 'YYYY-MM-DD HH:MM' in Asia/Shanghai of an instant (a JS Date or epoch ms).
 * Use this for sources that give true instants (UTC or zoned); naive local stamps need no change.
 */
export function shanghaiWallClock(instant: Date | number): string {
  const dt = DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), { zone: MARKET_ZONE });
  return dt.toFormat('yyyy-MM-dd HH:mm');
}

/** Trading date (ISO) of an Asia/Shanghai wall-clock stamp 'YYYY-MM-DD HH:MM[:SS]'. */
export function tradingDateOfStamp(stamp: string): string {
  const dt = DateTime.fromSQL(stamp, { zone: MARKET_ZONE });
  if (!dt.isValid) throw new RangeError(`not a time stamp: ${stamp}`);
  return dt.toISODate()!;
}

/** Minutes after midnight of a wall-clock stamp 'YYYY-MM-DD HH:MM[:SS]'. */
export function minuteOfStamp(stamp: string): number {
  const dt = DateTime.fromSQL(stamp, { zone: MARKET_ZONE });
  if (!dt.isValid) throw new RangeError(`not a time stamp: ${stamp}`);
  return dt.hour * 60 + dt.minute;
}

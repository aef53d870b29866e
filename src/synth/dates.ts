// The date range of a synthetic market, checked once for both markets: real dates, in order, and
// inside the years whose exchange holidays are known.

import { BftError } from '../errors.js';
import { dayNumber } from '../market/calendar.js';
import { HOLIDAYS_KNOWN } from '../market/holidays.js';

/** Throws a one-line BftError 'bad_option' (its message starting with `what`) for a bad range. */
export function checkSynthDates(from: string, to: string, what: string): void {
  const bad = (msg: string): BftError => new BftError('bad_option', `${what}: ${msg}`);
  try {
    dayNumber(from);
    dayNumber(to);
  } catch (e) {
    throw bad(`--from/--to: ${(e as Error).message}`);
  }
  if (from > to) throw bad(`--from ${from} is after --to ${to}`);
  if (from < HOLIDAYS_KNOWN.from || to > HOLIDAYS_KNOWN.to) {
    throw bad(`dates must lie in ${HOLIDAYS_KNOWN.from}..${HOLIDAYS_KNOWN.to}, where the exchange calendar is known (got ${from}..${to})`);
  }
}

// When the desk retrains (pure): a model is made for an evening, from the samples labelled by that
// evening's bars; the schedule says when an evening deserves a new one.

import { dayNumber, isoDate, isTradingDay, nextTradingDay } from '../market/calendar.js';
import type { RetrainEvery } from './config.js';

export interface RetrainSchedule {
  readonly every: RetrainEvery;
  readonly maxAgeDays?: number | undefined;
}

export interface RetrainDecision {
  readonly due: boolean;
  /** One line: why a model is (re)trained, or why the one there still serves. */
  readonly reason: string;
}

/** The period an evening falls in, for `every`: its own day, ISO week, month or quarter. */
export function periodOf(iso: string, every: Exclude<RetrainEvery, 'never'>): string {
  const [y, m] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7))];
  switch (every) {
    case 'day':
      return iso;
    case 'month':
      return iso.slice(0, 7);
    case 'quarter':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'week': {
      // Monday of the week (day 0 of the epoch, 1970-01-01, was a Thursday).
      const d = dayNumber(iso);
      return `week of ${d - ((d + 3) % 7)}`;
    }
  }
}

/** Trading days after `from` up to and including `to` (0 when to <= from). */
export function tradingDaysBetween(from: string, to: string): number {
  let n = 0;
  for (let d = dayNumber(from) + 1, end = dayNumber(to); d <= end; d++) if (isTradingDay(d)) n++;
  return n;
}

/**
 * Whether the evening `asOf` needs a new model, given the newest usable one's last training sample
 * (`trainedThrough`, null: none). A model trained for an evening has its last sample the trading
 * day before it, so the model "belongs" to the evening after its last sample.
 */
export function retrainDue(schedule: RetrainSchedule, trainedThrough: string | null, asOf: string): RetrainDecision {
  if (trainedThrough === null) return { due: true, reason: 'no model yet' };
  const madeFor = isoDate(nextTradingDay(dayNumber(trainedThrough)));
  const age = tradingDaysBetween(trainedThrough, asOf);
  if (schedule.maxAgeDays !== undefined && age > schedule.maxAgeDays) {
    return { due: true, reason: `the model's last sample is ${age} trading days old (${trainedThrough}; at most ${schedule.maxAgeDays})` };
  }
  if (schedule.every === 'never') return { due: false, reason: `retrain never: the model of ${madeFor} serves` };
  const was = periodOf(madeFor, schedule.every);
  const now = periodOf(asOf, schedule.every);
  if (was !== now) return { due: true, reason: `retrain every ${schedule.every}: the model was made for ${madeFor}, this is ${asOf}` };
  return { due: false, reason: `retrain every ${schedule.every}: the model made for ${madeFor} serves until the ${schedule.every} changes` };
}

// Walk-forward fold plans over a dataset's sample dates (pure). Windows are counted in samples
// (trading days that produced a sample), so "750 training days" means 750 labelled samples.
//
// Each fold: [train | gap | validation | gap | test]. Training (and its validation tail, used for
// early stopping only) lies strictly before the test window; the next fold's test window starts
// `stepDays` later. A gap drops `purgeDays + embargoDays` samples at each boundary:
//  - purge: the label of t is the move t -> t+1, so the last `purgeDays` samples before a boundary
//    have labels that overlap the next window's first days (López de Prado, Advances in Financial
//    Machine Learning, ch. 7). purgeDays must be at least the label horizon (1 day).
//  - embargo: further samples dropped because features are serially correlated across the
//    boundary (a 20-day momentum at the first test day shares 19 days with the last training one).
// A plan that would leak (purge shorter than the horizon, overlapping test windows) or cannot be
// laid out on the data is rejected with the reason.

import { dayNumber, isoDate } from '../market/calendar.js';
import { EvalError } from './errors.js';

export type FoldScheme = 'expanding' | 'rolling';

export interface FoldPlanConfig {
  readonly scheme: FoldScheme;
  /** Samples of training before the first test window, validation tail included (rolling: every fold's exact length). */
  readonly trainDays: number;
  /** The last samples of each training window, held out for early stopping. */
  readonly validationDays: number;
  readonly testDays: number;
  /** Samples between the starts of consecutive test windows; at least testDays. */
  readonly stepDays: number;
  readonly purgeDays: number;
  readonly embargoDays: number;
  /** Earliest first test date (ISO, inclusive); default: as soon as trainDays allows. */
  readonly firstTest?: string | undefined;
  /** Last date any test window may include (ISO, inclusive); default: the last sample with a label. */
  readonly lastTest?: string | undefined;
  /** Keep only the last N folds (most recent data), when set. */
  readonly maxFolds?: number | undefined;
}

/** Half-open sample index range [from, to). */
export interface Span {
  readonly from: number;
  readonly to: number;
}

export interface Fold {
  /** 0-based, in time order. */
  readonly index: number;
  readonly train: Span;
  readonly validation: Span;
  readonly test: Span;
}

export interface FoldPlan {
  readonly config: FoldPlanConfig;
  /** Label horizon in samples the purge was checked against. */
  readonly horizon: number;
  readonly folds: readonly Fold[];
}

export class FoldPlanError extends EvalError {
  override readonly name = 'FoldPlanError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super('bad_config', message, field === undefined ? {} : { field });
  }
}

/** The smallest training set (after the validation tail and gap) a fold may fit on. */
export const MIN_TRAIN_SAMPLES = 60;

/**
 * Lays out folds over `dates` (ascending sample dates, days since epoch) whose labels are known
 * for the first `labelled` samples (later ones have no t+1 yet and are never tested).
 */
export function planFolds(dates: Int32Array, labelled: number, cfg: FoldPlanConfig, horizon = 1): FoldPlan {
  checkFoldPlanConfig(cfg, horizon);
  const gap = cfg.purgeDays + cfg.embargoDays;
  const n = Math.min(labelled, dates.length);
  for (let i = 1; i < n; i++) {
    if (dates[i]! <= dates[i - 1]!) throw new FoldPlanError(`sample dates must ascend (index ${i}: ${isoDate(dates[i]!)} after ${isoDate(dates[i - 1]!)})`);
  }
  let end = n;
  if (cfg.lastTest !== undefined) end = upperBound(dates, n, dayNumber(cfg.lastTest));
  // The first test index: after trainDays of training plus the gap before the test window.
  let first = cfg.trainDays + gap;
  if (cfg.firstTest !== undefined) first = Math.max(first, lowerBound(dates, n, dayNumber(cfg.firstTest)));
  if (first + cfg.testDays > end) {
    const earliest = cfg.trainDays + gap + cfg.testDays;
    throw new FoldPlanError(
      `not enough samples for one fold: ${cfg.trainDays} training + ${gap} gap + ${cfg.testDays} test = ${earliest} needed` +
        (first > cfg.trainDays + gap ? ` from the first test date ${cfg.firstTest}` : '') +
        `, ${end} labelled samples available` +
        (n > 0 ? ` (${isoDate(dates[0]!)}..${isoDate(dates[Math.max(0, end - 1)]!)})` : ''),
      'trainDays',
    );
  }
  const folds: Fold[] = [];
  for (let start = first; start + cfg.testDays <= end; start += cfg.stepDays) {
    const test: Span = { from: start, to: start + cfg.testDays };
    const trainEnd = start - gap; // exclusive end of the training window (validation included)
    const trainStart = cfg.scheme === 'rolling' ? Math.max(0, trainEnd - cfg.trainDays) : 0;
    const validation: Span = { from: trainEnd - cfg.validationDays, to: trainEnd };
    const train: Span = { from: trainStart, to: cfg.validationDays > 0 ? validation.from - gap : trainEnd };
    folds.push({ index: folds.length, train, validation, test });
  }
  // A last, shorter test window would test fewer days than asked; the tail is left out, not squeezed.
  const kept = cfg.maxFolds !== undefined && folds.length > cfg.maxFolds ? folds.slice(folds.length - cfg.maxFolds) : folds;
  return { config: cfg, horizon, folds: kept.map((f, index) => ({ ...f, index })) };
}

/** The checks that need no data: leaks (purge, overlapping tests) and windows too small to fit on. */
export function checkFoldPlanConfig(cfg: FoldPlanConfig, horizon = 1): void {
  const int = (field: keyof FoldPlanConfig, min: number): void => {
    const v = cfg[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new FoldPlanError(`${field} must be an integer >= ${min} (got ${String(v)})`, field);
  };
  int('trainDays', 1);
  int('validationDays', 0);
  int('testDays', 1);
  int('stepDays', 1);
  int('purgeDays', 0);
  int('embargoDays', 0);
  if (cfg.maxFolds !== undefined) int('maxFolds', 1);
  if (cfg.scheme !== 'expanding' && cfg.scheme !== 'rolling') throw new FoldPlanError(`scheme must be "expanding" or "rolling" (got ${String(cfg.scheme)})`, 'scheme');
  if (cfg.purgeDays < horizon) {
    throw new FoldPlanError(
      `purgeDays ${cfg.purgeDays} is shorter than the label horizon (${horizon} day): the last training label would be a move inside the next window, a leak`,
      'purgeDays',
    );
  }
  if (cfg.stepDays < cfg.testDays) {
    throw new FoldPlanError(`stepDays ${cfg.stepDays} < testDays ${cfg.testDays}: test windows would overlap and dates be tested twice`, 'stepDays');
  }
  const gap = cfg.purgeDays + cfg.embargoDays;
  const fit = cfg.trainDays - (cfg.validationDays > 0 ? cfg.validationDays + gap : 0);
  if (fit < MIN_TRAIN_SAMPLES) {
    throw new FoldPlanError(
      `trainDays ${cfg.trainDays} leaves ${fit} samples to fit on after the ${cfg.validationDays}-day validation tail and its ${gap}-day gap; at least ${MIN_TRAIN_SAMPLES} are needed`,
      'trainDays',
    );
  }
  for (const field of ['firstTest', 'lastTest'] as const) {
    const v = cfg[field];
    if (v === undefined) continue;
    try {
      dayNumber(v);
    } catch {
      throw new FoldPlanError(`${field} must be a date as YYYY-MM-DD (got ${v})`, field);
    }
  }
  if (cfg.firstTest !== undefined && cfg.lastTest !== undefined && cfg.firstTest > cfg.lastTest) {
    throw new FoldPlanError(`firstTest ${cfg.firstTest} is after lastTest ${cfg.lastTest}`, 'firstTest');
  }
}

/** First index in dates[0..n) with dates[i] >= day. */
function lowerBound(dates: Int32Array, n: number, day: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in dates[0..n) with dates[i] > day. */
function upperBound(dates: Int32Array, n: number, day: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sample indices of a span. */
export function spanIndices(s: Span): Int32Array {
  return Int32Array.from({ length: Math.max(0, s.to - s.from) }, (_, i) => s.from + i);
}

/** One line per fold, with dates: what `bft walk-forward --plan` prints. */
export function describePlan(plan: FoldPlan, dates: Int32Array): string[] {
  const d = (i: number): string => isoDate(dates[i]!);
  const span = (s: Span): string => (s.to > s.from ? `${d(s.from)}..${d(s.to - 1)} (${s.to - s.from})` : '-');
  const c = plan.config;
  const head = `${plan.folds.length} folds, ${c.scheme} training of ${c.trainDays} samples (validation tail ${c.validationDays}), test ${c.testDays} every ${c.stepDays}, purge ${c.purgeDays} + embargo ${c.embargoDays} at each boundary`;
  return [head, ...plan.folds.map((f) => `fold ${String(f.index).padStart(2)}  train ${span(f.train)}  validation ${span(f.validation)}  test ${span(f.test)}`)];
}

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
//
// The 'cpcv' scheme is combinatorial purged cross-validation (López de Prado, ch. 12; the splits
// and paths come from overfit/cpcv.ts): the labelled samples are cut into N groups, every choice
// of k of them is one fold's test set, and the rest, with purgeDays + embargoDays dropped on both
// sides of every test group, its training set. Training then also lies after the test, which is
// why the gap is dropped on both sides. Each group is tested in C(N-1, k-1) folds; the folds'
// predictions assemble into C(N, k) k / N complete backtest paths (evaluate.ts scores each).

import { BftError } from '../../errors.js';
import { dayNumber, isoDate } from '../../market/calendar.js';
import { binomial } from '../stats/combinations.js';
import { cpcvPathCount, cpcvPlan } from '../stats/cpcv.js';

export type FoldScheme = 'expanding' | 'rolling' | 'cpcv';

export type FoldPlanConfig = WindowPlanConfig | CpcvPlanConfig;

/** Walk-forward windows: training strictly before each test window. */
export interface WindowPlanConfig {
  readonly scheme: 'expanding' | 'rolling';
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

/** Combinatorial purged cross-validation over every labelled sample. */
export interface CpcvPlanConfig {
  readonly scheme: 'cpcv';
  /** N: contiguous groups the labelled samples are cut into. */
  readonly groups: number;
  /** k: groups tested together in one fold; C(N, k) folds. */
  readonly testGroups: number;
  /** The last samples of each fold's training set, held out for early stopping. */
  readonly validationDays: number;
  readonly purgeDays: number;
  readonly embargoDays: number;
}

/** At most this many CPCV folds (C(N, k)); each is a model trained per model and seed. */
export const MAX_CPCV_FOLDS = 1000;

/** Half-open sample index range [from, to). */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** A set of sample indices as ascending, disjoint, non-adjacent spans. */
export type Segments = readonly Span[];

export interface Fold {
  /** 0-based, in time order of the first test sample (CPCV: in split order). */
  readonly index: number;
  readonly train: Segments;
  readonly validation: Segments;
  readonly test: Segments;
  /** CPCV: the groups this fold tests. */
  readonly testGroups?: readonly number[];
}

/** How a CPCV plan's folds assemble into backtest paths. */
export interface CpcvPaths {
  /** Group g covers samples [groups[g].from, groups[g].to). */
  readonly groups: readonly Span[];
  /** The first and last sample date of each group (ISO): where a dated prediction's group is found. */
  readonly groupDates: readonly { readonly from: string; readonly to: string }[];
  /** paths[p][g]: the fold whose predictions of group g belong to path p. */
  readonly paths: readonly (readonly number[])[];
}

export interface FoldPlan {
  readonly config: FoldPlanConfig;
  /** Label horizon in samples the purge was checked against. */
  readonly horizon: number;
  readonly folds: readonly Fold[];
  /** Present for the 'cpcv' scheme. */
  readonly cpcv?: CpcvPaths;
}

/** A plan that would leak or cannot be laid out: BftError 'bad_config', naming the setting to change in context.field. */
function planError(message: string, field?: string): BftError {
  return new BftError('bad_config', message, field === undefined ? {} : { field });
}

/** The smallest training set (after the validation tail and gap) a fold may fit on. */
export const MIN_TRAIN_SAMPLES = 60;

/**
 * Lays out folds over `dates` (ascending sample dates, days since epoch) whose labels are known
 * for the first `labelled` samples (later ones have no t+1 yet and are never tested).
 */
export function planFolds(dates: Int32Array, labelled: number, cfg: FoldPlanConfig, horizon = 1): FoldPlan {
  checkFoldPlanConfig(cfg, horizon);
  const n = Math.min(labelled, dates.length);
  for (let i = 1; i < n; i++) {
    if (dates[i]! <= dates[i - 1]!) throw planError(`sample dates must ascend (index ${i}: ${isoDate(dates[i]!)} after ${isoDate(dates[i - 1]!)})`);
  }
  return cfg.scheme === 'cpcv' ? planCpcvFolds(dates, n, cfg, horizon) : planWindowFolds(dates, n, cfg, horizon);
}

function planWindowFolds(dates: Int32Array, n: number, cfg: WindowPlanConfig, horizon: number): FoldPlan {
  const gap = cfg.purgeDays + cfg.embargoDays;
  let end = n;
  if (cfg.lastTest !== undefined) end = upperBound(dates, n, dayNumber(cfg.lastTest));
  // The first test index: after trainDays of training plus the gap before the test window.
  let first = cfg.trainDays + gap;
  if (cfg.firstTest !== undefined) first = Math.max(first, lowerBound(dates, n, dayNumber(cfg.firstTest)));
  if (first + cfg.testDays > end) {
    const earliest = cfg.trainDays + gap + cfg.testDays;
    throw planError(
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
    folds.push({ index: folds.length, train: [train], validation: cfg.validationDays > 0 ? [validation] : [], test: [test] });
  }
  // A last, shorter test window would test fewer days than asked; the tail is left out, not squeezed.
  const kept = cfg.maxFolds !== undefined && folds.length > cfg.maxFolds ? folds.slice(folds.length - cfg.maxFolds) : folds;
  return { config: cfg, horizon, folds: kept.map((f, index) => ({ ...f, index })) };
}

/**
 * CPCV folds over the first n samples. A fold's validation set is the last validationDays of its
 * training samples in time order, with the gap dropped before it; a training set left smaller
 * than MIN_TRAIN_SAMPLES rejects the plan.
 */
function planCpcvFolds(dates: Int32Array, n: number, cfg: CpcvPlanConfig, horizon: number): FoldPlan {
  const gap = cfg.purgeDays + cfg.embargoDays;
  const { groups: N, testGroups: k } = cfg;
  // Each group needs some samples, and the smallest training set its minimum.
  const need = Math.ceil(((MIN_TRAIN_SAMPLES + cfg.validationDays + (cfg.validationDays > 0 ? gap : 0) + 2 * k * gap) * N) / (N - k));
  if (n < Math.max(N, need)) {
    throw planError(
      `not enough samples for CPCV with ${N} groups and ${k} test groups: about ${need} labelled samples needed, ${n} available` + (n > 0 ? ` (${isoDate(dates[0]!)}..${isoDate(dates[n - 1]!)})` : ''),
      'groups',
    );
  }
  const p = cpcvPlan({ samples: n, groups: N, testGroups: k, purge: gap, embargo: gap });
  const folds: Fold[] = p.splits.map((s) => {
    let train: Int32Array = s.train;
    let validation: Int32Array = new Int32Array(0);
    const v = Math.min(cfg.validationDays, train.length);
    if (v > 0) {
      validation = train.subarray(train.length - v);
      const cut = validation[0]! - gap;
      train = train.subarray(0, lowerBound(train, train.length, cut));
    }
    if (train.length < MIN_TRAIN_SAMPLES) {
      throw planError(`CPCV fold ${s.index} (test groups ${s.testGroups.join(', ')}) leaves ${train.length} samples to fit on; at least ${MIN_TRAIN_SAMPLES} are needed (fewer groups, fewer test groups or a shorter validation tail)`, 'groups');
    }
    return { index: s.index, train: segmentsOf(train), validation: segmentsOf(validation), test: segmentsOf(s.test), testGroups: s.testGroups };
  });
  const groups = Array.from({ length: N }, (_, g) => ({ from: p.bounds[g]!, to: p.bounds[g + 1]! }));
  const groupDates = groups.map((g) => ({ from: isoDate(dates[g.from]!), to: isoDate(dates[g.to - 1]!) }));
  return { config: cfg, horizon, folds, cpcv: { groups, groupDates, paths: p.paths } };
}

/** A problem a plan config shows without data: the setting to change (a field of the config) and why. */
export interface PlanConfigIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * Every problem of a plan config that needs no data: settings out of range, leaks (a purge
 * shorter than the horizon, overlapping test windows), windows too small to fit on, too many
 * CPCV folds, a first test after the last. The experiment schema reports each with its path
 * (walkForward.<field>); planFolds refuses the first (checkFoldPlanConfig).
 */
export function foldPlanConfigIssues(cfg: FoldPlanConfig, horizon = 1): PlanConfigIssue[] {
  const issues: PlanConfigIssue[] = [];
  const add = (field: string, message: string): void => {
    issues.push({ field, message });
  };
  // True when the field is an integer in range; later checks that read it run only then.
  const int = (field: string, min: number, max = Number.MAX_SAFE_INTEGER): boolean => {
    const v = (cfg as unknown as Record<string, unknown>)[field];
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return true;
    add(field, `${field} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`} (got ${String(v)})`);
    return false;
  };
  const scheme: string = cfg.scheme;
  if (scheme !== 'expanding' && scheme !== 'rolling' && scheme !== 'cpcv') {
    add('scheme', `scheme must be "expanding", "rolling" or "cpcv" (got ${String(cfg.scheme)})`);
    return issues;
  }
  const validation = int('validationDays', 0);
  const purge = int('purgeDays', 0);
  const embargo = int('embargoDays', 0);
  if (purge && cfg.purgeDays < horizon) {
    add('purgeDays', `purgeDays ${cfg.purgeDays} is shorter than the label horizon (${horizon} day): the last training label would be a move inside the next window, a leak`);
  }
  if (cfg.scheme === 'cpcv') {
    if (!int('groups', 2, 30)) int('testGroups', 1);
    else if (int('testGroups', 1, cfg.groups - 1)) {
      const folds = binomial(cfg.groups, cfg.testGroups);
      if (folds > MAX_CPCV_FOLDS) add('testGroups', `CPCV with ${cfg.groups} groups and ${cfg.testGroups} test groups makes ${folds} folds, more than ${MAX_CPCV_FOLDS}`);
    }
    return issues;
  }
  const train = int('trainDays', 1);
  const test = int('testDays', 1);
  const step = int('stepDays', 1);
  if (cfg.maxFolds !== undefined) int('maxFolds', 1);
  if (test && step && cfg.stepDays < cfg.testDays) {
    add('stepDays', `stepDays ${cfg.stepDays} < testDays ${cfg.testDays}: test windows would overlap and dates be tested twice`);
  }
  if (train && validation && purge && embargo) {
    const gap = cfg.purgeDays + cfg.embargoDays;
    const fit = cfg.trainDays - (cfg.validationDays > 0 ? cfg.validationDays + gap : 0);
    if (fit < MIN_TRAIN_SAMPLES) {
      add('trainDays', `trainDays ${cfg.trainDays} leaves ${fit} samples to fit on after the ${cfg.validationDays}-day validation tail and its ${gap}-day gap; at least ${MIN_TRAIN_SAMPLES} are needed`);
    }
  }
  const dated = (['firstTest', 'lastTest'] as const).map((field) => {
    const v = cfg[field];
    if (v === undefined) return true;
    try {
      dayNumber(v);
      return true;
    } catch {
      add(field, `${field} must be a date as YYYY-MM-DD (got ${v})`);
      return false;
    }
  });
  if (dated.every(Boolean) && cfg.firstTest !== undefined && cfg.lastTest !== undefined && cfg.firstTest > cfg.lastTest) {
    add('firstTest', `firstTest ${cfg.firstTest} is after lastTest ${cfg.lastTest}`);
  }
  return issues;
}

/** The checks that need no data (foldPlanConfigIssues): the first problem as BftError 'bad_config', its setting in context.field. */
export function checkFoldPlanConfig(cfg: FoldPlanConfig, horizon = 1): void {
  const first = foldPlanConfigIssues(cfg, horizon)[0];
  if (first !== undefined) throw planError(first.message, first.field);
}

/** First index in dates[0..n) with dates[i] >= day (any ascending array). */
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

/** Sample indices of segments, ascending. */
export function segmentIndices(segs: Segments): Int32Array {
  const out = new Int32Array(segmentLength(segs));
  let k = 0;
  for (const s of segs) for (let i = s.from; i < s.to; i++) out[k++] = i;
  return out;
}

export function segmentLength(segs: Segments): number {
  return segs.reduce((a, s) => a + Math.max(0, s.to - s.from), 0);
}

/** Ascending indices as runs of consecutive ones. */
export function segmentsOf(indices: Int32Array): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i + 1;
    while (j < indices.length && indices[j] === indices[j - 1]! + 1) j++;
    out.push({ from: indices[i]!, to: indices[j - 1]! + 1 });
    i = j;
  }
  return out;
}

/**
 * A plan read back from a run record. Runs recorded before folds held segments stored one span
 * per window; they read as one segment each (an empty validation span as none).
 */
export function parsePlan(json: string): FoldPlan {
  const raw = JSON.parse(json) as FoldPlan & { folds: (Fold | { index: number; train: Span; validation: Span; test: Span })[] };
  const segs = (x: Span | Segments): Segments => (Array.isArray(x) ? x : (x as Span).to > (x as Span).from ? [x as Span] : []);
  return { ...raw, folds: raw.folds.map((f) => ({ ...f, train: segs(f.train), validation: segs(f.validation), test: segs(f.test) })) };
}

/** One line per fold, with dates: what `bft walk-forward --plan` prints. */
export function describePlan(plan: FoldPlan, dates: Int32Array): string[] {
  const d = (i: number): string => isoDate(dates[i]!);
  const span = (s: Span): string => `${d(s.from)}..${d(s.to - 1)}`;
  const segs = (x: Segments): string => (x.length === 0 ? '-' : `${x.map(span).join(' + ')} (${segmentLength(x)})`);
  const c = plan.config;
  const width = String(plan.folds.length - 1).length;
  if (c.scheme === 'cpcv') {
    const groups = plan.cpcv?.groups ?? [];
    const head = `${plan.folds.length} CPCV folds: ${c.groups} groups, ${c.testGroups} tested per fold, ${cpcvPathCount(c.groups, c.testGroups)} backtest paths; validation tail ${c.validationDays}, purge ${c.purgeDays} + embargo ${c.embargoDays} on both sides of every test group`;
    return [
      head,
      ...groups.map((g, i) => `group ${String(i).padStart(2)}  ${span(g)} (${g.to - g.from})`),
      ...plan.folds.map((f) => `fold ${String(f.index).padStart(width)}  test groups ${(f.testGroups ?? []).join(',')}  train ${segs(f.train)}  validation ${segs(f.validation)}`),
    ];
  }
  const head = `${plan.folds.length} folds, ${c.scheme} training of ${c.trainDays} samples (validation tail ${c.validationDays}), test ${c.testDays} every ${c.stepDays}, purge ${c.purgeDays} + embargo ${c.embargoDays} at each boundary`;
  return [head, ...plan.folds.map((f) => `fold ${String(f.index).padStart(2)}  train ${segs(f.train)}  validation ${segs(f.validation)}  test ${segs(f.test)}`)];
}

/** A segment of a dated plan: first and last sample date (inclusive, ISO) and the sample count. */
export interface DatedSpan {
  readonly from: string;
  readonly to: string;
  readonly samples: number;
}

/** The plan with sample indices turned into dates, as data: what describePlan prints, for --json. */
export interface DatedPlan {
  readonly config: FoldPlanConfig;
  readonly horizon: number;
  /** CPCV: the groups' date ranges, the number of backtest paths and, per path and group, the fold it takes (pathFolds[p][g]). */
  readonly cpcv?: { readonly groups: readonly DatedSpan[]; readonly paths: number; readonly pathFolds: readonly (readonly number[])[] };
  readonly folds: readonly {
    readonly index: number;
    readonly testGroups?: readonly number[];
    readonly train: readonly DatedSpan[];
    readonly validation: readonly DatedSpan[];
    readonly test: readonly DatedSpan[];
  }[];
}

export function datedPlan(plan: FoldPlan, dates: Int32Array): DatedPlan {
  const span = (s: Span): DatedSpan => ({ from: isoDate(dates[s.from]!), to: isoDate(dates[s.to - 1]!), samples: s.to - s.from });
  const c = plan.config;
  return {
    config: c,
    horizon: plan.horizon,
    ...(c.scheme === 'cpcv' ? { cpcv: { groups: (plan.cpcv?.groups ?? []).map(span), paths: cpcvPathCount(c.groups, c.testGroups), pathFolds: plan.cpcv?.paths ?? [] } } : {}),
    folds: plan.folds.map((f) => ({
      index: f.index,
      ...(f.testGroups ? { testGroups: f.testGroups } : {}),
      train: f.train.map(span),
      validation: f.validation.map(span),
      test: f.test.map(span),
    })),
  };
}

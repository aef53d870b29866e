// The no-look-ahead probe on the real pipeline and the real store: for a few sample dates t, the
// dataset is rebuilt from data cut at the close of t, and sample t's inputs must come out the same
// as in the full build. Anything that reads past t (a feature, a scaler, a roll decided later)
// makes them differ, or makes sample t impossible to build.

import type { Store } from '../data/store.js';
import { timingConfigOf } from '../dataset/config.js';
import { buildDataset, type Dataset } from '../dataset/build.js';
import { loadMarket } from '../dataset/load.js';
import { isoDate } from '../market/calendar.js';
import type { ResolvedExperiment } from '../eval/run/experiment.js';

export interface LookaheadFinding {
  readonly date: string;
  /** null: sample t's inputs are the same from data cut at t. */
  readonly problem: string | null;
}

/** Relative tolerance: the ratio back-adjustment rescales the past by float arithmetic. */
const TOLERANCE = 1e-6;

function sameValue(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The first input of sample `k` of `a` that differs from sample `j` of `b`, described, or null. */
export function firstDifference(a: Dataset, k: number, b: Dataset, j: number): string | null {
  const L = a.lookback;
  const Fd = a.dailyNames.length;
  for (let r = 0; r < L; r++) {
    const ra = a.samples.row[k]! - L + 1 + r;
    const rb = b.samples.row[j]! - L + 1 + r;
    for (let f = 0; f < Fd; f++) {
      const x = a.dailyRows[ra * Fd + f]!;
      const y = b.dailyRows[rb * Fd + f]!;
      if (!sameValue(x, y)) return `daily feature ${a.dailyNames[f]} ${L - 1 - r} day(s) before t is ${y} from data cut at t but ${x} from all data`;
    }
  }
  const Fm = a.minuteNames.length;
  const T = a.bars;
  for (let i = 0; i < T * Fm; i++) {
    const x = a.samples.minute[k * T * Fm + i]!;
    const y = b.samples.minute[j * T * Fm + i]!;
    if (!sameValue(x, y)) return `minute feature ${a.minuteNames[i % Fm]} of bar ${Math.floor(i / Fm) + 1} is ${y} from data cut at t but ${x} from all data`;
  }
  if (a.samples.contract[k] !== b.samples.contract[j]) return `the minute channel's contract is ${b.samples.contract[j]} from data cut at t but ${a.samples.contract[k]} from all data`;
  return null;
}

/** Rebuilds the dataset up to each of `dates` (ISO, sample dates of `full`) and compares. */
export async function lookaheadProbe(store: Store, x: ResolvedExperiment, full: Dataset, dates: readonly string[]): Promise<LookaheadFinding[]> {
  const w = x.walkForward;
  const cfg = timingConfigOf(x.dataset, 'the no-look-ahead probe');
  const out: LookaheadFinding[] = [];
  for (const date of dates) {
    const k = full.samples.date.findIndex((d) => isoDate(d) === date);
    if (k < 0) throw new Error(`lookahead probe: ${date} is not a sample date`);
    const market = await loadMarket(store, { product: cfg.product, intervalMin: full.intervalMin ?? undefined, minute: full.intervalMin !== null, to: date, minuteFrom: w.from });
    const cut = buildDataset(market, cfg, { from: w.from, to: date });
    const j = cut.samples.date.findIndex((d) => isoDate(d) === date);
    if (j < 0) {
      const why = cut.dropped.find((d) => d.date === date);
      out.push({ date, problem: `sample ${date} cannot be built from data up to ${date}${why ? ` (${why.kind}: ${why.reason})` : ''}: it reads later data` });
      continue;
    }
    out.push({ date, problem: firstDifference(full, k, cut, j) });
  }
  return out;
}

/** `count` sample dates spread evenly over the test samples of a plan (first and last included). */
export function probeDates(full: Dataset, testIndices: readonly number[], count: number): string[] {
  if (count <= 0 || testIndices.length === 0) return [];
  const m = Math.min(count, testIndices.length);
  const picks = new Set<number>();
  for (let i = 0; i < m; i++) picks.add(testIndices[Math.round((i * (testIndices.length - 1)) / Math.max(1, m - 1))]!);
  return [...picks].sort((a, b) => a - b).map((k) => isoDate(full.samples.date[k]!));
}

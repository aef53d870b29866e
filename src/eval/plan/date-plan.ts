// Fold plans over dates when a date may hold many samples (a cross-section of stocks): windows,
// purges and CPCV groups count dates, never split a date, and each span of dates becomes the
// span of its samples. With one sample per date the plan is planFolds' own, index for index.

import { BftError } from '../../errors.js';
import { isoDate } from '../../market/calendar.js';
import { planFolds, type Fold, type FoldPlan, type FoldPlanConfig, type Segments, type Span } from './folds.js';

/** The distinct dates of ascending sample dates, and where each date's samples start (plus n at the end). */
export function dateIndex(sampleDates: Int32Array): { dates: Int32Array; offsets: Int32Array } {
  const dates: number[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < sampleDates.length; i++) {
    const d = sampleDates[i]!;
    if (i > 0 && d < sampleDates[i - 1]!) {
      throw new BftError('bad_config', `sample dates must ascend (index ${i}: ${isoDate(d)} after ${isoDate(sampleDates[i - 1]!)})`, { field: 'dates' });
    }
    if (i === 0 || d !== sampleDates[i - 1]) {
      dates.push(d);
      offsets.push(i);
    }
  }
  offsets.push(sampleDates.length);
  return { dates: Int32Array.from(dates), offsets: Int32Array.from(offsets) };
}

/**
 * planFolds over the dates of `sampleDates` (ascending, repeats allowed) whose first `labelled`
 * samples have a label; a date counts as labelled when all its samples are.
 */
export function planFoldsOverDates(sampleDates: Int32Array, labelled: number, cfg: FoldPlanConfig, horizon = 1): FoldPlan {
  const { dates, offsets } = dateIndex(sampleDates);
  let labelledDates = 0;
  while (labelledDates < dates.length && offsets[labelledDates + 1]! <= labelled) labelledDates++;
  const plan = planFolds(dates, labelledDates, cfg, horizon);
  if (dates.length === sampleDates.length) return plan;
  const span = (s: Span): Span => ({ from: offsets[s.from]!, to: offsets[s.to]! });
  const segs = (x: Segments): Segments => x.map(span);
  const folds: Fold[] = plan.folds.map((f) => ({ ...f, train: segs(f.train), validation: segs(f.validation), test: segs(f.test) }));
  return { ...plan, folds, ...(plan.cpcv ? { cpcv: { ...plan.cpcv, groups: plan.cpcv.groups.map(span) } } : {}) };
}

// From a dataset to model inputs: robust scalers fit on the training samples only, then the
// scaled daily windows [n x lookback x Fd] and intraday blocks [n x bars x Fm] of any selection.

import type { ChannelArray, InputShapes } from '../models/registry.js';
import type { Dataset } from './build.js';
import { applyScaler, fitScaler, type ScalerState } from './scaler.js';

/** Model inputs, row-major, by channel: the shape models/train.ts takes. */
export interface ModelInputs {
  readonly n: number;
  readonly channels: { readonly daily: ChannelArray; readonly minute: ChannelArray };
  /** Class index per sample; -1 where the next day is not known. */
  readonly y: Int32Array;
}

export interface Scalers {
  readonly daily: ScalerState;
  readonly minute: ScalerState;
}

/** Minute features that are already on a fixed scale: the mask and the clock encodings. */
export const UNSCALED_MINUTE = new Set(['mask', 'tod_sin', 'tod_cos', 'pm']);

/** The channels' per-sample shapes: the daily window and the day's intraday bars. */
export function inputShapes(ds: Pick<Dataset, 'lookback' | 'bars' | 'dailyNames' | 'minuteNames'>): InputShapes {
  return { daily: { steps: ds.lookback, features: ds.dailyNames.length }, minute: { steps: ds.bars, features: ds.minuteNames.length } };
}

/** Fits both scalers on the samples `train` (indices into ds.samples) and nothing else. */
export function fitScalers(ds: Dataset, train: Int32Array): Scalers {
  const L = ds.lookback;
  const Fd = ds.dailyNames.length;
  // Daily rows seen by any training window.
  const seen = new Uint8Array(ds.rowDates.length);
  for (const k of train) for (let r = ds.samples.row[k]! - L + 1; r <= ds.samples.row[k]!; r++) seen[r] = 1;
  const daily = fitScaler(ds.dailyRows, Fd, ds.dailyNames, { clip: ds.config.clip, use: (r) => seen[r] === 1 });
  const T = ds.bars;
  // Masked minute channels (no intraday bars that day) are zeros, not data: they fit nothing.
  const inTrain = new Uint8Array(ds.samples.n);
  for (const k of train) inTrain[k] = ds.samples.hasMinute[k]!;
  const minute = fitScaler(ds.samples.minute, ds.minuteNames.length, ds.minuteNames, {
    clip: ds.config.clip,
    passthrough: UNSCALED_MINUTE,
    use: (r) => inTrain[Math.floor(r / T)] === 1,
  });
  return { daily, minute };
}

/** Scaled inputs of the samples `pick` (indices into ds.samples), in that order. */
export function modelInputs(ds: Dataset, scalers: Scalers, pick: Int32Array): ModelInputs {
  const L = ds.lookback;
  const Fd = ds.dailyNames.length;
  const T = ds.bars;
  const Fm = ds.minuteNames.length;
  const scaledRows = applyScaler(scalers.daily, ds.dailyRows);
  const n = pick.length;
  const daily = new Float32Array(n * L * Fd);
  const minute = new Float32Array(n * T * Fm);
  const y = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const k = pick[s]!;
    const first = ds.samples.row[k]! - L + 1;
    daily.set(scaledRows.subarray(first * Fd, (first + L) * Fd), s * L * Fd);
    // A masked channel stays exact zeros after scaling too (the mask feature 0 says so).
    if (ds.samples.hasMinute[k]) minute.set(applyScaler(scalers.minute, ds.samples.minute.subarray(k * T * Fm, (k + 1) * T * Fm)), s * T * Fm);
    y[s] = ds.samples.label[k]!;
  }
  return { n, channels: { daily: { data: daily, steps: L, features: Fd }, minute: { data: minute, steps: T, features: Fm } }, y };
}

// Small synthetic datasets for the model tests: seeded, tiny, with the label planted in one
// channel and pure noise in the other.

import type { ChannelArray, InputShapes } from '../../src/models/registry.js';
import { SeededRng } from '../../src/models/seed.js';
import type { InputArrays, TrainArrays } from '../../src/models/train.js';

/** The sizes the tests count with: a daily window of `lookback` days, a day of `bars` bars. */
export interface TinyShapes {
  lookback: number;
  dailyFeatures: number;
  bars: number;
  minuteFeatures: number;
}

export const TINY: TinyShapes = { lookback: 6, dailyFeatures: 3, bars: 12, minuteFeatures: 3 };

/** The channel shapes buildModel takes for these sizes. */
export function shapesOf(s: TinyShapes): InputShapes {
  return { daily: { steps: s.lookback, features: s.dailyFeatures }, minute: { steps: s.bars, features: s.minuteFeatures } };
}

/** Training arrays with both channels always present, so tests can reach into them. */
export interface TinyArrays extends TrainArrays {
  channels: { daily: ChannelArray; minute: ChannelArray };
}

function normals(n: number, rng: SeededRng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    // Box-Muller; one value per pair is enough here.
    const u = Math.max(rng.uniform(), 1e-12);
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform());
  }
  return out;
}

/** Noise in both channels, labels all 0 (callers plant their own). */
export function noise(n: number, s: TinyShapes, seed: number): TinyArrays {
  const rng = new SeededRng(seed, 'noise');
  return {
    n,
    channels: {
      daily: { data: normals(n * s.lookback * s.dailyFeatures, rng), steps: s.lookback, features: s.dailyFeatures },
      minute: { data: normals(n * s.bars * s.minuteFeatures, rng), steps: s.bars, features: s.minuteFeatures },
    },
    y: new Int32Array(n),
  };
}

/** Label = sign of feature 0 on the last day of the daily window; the minute channel is noise. */
export function plantedDaily(n: number, s: TinyShapes, seed: number): TinyArrays {
  const x = noise(n, s, seed);
  const d = x.channels.daily;
  for (let i = 0; i < n; i++) {
    const at = (i * s.lookback + s.lookback - 1) * s.dailyFeatures;
    const label = i % 2;
    // Keep a margin from zero so the rule is learnable in a few epochs.
    d.data[at] = (label === 1 ? 1 : -1) * (0.5 + Math.abs(d.data[at]!));
    x.y[i] = label;
  }
  return x;
}

/**
 * Label = sign of the sum of minute feature 0 over the day's bars (the day's intraday drift);
 * the daily channel is noise. Bars are noisy with a drift of alternating sign, so the sum is
 * rarely near zero and the rule is learnable in a few epochs.
 */
export function plantedMinute(n: number, s: TinyShapes, seed: number): TinyArrays {
  const x = noise(n, s, seed);
  const m = x.channels.minute;
  for (let i = 0; i < n; i++) {
    const drift = i % 2 === 1 ? 0.8 : -0.8;
    let sum = 0;
    for (let t = 0; t < s.bars; t++) {
      const at = (i * s.bars + t) * s.minuteFeatures;
      m.data[at] = m.data[at]! + drift;
      sum += m.data[at]!;
    }
    x.y[i] = sum > 0 ? 1 : 0;
  }
  return x;
}

export function withoutLabels(x: TrainArrays): InputArrays {
  const { y: _y, ...inputs } = x;
  void _y;
  return inputs;
}

export function accuracy(proba: Float32Array, y: Int32Array, classes: number): number {
  let hits = 0;
  for (let i = 0; i < y.length; i++) {
    let pred: number;
    if (classes === 2) pred = proba[i]! > 0.5 ? 1 : 0;
    else {
      pred = 0;
      for (let c = 1; c < classes; c++) if (proba[i * classes + c]! > proba[i * classes + pred]!) pred = c;
    }
    if (pred === y[i]) hits++;
  }
  return hits / y.length;
}

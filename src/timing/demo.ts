// The experiment `bft demo` walks forward on the synthetic market: the dual-channel GRU against
// the daily-only GRU and a logistic regression (the traditional factors and buy-and-hold come
// with every evaluation). Every quarterly fold from 2019 (25 folds, 1,575 test days) with one
// seed per fold takes two to three minutes on two cores with 5-minute bars; --full trains
// three seeds per fold and averages them.

import { resolveExperiment, type ResolvedExperiment } from '../eval/run/experiment.js';

// A few raw inputs per channel rather than every indicator the store can feed: on the synthetic
// suite the 16 daily and 11 minute features cost accuracy against these (docs/model-quality.md).
export const DEMO_DAILY_FEATURES = ['ret_1', 'range', 'vol_chg_z'];
export const DEMO_MINUTE_FEATURES = ['ret', 'range', 'vol_share', 'signed_vol', 'mask'];

export function demoExperiment(full: boolean): ResolvedExperiment {
  return resolveExperiment(
    {
      seed: 42,
      backend: 'auto',
      dataset: { product: 'T', lookback: 20, execution: 'close-close', labels: 'binary', dailyFeatures: DEMO_DAILY_FEATURES, minuteFeatures: DEMO_MINUTE_FEATURES },
      models: [{ preset: 'dual-gru' }, { preset: 'daily-gru' }, { preset: 'logit' }],
      train: { epochs: 30, batchSize: 64, learningRate: 0.001, patience: 8, classWeights: 'balanced' },
      walkForward: { scheme: 'expanding', trainDays: 750, validationDays: 120, testDays: 63, purgeDays: 1, seeds: full ? 3 : 1 },
    },
    full ? 'demo-full' : 'demo',
  );
}

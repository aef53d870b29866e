// The experiment `bft demo` walks forward on the synthetic market: the dual-channel GRU against
// the daily-only GRU and a logistic regression (the traditional factors and buy-and-hold come
// with every evaluation), each trained on the samples of all four products at once and scored on
// T. Every quarterly fold from 2019 (25 folds, 1,575 test days of T) with one seed per fold takes
// about five minutes on two cores with 5-minute bars; --full trains three seeds per fold and
// averages them.

import { resolveExperiment, type ResolvedExperiment } from '../eval/run/experiment.js';
import { PRODUCTS, type Product } from '../market/specs.js';
import { POOLED_KIND } from './pooled.js';

// A few raw inputs per channel rather than every indicator the store can feed: on the synthetic
// suite the 16 daily and 11 minute features cost accuracy against these (docs/model-quality.md).
export const DEMO_DAILY_FEATURES = ['ret_1', 'range', 'vol_chg_z'];
export const DEMO_MINUTE_FEATURES = ['ret', 'range', 'vol_share', 'signed_vol', 'mask'];

/**
 * Pooled over `products` (default all four), scored on `score` (default T): on the synthetic
 * suite one model trained on every product's samples beat one trained on T's alone on every
 * design, +0.029 accuracy on average (docs/model-quality.md, "Pooled over products").
 */
export function demoExperiment(full: boolean, products: readonly Product[] = PRODUCTS, score: Product = products.includes('T') ? 'T' : products[0]!): ResolvedExperiment {
  return resolveExperiment(
    {
      seed: 42,
      backend: 'auto',
      dataset: { kind: POOLED_KIND, products: [...products], score, lookback: 20, execution: 'close-close', labels: 'binary', dailyFeatures: DEMO_DAILY_FEATURES, minuteFeatures: DEMO_MINUTE_FEATURES },
      models: [{ preset: 'dual-gru' }, { preset: 'daily-gru' }, { preset: 'logit' }],
      train: { epochs: 30, batchSize: 64, learningRate: 0.001, patience: 8, classWeights: 'balanced' },
      walkForward: { scheme: 'expanding', trainDays: 750, validationDays: 120, testDays: 63, purgeDays: 1, seeds: full ? 3 : 1 },
    },
    full ? 'demo-full' : 'demo',
  );
}

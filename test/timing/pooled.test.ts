// The pooled futures kind: several products' samples in one dataset, each built exactly as the
// single-product kind builds it, ordered by date, trained together and scored on one product.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/data/store.js';
import { buildDataset } from '../../src/dataset/build.js';
import { fitScalers, modelInputs } from '../../src/dataset/inputs.js';
import { loadMarket } from '../../src/dataset/load.js';
import { resolveExperiment } from '../../src/eval/run/experiment.js';
import { readPredictions } from '../../src/eval/run/runs.js';
import { segmentIndices } from '../../src/eval/plan/folds.js';
import { planOf, scoreRun, walkForward, walkForwardDataset } from '../../src/eval/run/walkforward.js';
import { POOLED_KIND, pooledConfigOf, productPlan, type PooledConfig, type PooledDataset } from '../../src/timing/pooled.js';
import type { EvaluationFigures } from '../../src/timing/finish.js';
import { tempDir } from '../helpers/fixtures.js';
import { synthStore } from '../helpers/market.js';

let store: Store;
let tmp: ReturnType<typeof tempDir>;
beforeAll(async () => {
  store = await synthStore();
  tmp = tempDir('bft-pooled-');
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

const DATASET = { kind: POOLED_KIND, products: ['TF', 'T'], score: 'T', lookback: 5, dailyFeatures: ['ret_1', 'range', 'vol_chg_z'], minuteFeatures: ['ret', 'range', 'vol_share', 'signed_vol', 'mask'] };

function experiment(over: Record<string, unknown> = {}) {
  return resolveExperiment(
    {
      seed: 5,
      backend: 'wasm',
      dataset: DATASET,
      models: [{ preset: 'logit' }, { preset: 'dual-gru', units: 4, head: [4], dropout: 0 }],
      train: { epochs: 2, batchSize: 32, patience: 0 },
      walkForward: { trainDays: 75, validationDays: 10, testDays: 12, purgeDays: 1, maxFolds: 3 },
      ...over,
    },
    'pooled-tiny',
  );
}

describe('futures timing pooled over products', () => {
  it('holds every product sample as its own dataset builds it, ordered by date, inputs unchanged', async () => {
    const x = experiment();
    const { dataset } = await walkForwardDataset(store, x);
    const ds = dataset as PooledDataset;
    expect(ds.products).toEqual(['TF', 'T']);
    const dates = Array.from(ds.samples.date);
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    const { kind: _k, ...config } = x.dataset as Record<string, unknown>;
    const all = Int32Array.from({ length: ds.samples.n }, (_, k) => k);
    const scalers = fitScalers(ds, all);
    const pooled = modelInputs(ds, scalers, all);
    for (const product of ['TF', 'T'] as const) {
      const market = await loadMarket(store, { product, minute: true });
      const own = buildDataset(market, pooledConfigOf(config as PooledConfig, product));
      const mine = all.filter((k) => ds.productOf[k] === product);
      expect(mine.length).toBe(own.samples.n);
      const ownIn = modelInputs(own, scalers, Int32Array.from({ length: own.samples.n }, (_, k) => k));
      const sub = modelInputs(ds, scalers, Int32Array.from(mine));
      expect(Array.from(sub.channels.daily.data)).toEqual(Array.from(ownIn.channels.daily.data));
      expect(Array.from(sub.channels.minute.data)).toEqual(Array.from(ownIn.channels.minute.data));
      expect(Array.from(sub.y)).toEqual(Array.from(own.samples.label));
    }
    expect(pooled.n).toBe(ds.samples.n);
  });

  it('walks forward on both products and scores the run on T alone', async () => {
    const x = experiment();
    const outcome = await walkForward({ store, experiment: x, experimentsDir: tmp.dir, workers: 2, runId: 'pooled' });
    const rows = await readPredictions(store, 'pooled');
    expect(new Set(rows.map((r) => r.product))).toEqual(new Set(['TF', 'T']));
    // a test window holds each of its dates once per product
    const tDates = new Set(rows.filter((r) => r.product === 'T' && r.model === 'logit').map((r) => r.date));
    const verdict = await scoreRun(store, x, outcome);
    const figures = verdict.figures as EvaluationFigures;
    expect(figures.product).toBe('T');
    expect(figures.days).toBe(tDates.size);
    expect(verdict.lines.join('\n')).toMatch(/out of sample: T/);
  });

  it('restricts the pooled plan to one product, indexed in its own dataset, on the same dates', async () => {
    const x = experiment();
    const { dataset } = await walkForwardDataset(store, x);
    const ds = dataset as PooledDataset;
    const plan = planOf(ds, x);
    const { kind: _k, ...config } = x.dataset as Record<string, unknown>;
    const market = await loadMarket(store, { product: 'T', minute: true });
    const own = buildDataset(market, pooledConfigOf(config as PooledConfig, 'T'));
    const projected = productPlan(plan, ds, 'T', own);
    expect(projected.folds.length).toBe(plan.folds.length);
    for (const [i, f] of projected.folds.entries()) {
      for (const part of ['train', 'validation', 'test'] as const) {
        const pooledDates = Array.from(segmentIndices(plan.folds[i]![part])).filter((k) => ds.productOf[k] === 'T').map((k) => ds.samples.date[k]);
        const ownDates = Array.from(segmentIndices(f[part])).map((k) => own.samples.date[k]);
        expect(ownDates).toEqual(pooledDates);
        expect(ownDates.length).toBeGreaterThan(0);
      }
    }
  });

  it('refuses a scored product outside the pool, and features the products do not share', async () => {
    expect(() => experiment({ dataset: { ...DATASET, score: 'TL' } })).toThrow(/dataset\.score: TL is not among products/);
    const x = experiment({ dataset: { ...DATASET, dailyFeatures: undefined } });
    await expect(walkForwardDataset(store, x)).rejects.toThrow(/pooled products need the same features/);
  });
});

// The store edge of the futures evaluator (evaluate.ts, paths.ts): a finished run's predictions
// and jobs read back and scored with the experiment's strategy settings; a CPCV plan adds its
// backtest paths.

import type { Store } from '../data/store.js';
import type { Dataset } from '../dataset/build.js';
import { timingConfigOf, TIMING_KIND } from '../dataset/config.js';
import { BftError } from '../errors.js';
import type { Product } from '../market/specs.js';
import { evaluate, type CloseSeries, type Evaluation } from './evaluate.js';
import type { ResolvedExperiment } from '../eval/run/experiment.js';
import type { FoldPlan } from '../eval/plan/folds.js';
import { type AnyDatasetKind, type KindDataset } from '../eval/run/kind.js';
import { evaluatePaths, pathAssembly } from './paths.js';
import { readJobs, readPredictions } from '../eval/run/runs.js';

/**
 * The out-of-sample verdict of a finished run, from its predictions and jobs in the store: the
 * predictions of `product` (default the experiment's), whose continuous closes `series` are.
 */
export async function evaluateRun(store: Store, x: ResolvedExperiment, runId: string, series: CloseSeries, models: readonly string[], plan: FoldPlan, product: Product = timingConfigOf(x.dataset, 'the futures evaluator').product): Promise<Evaluation> {
  const jobs = await readJobs(store, runId);
  // A pooled run predicts several products; it is scored on one.
  const predictions = (await readPredictions(store, runId)).filter((p) => p.product === product);
  const st = x.strategy;
  const costs = { commissionTicks: st.commissionTicks, slippageTicks: st.slippageTicks };
  const evaluation = evaluate({
    product,
    models,
    predictions,
    series,
    rule: st.rule,
    costs,
    factorWeight: st.factorWeight,
    periodsPerYear: st.periodsPerYear,
    bootstrap: { seed: x.seed },
    jobs: jobs.map((j) => ({
      model: String(j['model']),
      fold: Number(j['fold']),
      trainAccuracy: Number(j['train_accuracy']),
      trainLoss: Number(j['train_loss']),
      testAccuracy: Number(j['test_accuracy']),
      testLoss: Number(j['test_loss']),
    })),
  });
  if (plan.cpcv === undefined) return evaluation;
  const paths = evaluatePaths({ product, models, predictions, assembly: pathAssembly(plan.cpcv), rule: st.rule, costs, periodsPerYear: st.periodsPerYear });
  return { ...evaluation, paths };
}

/** A futures timing dataset (src/timing/kind.ts) with the timed product's closes beside it. */
export type SeriesDataset = Dataset & { readonly series: CloseSeries };

/** The dataset of a run, which `what` (a futures-only analysis) needs to be a futures timing one. */
export function timingDatasetOf(kind: AnyDatasetKind, ds: KindDataset, what: string): SeriesDataset {
  if (kind.name !== TIMING_KIND) throw new BftError('bad_config', `${what} scores futures timing runs only (dataset.kind "${TIMING_KIND}"), not dataset.kind "${kind.name}"`, { kind: kind.name });
  return ds as SeriesDataset;
}

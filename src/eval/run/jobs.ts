// One unit of walk-forward work: train one model on one fold with one seed and predict the fold's
// test window. A job is plain, serialisable data (DESIGN.md: it can run in this process, in a
// worker thread, or later on another machine) and its result is a function of the job and the
// dataset alone: scalers are fit on the fold's training samples only, the model is seeded from
// the job's seed. What a sample's inputs are is the dataset kind's business (kind.ts).

import { buildModel } from '../../models/build.js';
import { channelsOf } from '../../models/registry.js';
import type { ModelSpec } from '../../models/presets.js';
import { predictProba, trainModel, type ClassWeightMode } from '../../models/train.js';
import { segmentIndices, segmentLength, type Fold } from '../plan/folds.js';
import type { AnyDatasetKind, KindDataset, KindInputs } from './kind.js';
import { probeInputIndices, probeLabels, type Probe } from './probes.js';

export interface TrainSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly patience: number;
  readonly classWeights: ClassWeightMode;
}

export interface FoldJob {
  /** The model's label in the experiment (preset name unless the config gives one). */
  readonly model: string;
  readonly spec: ModelSpec;
  readonly fold: Fold;
  /** 0-based index among the fold's seeds. */
  readonly seedIndex: number;
  /** The seed the model is built and trained with (derived from the run seed, model, fold, index). */
  readonly seed: number;
  readonly train: TrainSettings;
  /** An overfitting / leakage probe (src/eval/run/probes.ts); absent for an ordinary job. */
  readonly probe?: Probe | undefined;
}

export interface JobResult {
  readonly model: string;
  readonly fold: number;
  readonly seedIndex: number;
  /** P(up) of each test sample, in the order of the fold's test samples. */
  readonly testProb: Float32Array;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly trainSamples: number;
  readonly trainAccuracy: number;
  readonly trainLoss: number;
  readonly validationAccuracy: number;
  readonly validationLoss: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly seconds: number;
}

/** A stable key of a job, as recorded in the run store. */
export function jobKey(j: { model: string; fold: { index: number } | number; seedIndex: number }): string {
  return `${j.model}|${typeof j.fold === 'number' ? j.fold : j.fold.index}|${j.seedIndex}`;
}

export async function runJob(kind: AnyDatasetKind, ds: KindDataset, job: FoldJob): Promise<JobResult> {
  const started = performance.now();
  const train = segmentIndices(job.fold.train);
  const validation = segmentIndices(job.fold.validation);
  const test = segmentIndices(job.fold.test);
  // A probe moves where inputs come from (shift) or what the model learns from (labels); the
  // test labels stay the truth.
  const n = ds.samples.n;
  const at = (pick: Int32Array): Int32Array => probeInputIndices(job.probe, pick, n);
  const scalers: unknown = kind.fitScalers(ds, at(train));
  const inputs = (pick: Int32Array): KindInputs => kind.inputs(ds, scalers, pick);
  const trainIn = withLabels(inputs(at(train)), probeLabels(job.probe, labelsOf(ds, train), 'train'));
  const valIn = validation.length > 0 ? withLabels(inputs(at(validation)), probeLabels(job.probe, labelsOf(ds, validation), 'validation')) : null;
  const testIn = withLabels(inputs(at(test)), labelsOf(ds, test));
  const model = buildModel(job.spec, kind.channels(ds), job.seed);
  try {
    const result = await trainModel(model, trainIn, {
      ...job.train,
      ...(valIn ? { validation: valIn } : {}),
      seed: job.seed,
    });
    const trainP = predictProba(model, trainIn);
    const valP = valIn ? predictProba(model, valIn) : null;
    const testP = predictProba(model, testIn);
    return {
      model: job.model,
      fold: job.fold.index,
      seedIndex: job.seedIndex,
      testProb: testP,
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      trainSamples: train.length,
      trainAccuracy: accuracy(trainP, trainIn.y, ds.classes),
      trainLoss: logLoss(trainP, trainIn.y, ds.classes),
      validationAccuracy: valP && valIn ? accuracy(valP, valIn.y, ds.classes) : Number.NaN,
      validationLoss: valP && valIn ? logLoss(valP, valIn.y, ds.classes) : Number.NaN,
      testAccuracy: accuracy(testP, testIn.y, ds.classes),
      testLoss: logLoss(testP, testIn.y, ds.classes),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    model.dispose();
  }
}

function labelsOf(ds: KindDataset, pick: Int32Array): Int32Array {
  return Int32Array.from(pick, (k) => ds.samples.label[k]!);
}

function withLabels<T extends { readonly y: Int32Array }>(inputs: T, y: Int32Array): T {
  return { ...inputs, y };
}

/**
 * A job's relative cost, for scheduling only: training samples x recurrent steps per sample (the
 * steps of every channel the model reads; 1 for a model with no recurrence).
 */
export function jobCost(job: FoldJob, channels: Readonly<Record<string, { readonly steps: number }>>): number {
  const samples = segmentLength(job.fold.train);
  const steps = job.spec.kind === 'logit' ? 1 : channelsOf(job.spec.kind).reduce((a, c) => a + (channels[c]?.steps ?? 0), 0);
  return samples * steps * job.spec.layers;
}

/** Share of samples whose most probable class is the label (binary: P(up) > 0.5 means up). */
export function accuracy(proba: Float32Array, y: Int32Array, classes: number): number {
  let hit = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    if (classes === 2) best = proba[i]! > 0.5 ? 1 : 0;
    else for (let c = 1; c < classes; c++) if (proba[i * classes + c]! > proba[i * classes + best]!) best = c;
    if (best === y[i]) hit++;
  }
  return y.length > 0 ? hit / y.length : Number.NaN;
}

/** Mean negative log-likelihood of the labels, probabilities clipped to [1e-7, 1 - 1e-7]. */
export function logLoss(proba: Float32Array, y: Int32Array, classes: number): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const p = classes === 2 ? (y[i] === 1 ? proba[i]! : 1 - proba[i]!) : proba[i * classes + y[i]!]!;
    sum -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p)));
  }
  return y.length > 0 ? sum / y.length : Number.NaN;
}

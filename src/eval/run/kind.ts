// The seam between the walk-forward engine and a market: a dataset kind. The engine plans folds
// over sample dates, runs jobs and stores predictions knowing only what this file declares; what
// a sample is (a futures trading day, a stock on a date), how it is read from the store, what its
// model inputs are and how its predictions are scored live in the kind. The treasury-futures
// timing dataset is the first kind (src/timing/); the equity panel plugs in the same way.

import type { z } from 'zod';
import type { Store } from '../../data/store.js';
import { BftError } from '../../errors.js';
import type { ChannelArray, ChannelShape } from '../../models/registry.js';
import type { ResolvedExperiment } from './experiment.js';
import type { FoldPlan } from '../plan/folds.js';
import type { PredictionRecord } from './runs.js';
import type { ExperimentModel } from './walkforward.js';

export type { ChannelArray, ChannelShape } from '../../models/registry.js';

/**
 * What the engine reads of any kind's dataset. Samples are sorted by date and a date may hold
 * many (one per stock); only the last date's samples may lack a label (-1: its next period is
 * not known yet). The dataset travels to worker threads by structured clone: plain data only.
 */
export interface KindDataset {
  readonly samples: {
    readonly n: number;
    /** Days since 1970-01-01, ascending. */
    readonly date: Int32Array;
    /** Class index, -1 where the outcome is not known yet. */
    readonly label: Int32Array;
  };
  readonly classes: 2 | 3;
}

/** Model inputs of a selection of samples: one array per named channel, and the labels. */
export interface KindInputs {
  readonly n: number;
  readonly channels: Readonly<Record<string, ChannelArray>>;
  readonly y: Int32Array;
}

/** What a prediction row records of its sample beyond (model, seed, fold, date, probability, label). */
export interface SampleRecord {
  /** The instrument: a futures product, a stock code. With the date it names the sample. */
  readonly key: string;
  /** The contract whose data fed the sample (a stock: its code). */
  readonly contract: string;
  /** What a position in the sample trades (futures: the next day's main contract); null when unknown. */
  readonly tradedContract: string | null;
  /** The realised next-period return, and in ticks where the market has them (NaN otherwise). */
  readonly nextReturn: number;
  readonly nextTicks: number;
}

export interface LoadRequest {
  /** First and last sample date (ISO, inclusive); default everything the store holds. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** The channels some model of the experiment reads: a kind may skip loading the others. */
  readonly channels: ReadonlySet<string>;
}

/** A walk-forward run whose jobs have all finished, handed to its kind's evaluator. */
export interface FinishedRun<D extends KindDataset = KindDataset> {
  readonly store: Store;
  readonly experiment: ResolvedExperiment;
  readonly runId: string;
  /** The run's folder (experiments/<name>/runs/<run_id>/). */
  readonly dir: string;
  readonly dataset: D;
  readonly models: readonly ExperimentModel[];
  readonly plan: FoldPlan;
  /** Every out-of-sample prediction, by model, seed, date, instrument and fold. */
  readonly predictions: readonly PredictionRecord[];
}

/** What a kind's evaluator gives back of a finished run. */
export interface RunVerdict<Figures = unknown, Files = object> {
  /** The out-of-sample figures, as `bft walk-forward --json` prints them. */
  readonly figures: Figures;
  /** Headline figures kept with the run in the store (bft runs list). */
  readonly summary: Readonly<Record<string, unknown>>;
  /** Lines printed at the end of the run. */
  readonly lines: readonly string[];
  /** The files written into the run's folder, by role. */
  readonly files: Files;
  /** The report a reader opens first. */
  readonly report: string;
}

export interface DatasetKind<Config = unknown, D extends KindDataset = KindDataset, Scalers = unknown> {
  /** The experiment's `dataset.kind`. */
  readonly name: string;
  /** The experiment's `dataset` block for this kind (without `kind`), defaults filled. */
  readonly schema: z.ZodType<Config>;
  /**
   * URL of the module that registers this kind (its `import.meta.url`): a worker thread imports
   * it before its first job, so kinds defined anywhere (a test file too) run in workers.
   */
  readonly module: string;
  /** Classes of the label (checked against the models before any data is read). */
  classes(config: Config): 2 | 3;
  /** Reads the store into a dataset; nothing after `req.to` is read. */
  load(store: Store, config: Config, req: LoadRequest): Promise<D>;
  /** The channels the kind offers, by name, with their per-sample shapes. */
  channels(ds: D): Readonly<Record<string, ChannelShape>>;
  /** Scalers fit on the samples `train` (indices into ds.samples) and nothing else; plain data. */
  fitScalers(ds: D, train: Int32Array): Scalers;
  /** Scaled inputs of the samples `pick`, in that order. */
  inputs(ds: D, scalers: Scalers, pick: Int32Array): KindInputs;
  /** The sample k as a prediction row records it. */
  record(ds: D, k: number): SampleRecord;
  /** One line on what was loaded (samples, range, what was dropped and why). */
  describe(ds: D): string;
  /** Scores a finished run out of sample and writes its report files into run.dir. */
  evaluate(run: FinishedRun<D>): Promise<RunVerdict>;
}

/** A kind of any config, dataset and scaler type, as the registry holds it (methods compare bivariantly). */
export type AnyDatasetKind = DatasetKind<unknown, KindDataset, unknown>;

/**
 * The kind of an experiment whose `dataset` block names none: futures timing, bft's first (the
 * name src/timing/kind.ts registers it under; the engine knows only the name).
 */
export const DEFAULT_DATASET_KIND = 'futures-timing';

/** The kind an experiment's `dataset` block names. */
export function datasetKindOf(x: { readonly dataset: object }): string {
  const kind = (x.dataset as { kind?: unknown }).kind;
  return typeof kind === 'string' ? kind : DEFAULT_DATASET_KIND;
}

const kinds = new Map<string, AnyDatasetKind>();

/** Adds a kind; a name is registered once (re-registering the same module is a no-op). */
export function registerDatasetKind(kind: AnyDatasetKind): void {
  const had = kinds.get(kind.name);
  if (had !== undefined && had.module !== kind.module) {
    throw new BftError('bad_config', `dataset kind "${kind.name}" is registered already (by ${had.module})`, { kind: kind.name });
  }
  kinds.set(kind.name, kind);
}

export function getDatasetKind(name: string): AnyDatasetKind {
  const kind = kinds.get(name);
  if (kind === undefined) throw new BftError('bad_config', `unknown dataset kind "${name}" (known: ${listDatasetKinds().join(', ') || 'none'})`, { kind: name });
  return kind;
}

export function listDatasetKinds(): string[] {
  return [...kinds.keys()];
}

/** Samples with a label form a prefix (only the last date may lack its outcome). */
export function labelledCount(ds: KindDataset): number {
  let n = ds.samples.n;
  while (n > 0 && ds.samples.label[n - 1]! < 0) n--;
  return n;
}

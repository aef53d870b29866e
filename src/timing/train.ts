// One training run, in phases: backend → load → dataset → split → scalers → model → fit →
// artifact. The training range ends with a validation tail (purged of the label's look-ahead)
// that drives early stopping; nothing after `to` is read from the store.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../data/store.js';
import { timingConfigOf } from '../dataset/config.js';
import { buildDataset, droppedSummary, type Dataset } from '../dataset/build.js';
import { fitScalers, inputShapes, modelInputs } from '../dataset/inputs.js';
import { loadMarket } from '../dataset/load.js';
import { BftError } from '../errors.js';
import { isoDate } from '../market/calendar.js';
import { initBackend } from '../models/backend.js';
import { buildModel } from '../models/build.js';
import { channelsOf } from '../models/registry.js';
import { resolvePreset, type ModelSpecOverrides, type RnnImpl } from '../models/presets.js';
import { predictProba, trainModel, type EpochLog } from '../models/train.js';
import { gitCommit } from '../eval/run/commit.js';
import { newModelId, writeArtifact, type ArtifactMeta, type Range } from './artifact.js';
import { accuracy, logLoss } from '../eval/run/jobs.js';
import type { ResolvedExperiment } from '../eval/run/experiment.js';

export interface TrainRun {
  readonly store: Store;
  readonly experiment: ResolvedExperiment;
  /** Root of model folders (models/). */
  readonly modelsDir: string;
  /** Overrides of experiment.train.from / to (CLI --from / --to). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly log?: (line: string) => void;
  readonly onEpoch?: (e: EpochLog, epochs: number) => void;
  /** Recurrent layers, overriding the config (CLI --rnn). */
  readonly rnn?: RnnImpl | undefined;
  /** Fixed id (tests); default a time-based one. */
  readonly id?: string | undefined;
}

export interface TrainedModel {
  readonly dir: string;
  readonly meta: ArtifactMeta;
  /** P(up) (binary) or P(class) rows of the validation samples, as the saved model gives them. */
  readonly validation: { readonly dates: readonly string[]; readonly proba: Float32Array };
}

/** `id`, or id-2, id-3, ... when a model trained in the same second already has it: never overwrite one. */
function freshId(root: string, id: string): string {
  let k = 1;
  while (existsSync(join(root, k === 1 ? id : `${id}-${k}`))) k++;
  return k === 1 ? id : `${id}-${k}`;
}

/** Indices of labelled samples, split into training and a purged validation tail. */
export function splitTail(ds: Dataset, validationDays: number, purgeDays: number): { train: Int32Array; validation: Int32Array } {
  const labelled: number[] = [];
  for (let k = 0; k < ds.samples.n; k++) if (ds.samples.label[k]! >= 0) labelled.push(k);
  const v = Math.min(validationDays, Math.max(0, labelled.length - purgeDays - 1));
  const validation = labelled.slice(labelled.length - v);
  const train = labelled.slice(0, Math.max(0, labelled.length - v - (v > 0 ? purgeDays : 0)));
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}

function rangeOf(ds: Dataset, idx: Int32Array): Range {
  return { from: isoDate(ds.samples.date[idx[0]!]!), to: isoDate(ds.samples.date[idx[idx.length - 1]!]!), samples: idx.length };
}

export async function trainExperiment(run: TrainRun): Promise<TrainedModel> {
  const x = run.experiment;
  const log = run.log ?? ((): void => undefined);
  const started = performance.now();
  // A bad model spec is refused before any data is read.
  const { preset, ...overrides } = x.model;
  const cfg = timingConfigOf(x.dataset, 'bft train');
  const asked = resolvePreset(preset, { ...(overrides as ModelSpecOverrides), classes: cfg.labels === 'three' ? 3 : 2 });
  const backend = await initBackend(x.backend, log);
  // Fused recurrent layers unless the config or --rnn says otherwise, or a native backend (whose
  // own kernels are fast) runs.
  const rnn = run.rnn ?? (overrides as ModelSpecOverrides).rnn ?? (backend.backend === 'tensorflow' ? 'stock' : 'fused');
  const spec = { ...asked, rnn };

  const from = run.from ?? x.train.from;
  const to = run.to ?? x.train.to;
  const minute = channelsOf(spec.kind).includes('minute');
  const market = await loadMarket(run.store, { product: cfg.product, intervalMin: cfg.intervalMin, minute, to, minuteFrom: from });
  const ds = buildDataset(market, cfg, { from, to });
  log(`dataset: ${ds.samples.n} samples of ${ds.product} (${ds.dailyNames.length} daily features x ${ds.lookback} days, ${ds.intervalMin === null ? 'no intraday bars' : `${ds.bars} ${ds.intervalMin}-minute bars x ${ds.minuteNames.length} features`}); ${droppedSummary(ds.dropped, ds.masked)}`);
  const { train, validation } = splitTail(ds, x.train.validationDays, x.train.purgeDays);
  if (train.length === 0) {
    throw new BftError('no_data', `no training samples for ${ds.product} in ${from ?? 'the start'}..${to ?? 'the end'} (${ds.samples.n} samples before the validation tail of ${x.train.validationDays}; ${droppedSummary(ds.dropped, ds.masked)})`);
  }
  const scalers = fitScalers(ds, train);
  const trainIn = modelInputs(ds, scalers, train);
  const valIn = validation.length > 0 ? modelInputs(ds, scalers, validation) : null;

  const model = buildModel(spec, inputShapes(ds), x.seed);
  const result = await trainModel(model, trainIn, {
    epochs: x.train.epochs,
    batchSize: x.train.batchSize,
    learningRate: x.train.learningRate,
    patience: x.train.patience,
    validation: valIn ?? undefined,
    classWeights: x.train.classWeights,
    seed: x.seed,
    onEpoch: (e) => run.onEpoch?.(e, x.train.epochs),
  });

  const trainP = predictProba(model, trainIn);
  const valP = valIn ? predictProba(model, valIn) : new Float32Array(0);
  const id = run.id ?? freshId(join(run.modelsDir, x.name), newModelId(x.seed));
  const dir = join(run.modelsDir, x.name, id);
  const meta: ArtifactMeta = {
    format: 'bft-model',
    version: 1,
    name: x.name,
    id,
    createdAt: new Date().toISOString(),
    commit: gitCommit(),
    backend: backend.backend,
    experiment: x,
    spec,
    data: {
      product: ds.product,
      intervalMin: ds.intervalMin,
      lookback: ds.lookback,
      bars: ds.bars,
      classes: ds.classes,
      dailyFeatures: ds.dailyNames,
      minuteFeatures: ds.minuteNames,
      train: rangeOf(ds, train),
      validation: validation.length > 0 ? rangeOf(ds, validation) : null,
      dropped: droppedSummary(ds.dropped, ds.masked),
    },
    metrics: {
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      train: { loss: logLoss(trainP, trainIn.y, ds.classes), accuracy: accuracy(trainP, trainIn.y, ds.classes) },
      validation: valIn ? { loss: logLoss(valP, valIn.y, ds.classes), accuracy: accuracy(valP, valIn.y, ds.classes) } : null,
      seconds: (performance.now() - started) / 1000,
    },
  };
  await writeArtifact(dir, model, meta, scalers);
  // every date that gave no sample, and why
  const csvField = (x: string): string => (/[",\n]/.test(x) ? `"${x.replaceAll('"', '""')}"` : x);
  writeFileSync(join(dir, 'dropped.csv'), ['date,kind,reason', ...ds.dropped.map((d) => `${d.date},${d.kind},${csvField(d.reason)}`)].join('\n') + '\n');
  model.dispose();
  return { dir, meta, validation: { dates: Array.from(validation, (k) => isoDate(ds.samples.date[k]!)), proba: valP } };
}

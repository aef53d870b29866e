// Predictions of a saved model: the dataset is rebuilt with the model's own features, interval
// and lookback, scaled with its saved scalers, and run through the saved network. Dates whose
// next day is not in the store yet get a prediction and no outcome.

import type { Store } from '../data/store.js';
import { buildDataset, droppedSummary, type DroppedDate } from '../dataset/build.js';
import { timingConfigOf } from '../dataset/config.js';
import { modelInputs } from '../dataset/inputs.js';
import { loadMarket } from '../dataset/load.js';
import { isoDate } from '../market/calendar.js';
import { initBackend, type BackendName } from '../models/backend.js';
import { predictProba } from '../models/train.js';
import { readArtifact, type ArtifactMeta } from './artifact.js';

export interface PredictionRow {
  readonly date: string;
  /** Main contract at t (its bars fed the model) and the one traded for t+1. */
  readonly contract: string;
  readonly traded: string | null;
  /** P(up) for binary models; P(down), P(flat), P(up) for three classes. */
  readonly proba: readonly number[];
  /** Realised class and move in ticks, null while t+1 is unknown. */
  readonly label: number | null;
  readonly nextTicks: number | null;
}

export interface Predictions {
  readonly meta: ArtifactMeta;
  readonly backend: string;
  readonly rows: readonly PredictionRow[];
  readonly dropped: string;
  /** Each date that gave no prediction, and each kept with its minute channel masked, with why. */
  readonly droppedDates: readonly DroppedDate[];
  readonly maskedDates: readonly DroppedDate[];
}

export interface PredictRun {
  readonly store: Store;
  readonly modelDir: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly backend?: BackendName | undefined;
  readonly log?: (line: string) => void;
}

export async function predictWithModel(run: PredictRun): Promise<Predictions> {
  const log = run.log ?? ((): void => undefined);
  const a = await readArtifact(run.modelDir);
  const m = a.meta;
  const backend = await initBackend(run.backend ?? (m.backend === 'tensorflow' ? 'auto' : (m.backend as BackendName)), log);
  if (backend.backend !== m.backend) log(`note: the model was trained on ${m.backend}, predicting on ${backend.backend}; numbers can differ in the last digits`);
  const cfg = { ...timingConfigOf(m.experiment.dataset, 'bft predict'), intervalMin: m.data.intervalMin ?? undefined, dailyFeatures: [...m.data.dailyFeatures], minuteFeatures: [...m.data.minuteFeatures] };
  const market = await loadMarket(run.store, { product: cfg.product, intervalMin: cfg.intervalMin, minute: m.data.intervalMin !== null, to: run.to, minuteFrom: run.from });
  const ds = buildDataset(market, cfg, { from: run.from, to: run.to });
  const all = Int32Array.from({ length: ds.samples.n }, (_, k) => k);
  const input = modelInputs(ds, a.scalers, all);
  const proba = ds.samples.n > 0 ? predictProba(a.model, input) : new Float32Array(0);
  a.model.dispose();
  const c = m.data.classes;
  const rows: PredictionRow[] = [];
  for (let k = 0; k < ds.samples.n; k++) {
    const known = ds.samples.label[k]! >= 0;
    rows.push({
      date: isoDate(ds.samples.date[k]!),
      contract: ds.samples.contract[k]!,
      traded: ds.samples.tradedContract[k] ?? null,
      proba: c === 2 ? [proba[k]!] : Array.from(proba.subarray(k * c, (k + 1) * c)),
      label: known ? ds.samples.label[k]! : null,
      nextTicks: known ? ds.samples.nextTicks[k]! : null,
    });
  }
  return { meta: m, backend: backend.backend, rows, dropped: droppedSummary(ds.dropped, ds.masked), droppedDates: ds.dropped, maskedDates: ds.masked };
}

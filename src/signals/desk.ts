// The desk's evening, per product of its config: find the newest model that may serve the evening,
// retrain when the schedule says so, make the signal and keep it in the signals table.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../data/store.js';
import { loadDailyBars } from '../data/continuous.js';
import { BftError, type BftErrorCode } from '../errors.js';
import type { ArtifactMeta } from '../timing/artifact.js';
import { trainExperiment } from '../timing/train.js';
import { dayNumber, isoDate, isTradingDay } from '../market/calendar.js';
import type { Product } from '../market/specs.js';
import type { BackendName } from '../models/backend-names.js';
import { computeSignal, type DeskSignal } from './compute.js';
import type { DeskConfig, DeskProduct } from './config.js';
import { recordSignal, type Recorded } from './history.js';
import { retrainDue, type RetrainDecision } from './schedule.js';

export interface EveningOptions {
  readonly products?: readonly Product[] | undefined;
  /** Default: each product's newest daily bar. */
  readonly asOf?: string | undefined;
  /** auto: as the schedule says; always: retrain now; never: use the newest model there is. */
  readonly retrain?: 'auto' | 'always' | 'never' | undefined;
  readonly backend?: BackendName | undefined;
  readonly log?: (line: string) => void;
}

export interface ProductEvening {
  readonly product: Product;
  readonly signal: DeskSignal | null;
  readonly recorded: Recorded | null;
  readonly retrain: RetrainDecision & { readonly trained: string | null };
  /** Why the model that served is stale: the schedule wanted a new one and retraining was left out (null: it is not). */
  readonly stale: string | null;
  /** One line when the product got no signal (data missing, no usable model). */
  readonly error: string | null;
}

/** The evening for every product asked (all of the config's by default); one product's failure does not stop the others. */
export async function runEvening(store: Store, config: DeskConfig, opts: EveningOptions = {}): Promise<ProductEvening[]> {
  const asked = opts.products ?? config.products.map((p) => p.product);
  const unknown = asked.filter((p) => !config.products.some((c) => c.product === p));
  if (unknown.length > 0) throw new BftError('bad_config', `${config.path} has no product ${unknown.join(', ')} (it has ${config.products.map((p) => p.product).join(', ')})`, { file: config.path });
  const out: ProductEvening[] = [];
  for (const entry of config.products.filter((p) => asked.includes(p.product))) out.push(await productEvening(store, config, entry, opts));
  return out;
}

/** What stops one product's evening and lets the others go on: its data, or its model or dataset settings. */
const PRODUCT_PROBLEMS: ReadonlySet<BftErrorCode> = new Set<BftErrorCode>(['no_data', 'bad_config', 'lookback_too_long', 'unknown_feature', 'non_finite']);

async function productEvening(store: Store, config: DeskConfig, entry: DeskProduct, opts: EveningOptions): Promise<ProductEvening> {
  const { product } = entry;
  const log = (line: string): void => opts.log?.(`${product}: ${line}`);
  let retrain: ProductEvening['retrain'] = { due: false, reason: '', trained: null };
  try {
    const asOf = opts.asOf ?? (await newestDailyDate(store, product));
    const usable = usableModels(config.modelsDir, entry, asOf);
    const newest = usable[usable.length - 1] ?? null;
    const scheduled = retrainDue(entry.retrain, newest?.through ?? null, asOf);
    const decision: RetrainDecision =
      opts.retrain === 'always' ? { due: true, reason: 'retrain asked for' } : opts.retrain === 'never' ? { due: false, reason: 'retraining left out' } : scheduled;
    retrain = { ...decision, trained: null };
    const stale = opts.retrain === 'never' && scheduled.due && newest !== null ? scheduled.reason : null;
    let modelDir = newest?.dir ?? null;
    if (decision.due) {
      log(`training ${entry.experiment.name} through the samples before ${asOf} (${decision.reason})`);
      const from = entry.trainDays === undefined ? undefined : tradingDaysBefore(asOf, entry.trainDays);
      const trained = await trainExperiment({ store, experiment: entry.experiment, modelsDir: config.modelsDir, from, to: asOf, log });
      modelDir = trained.dir;
      retrain = { ...decision, trained: `${trained.meta.name}/${trained.meta.id}` };
    }
    if (modelDir === null) throw new BftError('no_data', `no model of ${entry.experiment.name} in ${config.modelsDir} may serve ${asOf} (none trained before it) and retraining is left out`, { product });
    const signal = await computeSignal({ store, product, modelDir, asOf, budgetCny: config.budgetCny, volDays: config.volDays, backend: opts.backend, log });
    const recorded = await recordSignal(store, signal);
    return { product, signal, recorded, retrain, stale, error: null };
  } catch (e) {
    if (!(e instanceof BftError && PRODUCT_PROBLEMS.has(e.code))) throw e;
    return { product, signal: null, recorded: null, retrain, stale: null, error: e.message };
  }
}

async function newestDailyDate(store: Store, product: Product): Promise<string> {
  const bars = await loadDailyBars(store, product);
  if (bars.length === 0) throw new BftError('no_data', `the store has no daily bars of ${product}`, { product });
  return bars[bars.length - 1]!.date;
}

interface UsableModel {
  readonly dir: string;
  readonly through: string;
}

/**
 * The experiment's models of this product whose last training sample lies before the evening,
 * oldest first (by that sample, then id). A model trained on later samples saw bars after it.
 */
export function usableModels(modelsDir: string, entry: DeskProduct, asOf: string): UsableModel[] {
  const root = join(modelsDir, entry.experiment.name);
  if (!existsSync(root)) return [];
  const out: (UsableModel & { id: string })[] = [];
  for (const id of readdirSync(root)) {
    const metaPath = join(root, id, 'meta.json');
    if (!existsSync(metaPath)) continue;
    let meta: ArtifactMeta;
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ArtifactMeta;
    } catch {
      continue; // a folder being written, or not a model: not a candidate
    }
    if (meta.data?.product !== entry.product) continue;
    const through = (meta.data.validation ?? meta.data.train).to;
    if (through < asOf) out.push({ dir: join(root, id), through, id });
  }
  return out.sort((a, b) => (a.through === b.through ? (a.id < b.id ? -1 : 1) : a.through < b.through ? -1 : 1));
}

/** The trading day `n` trading days before `asOf` (the first sample of an n-day window ending the day before). */
export function tradingDaysBefore(asOf: string, n: number): string {
  let d = dayNumber(asOf);
  for (let k = 0; k < n; ) if (isTradingDay(--d)) k++;
  return isoDate(d);
}

// Futures timing pooled over products (dataset.kind "futures-pooled"): one model trained on the
// samples of several CFFEX products at once — up to four a day where each product carries the
// same kind of edge — and scored on one of them. Each product's samples are built exactly as the
// single-product kind builds them (src/timing/kind.ts); the pooled dataset lays their daily rows
// end to end, so every sample's window stays inside its own product's rows, and orders the
// samples by date. Folds are planned over dates, so a date's samples of every product fall on
// the same side of every boundary.

import { z } from 'zod';
import { buildDataset, droppedSummary, type Dataset, type DroppedDate } from '../dataset/build.js';
import { datasetConfigSchema, type ResolvedDatasetConfig } from '../dataset/config.js';
import { fitScalers, inputShapes, modelInputs, type Scalers } from '../dataset/inputs.js';
import { loadMarket } from '../dataset/load.js';
import { BftError } from '../errors.js';
import { segmentIndices, segmentsOf, type FoldPlan, type Segments } from '../eval/plan/folds.js';
import { registerDatasetKind, type AnyDatasetKind, type DatasetKind, type FinishedRun, type KindDataset } from '../eval/run/kind.js';
import type { SeriesDataset } from '../futures/evaluate-run.js';
import { PRODUCTS, type Product } from '../market/specs.js';
import { barsNote, sampleRecord, sampleSpan } from './kind.js';

export const POOLED_KIND = 'futures-pooled';

const pooledSchema = datasetConfigSchema
  .omit({ product: true })
  .extend({
    /** The products whose samples train the model (each must have daily bars in the store). */
    products: z.array(z.enum(PRODUCTS)).min(1).default([...PRODUCTS]),
    /** The product whose test days are scored; one of `products`. */
    score: z.enum(PRODUCTS).default('T'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.products.includes(c.score)) ctx.addIssue({ code: 'custom', path: ['score'], message: `${c.score} is not among products (${c.products.join(', ')})` });
    const dup = c.products.find((p, i) => c.products.indexOf(p) !== i);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['products'], message: `${dup} appears twice` });
  });

export type PooledConfig = z.output<typeof pooledSchema>;

/** The pooled samples (Dataset.product is the scored one) with each sample's product. */
export interface PooledDataset extends SeriesDataset {
  /** The product of each sample. */
  readonly productOf: readonly Product[];
  readonly products: readonly Product[];
}

/** Per product, the dataset the single-product kind would build with these settings. */
export function pooledConfigOf(c: PooledConfig, product: Product): ResolvedDatasetConfig {
  const { products: _p, score: _s, ...rest } = c;
  return { ...rest, product };
}

/**
 * Lays several products' datasets end to end: daily rows one after another (rows offset), samples
 * ordered by date and then by the order of `parts`; a sample without a label is kept only on the
 * last date (where every product's newest sample waits for its next day).
 */
export function poolDatasets(parts: readonly Dataset[], score: Product, scoreSeries: SeriesDataset['series']): PooledDataset {
  const first = parts[0]!;
  for (const d of parts) {
    if (d.dailyNames.join() !== first.dailyNames.join() || d.minuteNames.join() !== first.minuteNames.join() || d.bars !== first.bars) {
      throw new BftError('bad_config', `pooled products need the same features: ${d.product} has daily ${d.dailyNames.join(', ')} and minute ${d.minuteNames.join(', ')} (${d.bars} bars), ${first.product} has daily ${first.dailyNames.join(', ')} and minute ${first.minuteNames.join(', ')} (${first.bars} bars); name dataset.dailyFeatures every product has (the curve spreads differ by product)`, { field: 'dailyFeatures' });
    }
  }
  const last = Math.max(...parts.map((d) => (d.samples.n > 0 ? d.samples.date[d.samples.n - 1]! : -Infinity)));
  const order: { part: number; k: number; date: number }[] = [];
  parts.forEach((d, part) => {
    for (let k = 0; k < d.samples.n; k++) if (d.samples.label[k]! >= 0 || d.samples.date[k] === last) order.push({ part, k, date: d.samples.date[k]! });
  });
  order.sort((a, b) => a.date - b.date || a.part - b.part);
  const offsets: number[] = [];
  let rows = 0;
  for (const d of parts) {
    offsets.push(rows);
    rows += d.rowDates.length;
  }
  const Fd = first.dailyNames.length;
  const block = first.bars * first.minuteNames.length;
  const dailyRows = new Float64Array(rows * Fd);
  const rowDates = new Int32Array(rows);
  parts.forEach((d, i) => {
    dailyRows.set(d.dailyRows, offsets[i]! * Fd);
    rowDates.set(d.rowDates, offsets[i]!);
  });
  const n = order.length;
  const minute = new Float32Array(n * block);
  order.forEach((o, s) => minute.set(parts[o.part]!.samples.minute.subarray(o.k * block, (o.k + 1) * block), s * block));
  const pick = <T>(f: (d: Dataset, k: number) => T): T[] => order.map((o) => f(parts[o.part]!, o.k));
  const scored = parts.find((d) => d.product === score)!;
  const tagged = (d: Dataset, xs: readonly DroppedDate[]): DroppedDate[] => xs.map((x) => ({ ...x, reason: `${d.product}: ${x.reason}` }));
  return {
    ...scored,
    dailyRows,
    rowDates,
    samples: {
      n,
      row: Int32Array.from(order, (o) => parts[o.part]!.samples.row[o.k]! + offsets[o.part]!),
      date: Int32Array.from(order, (o) => o.date),
      contract: pick((d, k) => d.samples.contract[k]!),
      tradedContract: pick((d, k) => d.samples.tradedContract[k] ?? null),
      minute,
      hasMinute: Uint8Array.from(pick((d, k) => d.samples.hasMinute[k]!)),
      label: Int32Array.from(pick((d, k) => d.samples.label[k]!)),
      nextReturn: Float64Array.from(pick((d, k) => d.samples.nextReturn[k]!)),
      nextPrice: Float64Array.from(pick((d, k) => d.samples.nextPrice[k]!)),
      nextTicks: Float64Array.from(pick((d, k) => d.samples.nextTicks[k]!)),
    },
    dropped: parts.flatMap((d) => tagged(d, d.dropped)),
    masked: parts.flatMap((d) => tagged(d, d.masked)),
    series: scoreSeries,
    productOf: pick((d) => d.product),
    products: parts.map((d) => d.product),
  };
}

/** The dataset of a run, which `what` needs to be a pooled one. */
export function pooledDatasetOf(kind: AnyDatasetKind, ds: KindDataset, what: string): PooledDataset {
  if (kind.name !== POOLED_KIND) throw new BftError('bad_config', `${what} needs a pooled dataset (dataset.kind "${POOLED_KIND}"), not dataset.kind "${kind.name}"`, { kind: kind.name });
  return ds as PooledDataset;
}

/**
 * A pooled run's window plan restricted to one product's samples and indexed in that product's own
 * dataset `single` (the one the single-product kind builds with the same settings): every fold's
 * training, validation and test samples of `product`, on the same dates. What a single-product
 * reference trained on the pooled run's folds reads. A CPCV plan's paths are not projected.
 */
export function productPlan(plan: FoldPlan, pooled: PooledDataset, product: Product, single: Dataset): FoldPlan {
  if (plan.cpcv !== undefined) throw new BftError('bad_config', 'a CPCV plan of a pooled run cannot be restricted to one product (its paths are over the pooled samples)', { scheme: 'cpcv' });
  const at = new Map(Array.from(single.samples.date, (d, k) => [d, k]));
  const project = (segs: Segments): Segments => {
    const out: number[] = [];
    for (const k of segmentIndices(segs)) {
      if (pooled.productOf[k] !== product) continue;
      const j = at.get(pooled.samples.date[k]!);
      // An invariant (both are built from the same bars and settings), not a user's error.
      if (j === undefined) throw new Error(`the pooled sample ${k} of ${product} has no sample in ${product}'s own dataset`);
      out.push(j);
    }
    return segmentsOf(Int32Array.from(out));
  };
  return { ...plan, folds: plan.folds.map((f) => ({ ...f, train: project(f.train), validation: project(f.validation), test: project(f.test) })) };
}

export const pooledKind: DatasetKind<PooledConfig, PooledDataset, Scalers> = {
  name: POOLED_KIND,
  schema: pooledSchema,
  module: import.meta.url,
  classes: (c) => (c.labels === 'three' ? 3 : 2),
  async load(store, c, req) {
    const parts: Dataset[] = [];
    let series: SeriesDataset['series'] | null = null;
    for (const product of c.products) {
      const market = await loadMarket(store, { product, intervalMin: c.intervalMin, minute: req.channels.has('minute'), to: req.to, minuteFrom: req.from });
      parts.push(buildDataset(market, pooledConfigOf(c, product), { from: req.from, to: req.to }));
      if (product === c.score) {
        const s = market.daily.get(product)!;
        series = { date: s.date, close: s.close };
      }
    }
    return poolDatasets(parts, c.score, series!);
  },
  channels: inputShapes,
  fitScalers,
  inputs: modelInputs,
  record: (ds, k) => sampleRecord(ds, k, ds.productOf[k]!),
  describe(ds) {
    const per = ds.products.map((p) => `${ds.productOf.filter((q) => q === p).length} ${p}`).join(', ');
    return `${ds.samples.n} samples pooled over ${ds.products.join(', ')} (${per}) ${sampleSpan(ds)}, scored on ${ds.product} (${barsNote(ds)}); ${droppedSummary(ds.dropped, ds.masked)}`;
  },
  async evaluate(run: FinishedRun<PooledDataset>) {
    const { evaluateRun } = await import('../futures/evaluate-run.js');
    const { timingVerdict } = await import('./finish.js');
    const e = await evaluateRun(run.store, run.experiment, run.runId, run.dataset.series, run.models.map((m) => m.label), run.plan, run.dataset.product);
    return timingVerdict(run, e);
  },
};

registerDatasetKind(pooledKind);

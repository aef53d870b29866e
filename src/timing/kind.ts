// The treasury-futures timing dataset as a dataset kind (src/eval/run/kind.ts): one sample per trading
// day of one CFFEX product, a daily channel (the lookback window of daily features) and a minute
// channel (day t's intraday bars), the label the next day's move. Importing this module registers
// the kind; the CLI and the test setup import it.

import { buildDataset, droppedSummary, type Dataset } from '../dataset/build.js';
import { datasetConfigSchema, TIMING_KIND, type ResolvedDatasetConfig } from '../dataset/config.js';
import { fitScalers, inputShapes, modelInputs, type Scalers } from '../dataset/inputs.js';
import { loadMarket } from '../dataset/load.js';
import type { SeriesDataset } from '../futures/evaluate-run.js';
import { registerDatasetKind, type DatasetKind, type SampleRecord } from '../eval/run/kind.js';
import { isoDate } from '../market/calendar.js';

export { TIMING_KIND } from '../dataset/config.js';

/** A timing dataset with the timed product's continuous closes beside it, for the evaluator. */
export type TimingDataset = SeriesDataset;

/** Sample k of a futures timing dataset as a prediction row records it, under instrument `key`. */
export function sampleRecord(ds: Dataset, k: number, key: string): SampleRecord {
  const s = ds.samples;
  return { key, contract: s.contract[k]!, tradedContract: s.tradedContract[k] ?? null, nextReturn: s.nextReturn[k]!, nextTicks: s.nextTicks[k]! };
}

/** The first and last sample date, for a log line. */
export function sampleSpan(ds: Dataset): string {
  const n = ds.samples.n;
  return n > 0 ? `${isoDate(ds.samples.date[0]!)}..${isoDate(ds.samples.date[n - 1]!)}` : '';
}

/** What the minute channel reads, for a log line. */
export function barsNote(ds: Dataset): string {
  return ds.intervalMin === null ? 'daily bars only' : `${ds.bars} ${ds.intervalMin}-minute bars`;
}

export const timingKind: DatasetKind<ResolvedDatasetConfig, TimingDataset, Scalers> = {
  name: TIMING_KIND,
  schema: datasetConfigSchema,
  module: import.meta.url,
  classes: (config) => (config.labels === 'three' ? 3 : 2),
  async load(store, config, req) {
    // Intraday bars only when some model reads them: daily-only experiments run on the whole
    // daily history, for products without intraday bars too.
    const minute = req.channels.has('minute');
    const market = await loadMarket(store, { product: config.product, intervalMin: config.intervalMin, minute, to: req.to, minuteFrom: req.from });
    const c = market.daily.get(config.product)!;
    return { ...buildDataset(market, config, { from: req.from, to: req.to }), series: { date: c.date, close: c.close } };
  },
  channels: inputShapes,
  fitScalers,
  inputs: modelInputs,
  record: (ds, k) => sampleRecord(ds, k, ds.product),
  describe: (ds) => `${ds.samples.n} samples of ${ds.product} ${sampleSpan(ds)} (${barsNote(ds)}); ${droppedSummary(ds.dropped, ds.masked)}`,
  async evaluate(run) {
    // The evaluator and report writers load only where a run is scored, not in every worker.
    const { evaluateTimingRun, timingVerdict } = await import('./finish.js');
    return timingVerdict(run, await evaluateTimingRun(run));
  },
};

registerDatasetKind(timingKind);

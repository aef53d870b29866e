// A second dataset kind, for tests only: a toy cross-section of synthetic stocks. Each stock has
// three daily features; its next-day return loads on the first one (the planted signal) plus
// noise. A date holds one sample per stock, so folds must be planned over dates, and the kind's
// evaluator scores a long-short portfolio per date rather than ticks of a future. It uses only
// the engine's seam (src/eval/run/kind.ts): nothing of the engine knows it exists.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { toJson } from '../../src/eval/run/json.js';
import { registerDatasetKind, type DatasetKind, type FinishedRun, type KindDataset, type RunVerdict } from '../../src/eval/run/kind.js';
import { dayNumber, isoDate, tradingDays } from '../../src/market/calendar.js';
import { renderHtmlDocument } from '../../src/report/html.js';
import { markdownDocument } from '../../src/report/markdown.js';
import type { ReportDocument } from '../../src/report/document.js';
import { fmt } from '../../src/report/tables.js';
import { Rng } from '../../src/synth/rng.js';

export const TOY_KIND = 'toy-stocks';

const schema = z
  .object({
    stocks: z.number().int().min(2).max(500).default(50),
    from: z.string().default('2020-01-02'),
    to: z.string().default('2021-12-31'),
    lookback: z.number().int().min(1).max(20).default(5),
    /** The first feature's loading in the next-day return, in units of the noise. */
    signal: z.number().min(0).default(0.5),
    seed: z.number().int().min(0).default(7),
  })
  .strict();

export type ToyConfig = z.output<typeof schema>;

export interface ToyDataset extends KindDataset {
  readonly stocks: readonly string[];
  readonly lookback: number;
  /** Features of every (date, stock), [dates x stocks x 3]. */
  readonly features: Float32Array;
  readonly dates: Int32Array;
  /** Per sample: its date row and stock. */
  readonly row: Int32Array;
  readonly stock: Int32Array;
  readonly nextReturn: Float64Array;
}

interface ToyScalers {
  readonly mean: number[];
  readonly std: number[];
}

const F = 3;

export const toyStocksKind: DatasetKind<ToyConfig, ToyDataset, ToyScalers> = {
  name: TOY_KIND,
  schema,
  module: import.meta.url,
  classes: () => 2,
  async load(_store, cfg, req) {
    const from = req.from !== undefined && req.from > cfg.from ? req.from : cfg.from;
    const to = req.to !== undefined && req.to < cfg.to ? req.to : cfg.to;
    const days = Int32Array.from(tradingDays(cfg.from, cfg.to));
    const S = cfg.stocks;
    const rng = new Rng(cfg.seed, 'toy-stocks');
    const features = new Float32Array(days.length * S * F);
    for (let i = 0; i < features.length; i++) features[i] = rng.normal();
    const ret = new Float64Array(days.length * S);
    for (let t = 0; t < days.length; t++) for (let s = 0; s < S; s++) ret[t * S + s] = 0.01 * (cfg.signal * features[(t * S + s) * F]! + rng.normal());
    const rows: number[] = [];
    const stock: number[] = [];
    for (let t = cfg.lookback - 1; t < days.length; t++) {
      if (days[t]! < dayNumber(from) || days[t]! > dayNumber(to)) continue;
      for (let s = 0; s < S; s++) {
        rows.push(t);
        stock.push(s);
      }
    }
    const n = rows.length;
    const lastRow = days.length - 1;
    const label = Int32Array.from(rows, (t, k) => (t === lastRow ? -1 : ret[t * S + stock[k]!]! > 0 ? 1 : 0));
    return {
      samples: { n, date: Int32Array.from(rows, (t) => days[t]!), label },
      classes: 2,
      stocks: Array.from({ length: S }, (_, s) => `S${String(s + 1).padStart(3, '0')}`),
      lookback: cfg.lookback,
      features,
      dates: days,
      row: Int32Array.from(rows),
      stock: Int32Array.from(stock),
      nextReturn: Float64Array.from(rows, (t, k) => (t === lastRow ? Number.NaN : ret[t * S + stock[k]!]!)),
    };
  },
  channels: (ds) => ({ daily: { steps: ds.lookback, features: F } }),
  fitScalers(ds, train) {
    const S = ds.stocks.length;
    const sum = new Float64Array(F);
    const sq = new Float64Array(F);
    for (const k of train) {
      for (let f = 0; f < F; f++) {
        const v = ds.features[(ds.row[k]! * S + ds.stock[k]!) * F + f]!;
        sum[f] = sum[f]! + v;
        sq[f] = sq[f]! + v * v;
      }
    }
    const n = Math.max(1, train.length);
    const mean = Array.from(sum, (v) => v / n);
    return { mean, std: Array.from(sq, (v, f) => Math.sqrt(Math.max(1e-12, v / n - mean[f]! ** 2))) };
  },
  inputs(ds, sc, pick) {
    const S = ds.stocks.length;
    const L = ds.lookback;
    const data = new Float32Array(pick.length * L * F);
    pick.forEach((k, i) => {
      for (let l = 0; l < L; l++) {
        const t = ds.row[k]! - L + 1 + l;
        for (let f = 0; f < F; f++) data[(i * L + l) * F + f] = (ds.features[(t * S + ds.stock[k]!) * F + f]! - sc.mean[f]!) / sc.std[f]!;
      }
    });
    return { n: pick.length, channels: { daily: { data, steps: L, features: F } }, y: Int32Array.from(pick, (k) => ds.samples.label[k]!) };
  },
  record: (ds, k) => ({ key: ds.stocks[ds.stock[k]!]!, contract: ds.stocks[ds.stock[k]!]!, tradedContract: null, nextReturn: ds.nextReturn[k]!, nextTicks: Number.NaN }),
  describe: (ds) => `${ds.samples.n} samples: ${ds.stocks.length} toy stocks x ${ds.samples.n / ds.stocks.length} dates`,
  evaluate: async (run) => toyVerdict(run),
};

/** One model's out-of-sample figures: hit rate, and the daily long-short spread of its top and bottom fifths. */
export interface ToyFigures {
  readonly model: string;
  readonly predictions: number;
  readonly dates: number;
  readonly accuracy: number;
  /** Mean next-day return of the top fifth by P(up) minus the bottom fifth's, per date, and its t-statistic. */
  readonly longShort: number;
  readonly longShortT: number;
}

/** Seed-averaged P(up) per (date, stock) of one model, with the label and return. */
function ensemble(run: FinishedRun, model: string): Map<number, { p: number; seeds: number; label: number; ret: number }[]> {
  const cells = new Map<string, { date: number; p: number; seeds: number; label: number; ret: number }>();
  for (const r of run.predictions) {
    if (r.model !== model) continue;
    const key = `${r.date}|${r.product}`;
    const c = cells.get(key) ?? { date: r.date, p: 0, seeds: 0, label: r.label, ret: r.nextReturn };
    c.p += r.probability;
    c.seeds++;
    cells.set(key, c);
  }
  const byDate = new Map<number, { p: number; seeds: number; label: number; ret: number }[]>();
  for (const c of cells.values()) byDate.set(c.date, [...(byDate.get(c.date) ?? []), { ...c, p: c.p / c.seeds }]);
  return byDate;
}

export function toyFigures(run: FinishedRun, model: string): ToyFigures {
  const byDate = ensemble(run, model);
  let hits = 0;
  let n = 0;
  const spreads: number[] = [];
  for (const cells of byDate.values()) {
    for (const c of cells) {
      hits += (c.p > 0.5 ? 1 : 0) === c.label ? 1 : 0;
      n++;
    }
    const sorted = [...cells].sort((a, b) => a.p - b.p);
    const q = Math.max(1, Math.floor(sorted.length / 5));
    const mean = (xs: { ret: number }[]): number => xs.reduce((a, x) => a + x.ret, 0) / xs.length;
    spreads.push(mean(sorted.slice(-q)) - mean(sorted.slice(0, q)));
  }
  const m = spreads.reduce((a, x) => a + x, 0) / spreads.length;
  const sd = Math.sqrt(spreads.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, spreads.length - 1));
  return { model, predictions: n, dates: byDate.size, accuracy: hits / n, longShort: m, longShortT: (m / sd) * Math.sqrt(spreads.length) };
}

async function toyVerdict(run: FinishedRun): Promise<RunVerdict<ToyFigures[]>> {
  const figures = run.models.map((m) => toyFigures(run, m.label));
  const dates = [...new Set(run.predictions.map((r) => r.date))].sort((a, b) => a - b);
  const doc: ReportDocument = {
    title: `Run ${run.runId}: ${run.experiment.name}`,
    intro: [{ kind: 'text', text: `Out of sample: toy stocks, ${isoDate(dates[0]!)} .. ${isoDate(dates[dates.length - 1]!)}, ${dates.length} test dates in ${run.plan.folds.length} folds.` }],
    sections: [
      {
        id: 'cross-section',
        title: 'Out-of-sample cross-section',
        blocks: [
          { kind: 'table', table: { head: ['model', 'predictions', 'accuracy', 'long-short per day', 't'], rows: figures.map((f) => [f.model, String(f.predictions), fmt(f.accuracy), fmt(f.longShort, 5), fmt(f.longShortT, 2)]) } },
          { kind: 'text', text: 'Long-short: per test date, the mean next-day return of the fifth of stocks with the highest P(up) minus that of the lowest fifth.' },
        ],
      },
    ],
  };
  const files = { metrics: join(run.dir, 'metrics.json'), report: join(run.dir, 'report.md'), html: join(run.dir, 'report.html') };
  writeFileSync(files.metrics, toJson(figures));
  writeFileSync(files.report, markdownDocument(doc));
  writeFileSync(files.html, await renderHtmlDocument(doc));
  return {
    figures,
    summary: { accuracy: Object.fromEntries(figures.map((f) => [f.model, f.accuracy])), days: dates.length, from: isoDate(dates[0]!), to: isoDate(dates[dates.length - 1]!) },
    lines: figures.map((f) => `${f.model}: accuracy ${fmt(f.accuracy)}, long-short ${fmt(f.longShort, 5)} a day (t ${fmt(f.longShortT, 2)})`),
    files,
    report: files.html,
  };
}

registerDatasetKind(toyStocksKind);

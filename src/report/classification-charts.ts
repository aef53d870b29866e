// The report's classification charts as Vega-Lite specs (pure): rolling accuracy, calibration
// with its bin counts and intervals, the mean next-day move by probability quintile, and accuracy
// by market regime.

import { rollingMean } from '../features/rolling.js';
import type { BucketRow } from '../futures/breakdowns.js';
import type { Evaluation } from '../futures/evaluate.js';
import { base, colourBy, HEIGHT, lineChart, seriesColours, WIDTH, type Chart } from './chart-kit.js';

export function rollingAccuracyChart(e: Evaluation, window = 60): Chart {
  const series = [...e.models.map((m) => ({ name: m.model, values: rollingMean(e.correct[m.model]!, window) })), { name: 'always-long', values: rollingMean(e.label, window) }];
  return {
    id: 'rolling-accuracy',
    title: `Rolling ${window}-day accuracy`,
    caption: `Share of correct up/down calls over the last ${window} test days, per model, and the up share (what always-long scores, grey); the dashed line is 50%.`,
    spec: lineChart(`Rolling ${window}-day accuracy`, e.dates, series, seriesColours(e), { yTitle: 'accuracy', yFormat: '.0%', rule: 0.5 }),
  };
}

const range = (rows: readonly BucketRow[]): string => {
  const days = rows.map((r) => r.days);
  const lo = Math.min(...days);
  const hi = Math.max(...days);
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
};

/** Per model, a panel: observed up share (with its interval) against the mean predicted P(up) per decile. */
export function calibrationChart(e: Evaluation): Chart {
  const colours = seriesColours(e);
  const models = e.models.map((m) => m.model);
  const all = e.calibration.flatMap((b) => [b.meanProbability, b.upShare.lo, b.upShare.hi]).filter(Number.isFinite);
  const lo = Math.max(0, Math.floor(Math.min(...all, 0.45) * 20) / 20);
  const hi = Math.min(1, Math.ceil(Math.max(...all, 0.55) * 20) / 20);
  const side = Math.max(180, Math.min(HEIGHT, Math.floor(WIDTH / models.length) - 40));
  const panel = (m: string): Record<string, unknown> => {
    const rows = e.calibration.filter((b) => b.model === m);
    const data = rows.map((b) => ({ model: m, predicted: b.meanProbability, observed: b.upShare.estimate, lo: b.upShare.lo, hi: b.upShare.hi, n: b.days }));
    const x = { field: 'predicted', type: 'quantitative', title: 'mean predicted P(up)', scale: { domain: [lo, hi] }, axis: { format: '.2f' } };
    const y = { type: 'quantitative', title: 'observed up share', scale: { domain: [lo, hi] }, axis: { format: '.2f' } };
    return {
      title: { text: `${m}: ${rows.length} bins of ${range(rows)} days`, fontSize: 11 },
      width: side,
      height: side,
      data: { values: data },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { x: { datum: lo, type: 'quantitative', scale: { domain: [lo, hi] } }, y: { datum: lo, type: 'quantitative', scale: { domain: [lo, hi] } }, x2: { datum: hi }, y2: { datum: hi } } },
        { mark: { type: 'rule', color: colours.get(m) }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } } },
        { mark: { type: 'point', filled: true, size: 40, color: colours.get(m) }, encoding: { x, y: { ...y, field: 'observed' } } },
      ],
    };
  };
  return {
    id: 'calibration',
    title: 'Calibration',
    caption: "Observed up share (with its 95% block-bootstrap interval) against the mean predicted P(up) in each decile of a model's probabilities (bins of equal size; the counts are in each panel's title); the dashed diagonal is perfect calibration. At a few hundred days a bin's interval is wide: look for a slope, not for single points.",
    spec: { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: 'Calibration (deciles of predicted P(up), 95% intervals)', background: 'white', config: { font: 'sans-serif' }, hconcat: models.map(panel) },
  };
}

/** Mean next-day move in ticks per probability quintile, per model, with intervals. */
export function bucketChart(e: Evaluation): Chart {
  const models = e.models.map((m) => m.model);
  const rows = e.buckets.map((b) => ({ model: b.model, bucket: `Q${b.bucket}`, ticks: b.meanTicks.estimate, lo: b.meanTicks.lo, hi: b.meanTicks.hi, n: b.days }));
  const buckets = [...new Set(rows.map((r) => r.bucket))];
  const x = { field: 'bucket', type: 'nominal', title: 'quintile of predicted P(up) (Q1 lowest)', sort: buckets, axis: { labelAngle: 0 } };
  const xOffset = { field: 'model', type: 'nominal', sort: models };
  const y = { type: 'quantitative', title: 'mean next-day move (ticks, 95% interval)' };
  const colour = colourBy('model', models, seriesColours(e));
  return {
    id: 'buckets',
    title: 'Next-day move by predicted probability',
    caption: "The test days split into five equal groups by each model's P(up); the mean next-day move of the traded contract in ticks, with 95% block-bootstrap intervals (a long position earns it, a short one loses it, before costs). A model with an edge rises from Q1 to Q5; the dashed line is no move.",
    spec: {
      ...base('Mean next-day move by probability quintile'),
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, xOffset, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: colour } },
        { mark: { type: 'point', filled: true, size: 50 }, encoding: { x, xOffset, y: { ...y, field: 'ticks' }, color: colour } },
        { data: { values: [{ y: 0 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
      ],
    },
  };
}

export function regimeChart(e: Evaluation): Chart {
  const rows: Record<string, unknown>[] = [];
  for (const t of e.regimes) {
    for (const r of t.rows) {
      if (r.n === 0) continue;
      for (const m of e.models) {
        const a = r.accuracy[m.model]!;
        rows.push({ definition: t.definition, regime: r.label, model: m.model, accuracy: a.estimate, lo: a.lo, hi: a.hi, n: r.n });
      }
    }
  }
  const models = e.models.map((m) => m.model);
  const colour = colourBy('model', models, seriesColours(e));
  const order = ['all', 'up', 'down', 'sideways'];
  const x = { field: 'regime', type: 'nominal', title: null, sort: order, axis: { labelAngle: 0 } };
  const xOffset = { field: 'model', type: 'nominal', sort: models };
  // One title on every layer's y, or Vega-Lite joins the field names into one ("accuracy, lo, hi").
  const y = { type: 'quantitative', title: 'accuracy (95% interval)', scale: { zero: false }, axis: { format: '.0%' } };
  return {
    id: 'regimes',
    title: 'Accuracy by regime',
    caption: 'Accuracy per model on all / up / down / sideways test days under each down-market definition (one panel each), with 95% block-bootstrap intervals; the dashed line is 50%.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: 'Accuracy by regime (95% intervals)',
      background: 'white',
      config: { font: 'sans-serif', legend: { orient: 'bottom', direction: 'horizontal' } },
      data: { values: rows },
      facet: { column: { field: 'definition', type: 'nominal', title: null, sort: e.regimes.map((t) => t.definition), header: { labelFontSize: 12 } } },
      spec: {
        width: Math.floor(WIDTH / Math.max(1, e.regimes.length)) - 30,
        height: HEIGHT,
        layer: [
          { mark: { type: 'rule' }, encoding: { x, xOffset, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: colour } },
          { mark: { type: 'point', filled: true, size: 45 }, encoding: { x, xOffset, y: { ...y, field: 'accuracy' }, color: colour } },
          { data: { values: [{ y: 0.5 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { y: { field: 'y', type: 'quantitative', title: 'accuracy (95% interval)' } } },
        ],
      },
    },
  };
}

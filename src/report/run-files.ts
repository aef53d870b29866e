// The files of a finished run beside its config and plan: metrics.json (the whole evaluation),
// predictions.csv (every out-of-sample prediction), report.md and the self-contained report.html.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Evaluation } from '../futures/evaluate.js';
import type { OverfitReport } from '../overfit/analysis.js';
import type { PredictionRecord } from '../eval/run/runs.js';
import { isoDate } from '../market/calendar.js';
import { toJson } from '../eval/run/json.js';
import { renderHtmlDocument } from './html.js';
import { jsonDocument, type JsonReport } from './json.js';
import { markdownDocument } from './markdown.js';
import { runReport, type RunInfo } from './sections.js';

export { toJson } from '../eval/run/json.js';

export function predictionsCsv(rows: readonly PredictionRecord[]): string {
  const head = 'model,seed,fold,date,product,contract,traded_contract,probability,label,next_return,next_ticks';
  const num = (x: number): string => (Number.isFinite(x) ? String(x) : '');
  return [head, ...rows.map((r) => [r.model, r.seed, r.fold, isoDate(r.date), r.product, r.contract, r.tradedContract ?? '', num(r.probability), r.label, num(r.nextReturn), num(r.nextTicks)].join(','))].join('\n') + '\n';
}

export interface RunFiles {
  readonly metrics: string;
  readonly predictions: string;
  readonly report: string;
  readonly html: string;
}

/**
 * Writes the run's files and gives back their paths and the report's sections as JSON (the same
 * sections as report.md, also in metrics.json under "report"). With `overfit` (bft overfit-check),
 * the reports gain its section and overfit.json is written.
 */
export async function writeRunFiles(dir: string, info: RunInfo, e: Evaluation, predictions: readonly PredictionRecord[], overfit?: OverfitReport): Promise<{ files: RunFiles; report: JsonReport }> {
  const files = { metrics: join(dir, 'metrics.json'), predictions: join(dir, 'predictions.csv'), report: join(dir, 'report.md'), html: join(dir, 'report.html') };
  const doc = runReport(info, e, overfit);
  const report = jsonDocument(doc);
  writeFileSync(files.metrics, toJson({ run: info, evaluation: e, report }));
  writeFileSync(files.predictions, predictionsCsv(predictions));
  writeFileSync(files.report, markdownDocument(doc));
  writeFileSync(files.html, await renderHtmlDocument(doc));
  if (overfit) writeFileSync(join(dir, 'overfit.json'), toJson(overfit));
  return { files, report };
}

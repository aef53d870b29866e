// bft equity analyze's work (the store and file edge of ./analysis.ts): a style's exposures, or a
// score read from a CSV (date, code, score), optionally neutralised, then the tear sheet and its
// report written.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../data/store.js';
import { sqlString } from '../data/store.js';
import { BftError } from '../errors.js';
import { renderHtmlDocument } from '../report/html.js';
import { jsonDocument } from '../report/json.js';
import { markdownDocument } from '../report/markdown.js';
import { tearSheet, type QuantileWeighting, type TearSheet } from './analysis.js';
import { neutralize } from './cross-section.js';
import { size as sizeOf } from './descriptors.js';
import { STYLES, styleExposures, type StyleName } from './exposures.js';
import { loadPanel, type PanelOptions } from './load.js';
import { cell, type StockPanel } from './panel.js';
import { tearSheetReport } from './tear-sheet-report.js';

export type Neutralization = 'none' | 'industry' | 'industry-size';

export interface AnalyzeOptions extends PanelOptions {
  /** A style of the model (exposures.ts STYLES), or null with `scoreFile`. */
  readonly factor?: string | undefined;
  /** CSV with columns date, code, score: any signal to analyse. */
  readonly scoreFile?: string | undefined;
  readonly neutralize?: Neutralization;
  readonly horizon?: number;
  readonly quantiles?: number;
  readonly weights?: QuantileWeighting;
  readonly out?: string | undefined;
  readonly command: string;
  readonly onStage?: (stage: string) => void;
}

export interface AnalyzeResult {
  readonly factor: string;
  readonly sheet: TearSheet;
  readonly files: { readonly markdown: string; readonly html: string; readonly json: string };
}

/** Throws BftError 'bad_option' for an unknown factor, neither or both of factor and score file; 'file_unreadable' for a score file DuckDB cannot read. */
export async function analyzeFactor(store: Store, o: AnalyzeOptions): Promise<AnalyzeResult> {
  if ((o.factor === undefined) === (o.scoreFile === undefined)) throw new BftError('bad_option', 'name one score: --factor STYLE (one of the model\'s styles) or --score FILE (CSV: date, code, score)');
  if (o.factor !== undefined && !(STYLES as readonly string[]).includes(o.factor)) throw new BftError('bad_option', `--factor ${o.factor}: not a style; the styles are ${STYLES.join(', ')}`);
  o.onStage?.('loading the panel');
  const p = await loadPanel(store, o);
  o.onStage?.(o.factor ? `computing ${o.factor} exposures` : `reading ${o.scoreFile}`);
  const raw = o.factor !== undefined ? styleExposures(p, { styles: [o.factor as StyleName] }).styles[0]!.exposure : await readScores(store, p, o.scoreFile!);
  const how = o.neutralize ?? 'none';
  const score = how === 'none' ? raw : neutralized(p, raw, how === 'industry-size');
  o.onStage?.('computing the tear sheet');
  const sheet = tearSheet(score, p, { horizon: o.horizon ?? 1, quantiles: o.quantiles ?? 10, quantileWeights: o.weights ?? 'equal' });
  const name = o.factor ?? o.scoreFile!.split('/').pop()!;
  const doc = tearSheetReport(sheet, {
    factor: name,
    universe: `${o.index ? `${o.index} members` : 'every stock in the store'}: ${p.codes.length} stocks, ${p.dates[0]} .. ${p.dates.at(-1)}`,
    preparation: how === 'none' ? 'as given' : how === 'industry' ? `neutralised to ${p.classification.name} industries each date` : `neutralised to ${p.classification.name} industries and size each date`,
    caveats: o.index ? [`${o.index} membership may be one list applied back in time (bft equity panel says): survivors only.`] : [],
    command: o.command,
  });
  const dir = o.out ?? join('experiments', 'equity-factors', 'runs', `tear-sheet-${name.replace(/[^\w.-]/g, '_')}`);
  mkdirSync(dir, { recursive: true });
  const files = { markdown: join(dir, 'report.md'), html: join(dir, 'report.html'), json: join(dir, 'report.json') };
  writeFileSync(files.markdown, markdownDocument(doc));
  writeFileSync(files.html, await renderHtmlDocument(doc));
  writeFileSync(files.json, JSON.stringify({ factor: name, ic: sheet.ic.summary, rankIc: sheet.rankIc.summary, quantiles: sheet.quantiles.mean, spread: { mean: sheet.quantiles.spread.mean, interval: sheet.quantiles.spread.interval, sharpe: sheet.quantiles.spread.sharpe }, turnover: { top: sheet.turnover.meanTop, bottom: sheet.turnover.meanBottom }, autocorrelation: sheet.autocorrelation.mean, decay: sheet.decay, report: jsonDocument(doc) }, null, 2) + '\n');
  return { factor: name, sheet, files };
}

/** The score neutralised each date to industries (and ln cap), weighted by sqrt(float cap). */
function neutralized(p: StockPanel, score: Float64Array, withSize: boolean): Float64Array {
  const out = new Float64Array(score.length).fill(Number.NaN);
  const size = withSize ? sizeOf(p) : null;
  for (let t = 0; t < p.dates.length; t++) {
    const a = cell(p, t, 0);
    const b = cell(p, t + 1, 0);
    const x = score.subarray(a, b);
    if (!x.some(Number.isFinite)) continue;
    out.set(neutralize(x, { industry: p.industry, ...(size ? { size: size.subarray(a, b) } : {}), weights: Float64Array.from(p.floatCap.subarray(a, b), (c) => (c > 0 ? Math.sqrt(c) : Number.NaN)) }), a);
  }
  return out;
}

/** A score CSV (date, code, score) placed on the panel; stocks or dates outside it are ignored. */
async function readScores(store: Store, p: StockPanel, path: string): Promise<Float64Array> {
  let rows: { date: string; code: string; score: number | null }[];
  try {
    rows = await store.all(`SELECT strftime(CAST(date AS DATE), '%Y-%m-%d') AS date, CAST(code AS VARCHAR) AS code, TRY_CAST(score AS DOUBLE) AS score FROM read_csv(${sqlString(path)}, header = true)`);
  } catch (e) {
    throw new BftError('file_unreadable', `${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (expected a CSV with columns date, code, score)`, { path });
  }
  const at = new Map(p.dates.map((d, t) => [d, t]));
  const col = new Map(p.codes.map((c, j) => [c, j]));
  const out = new Float64Array(p.dates.length * p.codes.length).fill(Number.NaN);
  let placed = 0;
  for (const r of rows) {
    const t = at.get(r.date);
    const j = col.get(r.code);
    if (t === undefined || j === undefined || r.score === null) continue;
    out[cell(p, t, j)] = r.score;
    placed++;
  }
  if (placed === 0) throw new BftError('no_data', `${path}: no score falls on a stock and date of the panel (${rows.length} rows read)`, { path });
  return out;
}

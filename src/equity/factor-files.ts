// bft equity factors' work (the store and file edge of ./model.ts and ./factor-report.ts): the
// panel loaded, the model fitted, the caveats of the data found, the report and the daily factor
// returns written.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../data/store.js';
import { BftError } from '../errors.js';
import { isoDateProblem } from '../market/calendar.js';
import { renderHtmlDocument } from '../report/html.js';
import { jsonDocument } from '../report/json.js';
import { markdownDocument } from '../report/markdown.js';
import { factorReport } from './factor-report.js';
import { loadPanel, type PanelOptions } from './load.js';
import { fitFactorModel, periodReturns, type FactorModel, type PeriodReturn } from './model.js';
import { cell, type StockPanel } from './panel.js';

export interface FactorReportOptions extends PanelOptions {
  readonly asOf?: string | undefined;
  readonly out?: string | undefined;
  readonly command: string;
  readonly onStage?: (stage: string) => void;
}

export interface FactorReportResult {
  readonly asOf: string;
  readonly rows: readonly PeriodReturn[];
  readonly caveats: readonly string[];
  readonly files: { readonly markdown: string; readonly html: string; readonly json: string; readonly csv: string };
}

export async function writeFactorReport(store: Store, o: FactorReportOptions): Promise<FactorReportResult> {
  if (o.asOf !== undefined && isoDateProblem(o.asOf) !== null) throw new BftError('bad_option', `--asof ${o.asOf}: ${isoDateProblem(o.asOf)}`);
  o.onStage?.('loading the panel');
  const p = await loadPanel(store, o);
  if (o.asOf !== undefined && o.asOf < p.dates[0]!) throw new BftError('bad_option', `--asof ${o.asOf} is before the panel's first date ${p.dates[0]}`);
  const staticIndex = o.index !== undefined && (await store.all<{ n: number }>(`SELECT count(*) AS n FROM index_members WHERE index_code = $1 AND NOT historical`, [o.index]))[0]!.n > 0;
  o.onStage?.(`fitting the factor model: ${p.codes.length} stocks x ${p.dates.length} dates`);
  const m = fitFactorModel(p);
  const asOf = o.asOf ?? p.dates.at(-1)!;
  const { asOf: date, rows } = periodReturns(m, asOf);
  const caveats = dataCaveats(p, m, o.index, staticIndex);
  const universe = o.index ? `${o.index} members${staticIndex ? ' (one list applied back in time)' : ''}` : 'every stock in the store';
  const doc = factorReport(p, m, date, { universe, caveats, command: o.command });
  const dir = o.out ?? join('experiments', 'equity-factors', 'runs', date);
  mkdirSync(dir, { recursive: true });
  const files = { markdown: join(dir, 'report.md'), html: join(dir, 'report.html'), json: join(dir, 'report.json'), csv: join(dir, 'factor-returns.csv') };
  writeFileSync(files.markdown, markdownDocument(doc));
  writeFileSync(files.html, await renderHtmlDocument(doc));
  writeFileSync(files.json, JSON.stringify({ asOf: date, rows, caveats, report: jsonDocument(doc) }, null, 2) + '\n');
  writeFileSync(files.csv, factorCsv(m));
  return { asOf: date, rows, caveats, files };
}

/** Daily factor returns, a column per factor (empty where not estimated). */
function factorCsv(m: FactorModel): string {
  const s = m.series;
  const P = s.factors.length;
  const lines = [['date', ...s.factors].join(',')];
  s.dates.forEach((d, t) => lines.push([d, ...s.factors.map((_, k) => (Number.isFinite(s.returns[t * P + k]!) ? String(s.returns[t * P + k]) : ''))].join(',')));
  return lines.join('\n') + '\n';
}

/** What a reader of these figures must know about the data, found in the data itself. */
export function dataCaveats(p: StockPanel, m: FactorModel, index: string | undefined, staticIndex: boolean): string[] {
  const out: string[] = [];
  if (staticIndex) out.push(`${index} membership is one list applied back in time, not a history: the panel holds today's survivors, so its past returns are biased upwards.`);
  const N = p.codes.length;
  const noValuation = p.dates.filter((_, t) => !Array.from({ length: N }, (__, j) => p.bookToPrice[cell(p, t, j)]!).some(Number.isFinite));
  if (noValuation.length > 0) out.push(`Valuation ratios are missing for every stock on ${noValuation.length} date(s) (${noValuation.slice(0, 3).join(', ')}): Book-to-Price and Earnings Yield sit those dates out or are filled.`);
  const firstReport = p.fundamentals.reduce((a, r) => (a === '' || r.announced < a ? r.announced : a), '');
  if (firstReport > p.dates[0]!) out.push(`Quarterly reports start on ${firstReport}: Growth and Profitability exist only after it${firstReport > '2020' ? ', and the total market cap (Size) falls back to the float cap before it' : ''}.`);
  else if (firstReport === '') out.push('No quarterly reports: Growth, Leverage and Profitability are not in the model; Size uses the float cap.');
  for (const s of m.exposures.styles) {
    const cov = m.exposures.coverage[s.name] ?? 0;
    const first = p.dates.findIndex((_, t) => s.exposure.subarray(cell(p, t, 0), cell(p, t + 1, 0)).some(Number.isFinite));
    if (cov < 0.05) out.push(`${s.name}: data for ${(100 * cov).toFixed(1)}% of stock-days, too few: left out of the model${s.name === 'leverage' ? ' (the reports carry no balance sheet)' : s.name === 'growth' ? ' (year-over-year growth needs the same quarter of the year before)' : ''}.`);
    else if (first > 0) out.push(`${s.name}: first exposure on ${p.dates[first]} (its descriptor windows need the history before it).`);
  }
  const suspended = p.tradable.length - p.tradable.reduce((a, b) => a + b, 0);
  if (suspended > 0) out.push(`${suspended} stock-days without a trade (suspended, not yet listed or delisted) are out of those days' regressions.`);
  return out;
}

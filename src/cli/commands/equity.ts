// bft equity ingest FILE... | synth | panel | factors: the A-share stock panel in the store and its factor model.

import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { rejectLine } from '../../data/messages.js';
import { ingestStocks } from '../../data/stocks/ingest.js';
import { loadPanel } from '../../equity/load.js';
import { shareOption, wholeNumberOption } from '../options.js';
import { table } from '../output.js';
import { pct } from '../../report/tables.js';
import { withExamples, withJsonOption, withStore, withStoreOptions, type JsonArgs, type StoreArgs } from './common.js';

interface EquityIngestArgs extends StoreArgs, JsonArgs {
  files: string[];
  index?: string | undefined;
  historical: boolean;
  classification?: string | undefined;
  'max-reject-share': number;
  replace: boolean;
}

const DATA = '../shared/data';

const ingestCommand: CommandModule<object, EquityIngestArgs> = {
  command: 'ingest <files..>',
  describe: 'validate A-share files (daily bars, industries, quarterly reports, securities, index members; layout told by the header) and load them into the store in one transaction',
  builder: (y: Argv) =>
    withExamples(withJsonOption(withStoreOptions(y), 'the ingest summary (per file: layout, rows read, loaded, rejected, collapsed; bars new, updated, unchanged; every reject)'), [
      [`bft equity ingest ${DATA}/ashare-hs300-baostock-daily/*.csv.gz ${DATA}/ashare-hs300-baostock-meta/roe_hs300.csv`, 'bars and quarterly reports'],
      [`bft equity ingest ${DATA}/ashare-hs300-baostock-meta/hs300_stocks_2026-02-26.csv --index CSI300`, 'a constituent list (a static list, flagged as such)'],
    ])
      .positional('files', { type: 'string', demandOption: true, default: undefined, describe: 'CSV files (.csv, .csv.gz) in the BaoStock layouts (docs/data-formats.md)' })
      .option('index', { type: 'string', describe: 'the index a constituent file lists, e.g. CSI300 (required with such a file)' })
      .option('historical', { type: 'boolean', default: false, describe: 'the constituent file is a membership history (default: one list applied back in time, flagged as such)' })
      .option('classification', { type: 'string', describe: 'name of the industry classification of industry files (default: from the file: CSRC, SW1)' })
      .option('max-reject-share', { type: 'number', default: 0.2, describe: 'abort, writing nothing, when more than this share of rows is rejected' })
      .option('replace', { type: 'boolean', default: false, describe: 'overwrite stored bars that the files give differently (else such rows are rejected as conflicts)' })
      .coerce('max-reject-share', shareOption('max-reject-share')) as unknown as Argv<EquityIngestArgs>,
  handler: (args) =>
    withStore(args, async (store, out) => {
      const s = await ingestStocks(store, { files: args.files, index: args.index, historical: args.historical, classification: args.classification, replace: args.replace, maxRejectShare: args['max-reject-share'] });
      out.result(table(['file', 'layout', 'rows', 'loaded', 'rejected', 'collapsed'], s.files.map((f) => [f.path.split('/').pop()!, f.layout, String(f.rowsRead), String(f.rowsLoaded), String(f.rejected), String(f.collapsed)])));
      out.result(`ingest ${s.ingestId}: daily bars ${s.bars.inserted} new, ${s.bars.updated} updated, ${s.bars.unchanged} unchanged; ${s.rejects.length} reject(s)`);
      for (const r of s.rejects.slice(0, 10)) out.result(`  ${rejectLine(r)}`);
      if (s.rejects.length > 10) out.result(`  ... ${s.rejects.length - 10} more: SELECT * FROM rejects WHERE ingest_id = ${s.ingestId}`);
      out.document({ store: store.path, ...s });
    }),
};

interface PanelArgs extends StoreArgs, JsonArgs {
  index?: string | undefined;
  classification?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const panelCommand: CommandModule<object, PanelArgs> = {
  command: 'panel',
  describe: 'what the stock panel holds: dates, stocks, coverage of caps, valuations and reports, the industry classification, and the caveats of its universe',
  builder: (y: Argv) =>
    withJsonOption(withStoreOptions(y), 'the panel summary')
      .option('index', { type: 'string', describe: 'only the members of this index (e.g. CSI300)' })
      .option('classification', { type: 'string', describe: 'industry classification (default: the one covering the most stocks)' })
      .option('from', { type: 'string', describe: 'first date (YYYY-MM-DD)' })
      .option('to', { type: 'string', describe: 'last date (YYYY-MM-DD)' }) as unknown as Argv<PanelArgs>,
  handler: (args) =>
    withStore(
      args,
      async (store, out) => {
        const p = await loadPanel(store, { index: args.index, classification: args.classification, from: args.from, to: args.to });
        const cells = p.dates.length * p.codes.length;
        const share = (m: ArrayLike<number>): string => `${((100 * Array.prototype.filter.call(m, (x: number) => Number.isFinite(x)).length) / cells).toFixed(1)}%`;
        const tradable = p.tradable.reduce((a, b) => a + b, 0);
        const memberRows = args.index ? await store.all<{ historical: boolean; n: number }>(`SELECT historical, count(*) AS n FROM index_members WHERE index_code = $1 GROUP BY 1`, [args.index]) : [];
        const staticList = memberRows.some((r) => !r.historical);
        const summary = {
          from: p.dates[0]!,
          to: p.dates.at(-1)!,
          dates: p.dates.length,
          stocks: p.codes.length,
          stockDaysTraded: tradable,
          floatCap: share(p.floatCap),
          totalCap: share(p.totalCap),
          bookToPrice: share(p.bookToPrice),
          reports: p.fundamentals.length,
          classification: p.classification,
          industries: p.industries.length,
          unclassified: [...p.industry].filter((i) => i < 0).length,
          staticIndexList: staticList,
        };
        out.result(
          table(
            ['', ''],
            [
              ['dates', `${summary.from} .. ${summary.to} (${summary.dates})`],
              ['stocks', `${summary.stocks}${args.index ? ` (members of ${args.index})` : ''}`],
              ['stock-days traded', String(tradable)],
              ['float cap / total cap / book-to-price known', `${summary.floatCap} / ${summary.totalCap} / ${summary.bookToPrice} of stock-days`],
              ['quarterly reports', String(summary.reports)],
              ['industries', `${summary.industries} (${p.classification.name} as of ${p.classification.asOf}); ${summary.unclassified} stock(s) unclassified`],
            ],
          ),
        );
        if (staticList) out.warn(`${args.index} membership is one list applied back in time, not a history: results on it are survivorship-biased`);
        out.document(summary);
      },
      { mode: 'read' },
    ),
};

interface EquitySynthArgs extends StoreArgs, JsonArgs {
  seed?: number | undefined;
  stocks?: number | undefined;
  industries?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
  out?: string | undefined;
}

const synthCommand: CommandModule<object, EquitySynthArgs> = {
  command: 'synth',
  describe: 'generate a seeded synthetic A-share market with a known factor model (src/synth/equity/README.md) in the vendor layouts, and ingest it (index SYNTH)',
  builder: (y: Argv) =>
    withExamples(withJsonOption(withStoreOptions(y), 'what was generated and the ingest summary'), [
      ['bft equity synth --stocks 300', 'five years of 300 stocks into the default store'],
      ['bft equity synth --stocks 3000 --out /tmp/eq --db /tmp/eq.duckdb', 'a large market, its files and truth.json kept'],
    ])
      .option('seed', { type: 'number', describe: 'seed (default 7): the same options give the same files, byte for byte' })
      .option('stocks', { type: 'number', describe: 'stocks, 50 to 5000 (default 300)' })
      .option('industries', { type: 'number', describe: 'industries, 2 to stocks / 5 (default 20)' })
      .option('from', { type: 'string', describe: 'first date (default 2020-01-02)' })
      .option('to', { type: 'string', describe: 'last date (default 2024-12-31)' })
      .option('out', { type: 'string', describe: 'folder for the CSV files and truth.json (default datasets/synth/equity)' }) as unknown as Argv<EquitySynthArgs>,
  handler: (args) =>
    withStore(args, async (store, out) => {
      const { writeSynthEquityMarket } = await import('../../synth/equity/index.js');
      const dir = args.out ?? join('datasets', 'synth', 'equity');
      out.info(`generating ${args.stocks ?? 300} stocks into ${dir}`);
      const g = writeSynthEquityMarket({ seed: args.seed, stocks: args.stocks, industries: args.industries, from: args.from, to: args.to }, dir);
      out.info(`ingesting ${g.rows.daily} daily rows`);
      const f = g.files;
      const s = await ingestStocks(store, { files: [f.daily, f.industry, f.fundamentals, f.securities, f.universe], index: 'SYNTH' });
      out.result(`synthetic equity market: ${g.stocks} stocks, ${g.firstDate} .. ${g.lastDate} (${g.days} days); files and truth.json in ${g.outDir}`);
      out.result(`ingest ${s.ingestId}: daily bars ${s.bars.inserted} new, ${s.bars.updated} updated, ${s.bars.unchanged} unchanged; ${s.rejects.length} reject(s)`);
      for (const r of s.rejects.slice(0, 10)) out.result(`  ${rejectLine(r)}`);
      out.document({ store: store.path, generated: g, ingest: s });
    }),
};

interface FactorsArgs extends PanelArgs {
  asof?: string | undefined;
  out?: string | undefined;
}

const factorsCommand: CommandModule<object, FactorsArgs> = {
  // `bft equity factors report --asof DATE` reads as the issue wrote it; the word changes nothing.
  command: 'factors [report]',
  describe: "fit the style factor model (CNE5-style exposures, daily cross-sectional WLS on country, industries and styles) and report each factor's return over the week, month and year to --asof, with cumulative factor return charts",
  builder: (y: Argv) =>
    withExamples(withJsonOption(withStoreOptions(y), 'the factor returns over the week, month and year to date, the files written and the caveats'), [
      ['bft equity factors report --asof 2025-03-28', 'the week to 28 March 2025'],
      ['bft equity factors --index CSI300 --classification SW1', 'CSI 300 members, Shenwan industries, to the last date'],
    ])
      .positional('report', { choices: ['report'] as const, describe: 'optional: bft equity factors report is the same command' })
      .option('asof', { type: 'string', describe: 'report date (YYYY-MM-DD; default the last date of the panel)' })
      .option('out', { type: 'string', describe: 'folder for report.md, report.html, report.json and factor-returns.csv (default experiments/equity-factors/runs/<asof>)' })
      .option('index', { type: 'string', describe: 'only the members of this index (e.g. CSI300)' })
      .option('classification', { type: 'string', describe: 'industry classification (default: the one covering the most stocks)' })
      .option('from', { type: 'string', describe: 'first date of the panel (YYYY-MM-DD)' })
      .option('to', { type: 'string', describe: 'last date of the panel (YYYY-MM-DD)' }) as unknown as Argv<FactorsArgs>,
  handler: (args) =>
    withStore(
      args,
      async (store, out) => {
        const { writeFactorReport } = await import('../../equity/factor-files.js');
        const r = await writeFactorReport(store, { index: args.index, classification: args.classification, from: args.from, to: args.to, asOf: args.asof, out: args.out, command: `bft equity factors${process.argv.slice(4).length > 0 ? ` ${process.argv.slice(4).join(' ')}` : ''}`, onStage: (s) => out.info(s) });
        out.result(table(['factor', 'week', 'month', 'YTD', 'days', 'mean |t|'], r.rows.filter((x) => x.kind !== 'industry').map((x) => [x.factor, pctCell(x.week), pctCell(x.month), pctCell(x.ytd), String(x.ytdDays), x.meanAbsT.toFixed(2)])));
        for (const c of r.caveats) out.warn(c);
        out.result(`report: ${r.files.html} (and report.md, report.json, factor-returns.csv beside it)`);
        out.document(r);
      },
      { mode: 'read' },
    ),
};

interface AnalyzeArgs extends PanelArgs {
  factor?: string | undefined;
  score?: string | undefined;
  neutralize: 'none' | 'industry' | 'industry-size';
  horizon: number;
  quantiles: number;
  weights: 'equal' | 'cap';
  out?: string | undefined;
}

const analyzeCommand: CommandModule<object, AnalyzeArgs> = {
  command: 'analyze',
  describe: "a factor's tear sheet: IC and Rank IC with intervals, quantile returns and the long-short spread, turnover, autocorrelation and decay, for a style of the model (--factor) or any score (--score FILE)",
  builder: (y: Argv) =>
    withExamples(withJsonOption(withStoreOptions(y), 'the IC summaries, quantile means, spread, turnover, decay and the files written'), [
      ['bft equity analyze --factor momentum --neutralize industry', 'industry-neutral momentum'],
      ['bft equity analyze --score my-signal.csv --horizon 5 --quantiles 5', 'a signal of your own (date, code, score), weekly'],
    ])
      .option('factor', { type: 'string', describe: 'a style of the model: size, beta, momentum, residual_volatility, non_linear_size, book_to_price, liquidity, earnings_yield, growth, leverage, profitability' })
      .option('score', { type: 'string', describe: 'a CSV of your own score: columns date, code, score (known at the close of date)' })
      .option('neutralize', { choices: ['none', 'industry', 'industry-size'] as const, default: 'none' as const, describe: 'neutralise the score each date to industries (and size) first' })
      .option('horizon', { type: 'number', default: 1, describe: 'holding horizon in trading days' })
      .option('quantiles', { type: 'number', default: 10, describe: 'quantile groups (10: deciles)' })
      .option('weights', { choices: ['equal', 'cap'] as const, default: 'equal' as const, describe: 'weighting inside a quantile' })
      .option('out', { type: 'string', describe: 'folder for report.md, report.html and report.json (default experiments/equity-factors/runs/tear-sheet-<name>)' })
      .option('index', { type: 'string', describe: 'only the members of this index (e.g. CSI300)' })
      .option('classification', { type: 'string', describe: 'industry classification for --neutralize (default: the one covering the most stocks)' })
      .option('from', { type: 'string', describe: 'first date of the panel (YYYY-MM-DD)' })
      .option('to', { type: 'string', describe: 'last date of the panel (YYYY-MM-DD)' })
      .coerce('horizon', wholeNumberOption('horizon', 1))
      .coerce('quantiles', wholeNumberOption('quantiles', 2)) as unknown as Argv<AnalyzeArgs>,
  handler: (args) =>
    withStore(
      args,
      async (store, out) => {
        const { analyzeFactor } = await import('../../equity/analyze-files.js');
        const r = await analyzeFactor(store, { factor: args.factor, scoreFile: args.score, neutralize: args.neutralize, horizon: args.horizon, quantiles: args.quantiles, weights: args.weights, out: args.out, index: args.index, classification: args.classification, from: args.from, to: args.to, command: `bft equity ${process.argv.slice(3).join(' ')}`, onStage: (s) => out.info(s) });
        const s = r.sheet;
        const ic = (x: typeof s.ic.summary): string => `${x.mean.toFixed(4)} [${x.interval.lo.toFixed(4)}, ${x.interval.hi.toFixed(4)}], ICIR ${x.icirAnnualised.toFixed(2)} a year, ${(100 * x.positiveShare).toFixed(0)}% of ${x.dates} dates > 0`;
        out.result(`${r.factor}: IC ${ic(s.ic.summary)}`);
        out.result(`${r.factor}: Rank IC ${ic(s.rankIc.summary)}`);
        out.result(table(['quantile', `mean ${s.horizon}-day return`, '95% CI'], s.quantiles.mean.map((m, i) => [`Q${i + 1}`, pctCell(m.estimate), `[${pctCell(m.lo)}, ${pctCell(m.hi)}]`])));
        out.result(`spread Q${s.quantiles.quantiles} - Q1: ${pctCell(s.quantiles.spread.mean)} [${pctCell(s.quantiles.spread.interval.lo)}, ${pctCell(s.quantiles.spread.interval.hi)}], Sharpe ${s.quantiles.spread.sharpe.toFixed(2)}; top-quantile turnover ${pctCell(s.turnover.meanTop)}; rank autocorrelation ${s.autocorrelation.mean.toFixed(3)}`);
        out.result(`decay (Rank IC): ${s.decay.map((d) => `${d.horizon}d ${d.summary.mean.toFixed(4)}`).join(', ')}`);
        out.result(`report: ${r.files.html}`);
        out.document({ factor: r.factor, ic: s.ic.summary, rankIc: s.rankIc.summary, quantiles: s.quantiles.mean, spread: { mean: s.quantiles.spread.mean, interval: s.quantiles.spread.interval, sharpe: s.quantiles.spread.sharpe }, turnover: { top: s.turnover.meanTop, bottom: s.turnover.meanBottom }, autocorrelation: s.autocorrelation.mean, decay: s.decay, files: r.files });
      },
      { mode: 'read' },
    ),
};

const pctCell = (x: number): string => pct(x, 2);

export const equityCommand: CommandModule = {
  command: 'equity',
  describe: 'the A-share stock panel and its factors',
  builder: (y: Argv) => y.command(ingestCommand).command(synthCommand).command(panelCommand).command(factorsCommand).command(analyzeCommand).demandCommand(1, 'name an equity command: ingest, synth, panel, factors, analyze'),
  handler: () => undefined,
};

// Writes a generated equity market in the real BaoStock layouts (daily.csv, industry.csv,
// fundamentals.csv, securities.csv, universe.csv) plus truth.json. Same market, same bytes: rows in
// code order (C-locale), then date; numbers formatted from integers where the vendor's are exact.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvBytes } from '../csv.js';
import { writeCents4, writeMoneyCents, writeRatio, writeRoundedSigned, writeSigned, writeWhole } from './format.js';
import { EQUITY_MODEL, STYLES } from './model.js';
import type { SynthEquityMarket } from './simulate.js';

export const EQUITY_FILE_NAMES = {
  daily: 'daily.csv',
  industry: 'industry.csv',
  fundamentals: 'fundamentals.csv',
  securities: 'securities.csv',
  universe: 'universe.csv',
  truth: 'truth.json',
} as const;

/** BaoStock query_history_k_data_plus columns, in the real file's order. */
export const EQUITY_DAILY_HEADER = 'volume,code,psTTM,high,adjustflag,tradestatus,pbMRQ,preclose,pctChg,open,close,peTTM,isST,turn,pcfNcfTTM,low,date,amount,time';
export const EQUITY_INDUSTRY_HEADER = 'updateDate,code,code_name,industry,industryClassification';
/** The real roe_hs300.csv columns plus four balance-sheet columns the real file lacks. */
export const EQUITY_FUNDAMENTALS_HEADER =
  'code,pubDate,statDate,roeAvg,npMargin,gpMargin,netProfit,epsTTM,MBRevenue,totalShare,liqaShare,totalAssets,totalLiabilities,longTermDebt,bookEquity';
export const EQUITY_SECURITIES_HEADER = 'code,code_name,ipoDate,outDate,type,status';
export const EQUITY_UNIVERSE_HEADER = 'updateDate,code,code_name';
/** industryClassification written in industry.csv. */
export const EQUITY_CLASSIFICATION = 'synthetic';

export interface SynthEquitySummary {
  readonly outDir: string;
  /** Paths of the files written. */
  readonly files: { readonly [K in keyof typeof EQUITY_FILE_NAMES]: string };
  /** Data rows (no header) per CSV file. */
  readonly rows: { readonly daily: number; readonly industry: number; readonly fundamentals: number; readonly securities: number; readonly universe: number };
  readonly stocks: number;
  /** Trading days and the first and last of them. */
  readonly days: number;
  readonly firstDate: string;
  readonly lastDate: string;
  /** Shares of the daily rows: suspended, closed at a limit price, ST. */
  readonly suspendedShare: number;
  readonly limitShare: number;
  readonly stShare: number;
  readonly corporateActions: number;
}

/** The trading-day indices whose exposures truth.json keeps: 0, every, 2 every, ..., and the last. */
export function exposureSampleIndices(days: number, every: number = EQUITY_MODEL.exposures.sampleEvery): number[] {
  const out: number[] = [];
  for (let t = 0; t < days; t += every) out.push(t);
  if (out[out.length - 1] !== days - 1) out.push(days - 1);
  return out;
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Writes every file of `m` into outDir (created if missing). */
export function writeSynthEquityFiles(m: SynthEquityMarket, outDir: string): SynthEquitySummary {
  mkdirSync(outDir, { recursive: true });
  const plan = m.plan;
  const { stocks, dates } = plan;
  const N = stocks.length;
  const T = dates.length;
  const files = {
    daily: join(outDir, EQUITY_FILE_NAMES.daily),
    industry: join(outDir, EQUITY_FILE_NAMES.industry),
    fundamentals: join(outDir, EQUITY_FILE_NAMES.fundamentals),
    securities: join(outDir, EQUITY_FILE_NAMES.securities),
    universe: join(outDir, EQUITY_FILE_NAMES.universe),
    truth: join(outDir, EQUITY_FILE_NAMES.truth),
  };

  // daily.csv
  const w = new CsvBytes(files.daily, EQUITY_DAILY_HEADER);
  let suspendedRows = 0;
  let limitRows = 0;
  let stRows = 0;
  try {
    for (let j = 0; j < N; j++) {
      const s = stocks[j]!;
      for (let t = s.ipoIndex; t < s.endIndex; t++) {
        const c0 = t * N + j;
        const susp = plan.suspended[c0]!;
        const pc = m.preclose[c0]!;
        const c = m.close[c0]!;
        const date = dates[t]!;
        const st = plan.st[c0] === 1;
        if (susp !== 0) suspendedRows++;
        if (m.limit[c0] !== 0) limitRows++;
        if (st) stRows++;
        w.room(512);
        if (susp === 0) w.uint(m.volume[c0]!);
        else if (susp === 1) w.uint(0);
        w.comma().text(s.code).comma();
        writeRatio(w, m.psTTM[c0]!);
        w.comma();
        writeCents4(w, m.high[c0]!);
        w.comma().text('3').comma().text(susp === 0 ? '1' : '0').comma();
        writeRatio(w, m.pbMRQ[c0]!);
        w.comma();
        writeCents4(w, pc);
        w.comma();
        if (susp !== 2) writeRoundedSigned(w, ((c - pc) / pc) * 100, 4, 6);
        w.comma();
        writeCents4(w, m.open[c0]!);
        w.comma();
        writeCents4(w, c);
        w.comma();
        writeRatio(w, m.peTTM[c0]!);
        w.comma().text(st ? '1' : '0').comma();
        if (susp === 0) writeRoundedSigned(w, (m.volume[c0]! / m.floatShares[c0]!) * 100, 4, 6);
        w.comma();
        writeRatio(w, m.pcfNcfTTM[c0]!);
        w.comma();
        writeCents4(w, m.low[c0]!);
        w.comma().text(date).comma();
        if (susp === 0) writeMoneyCents(w, Math.round(m.amount[c0]! * 100));
        else if (susp === 1) writeMoneyCents(w, 0);
        w.comma().text(date).end();
      }
    }
  } finally {
    w.close();
  }
  const dailyRows = w.rows;

  // fundamentals.csv (by code, then period)
  const fw = new CsvBytes(files.fundamentals, EQUITY_FUNDAMENTALS_HEADER);
  try {
    for (let j = 0; j < N; j++) {
      const reps = [...plan.reports[j]!].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.announced < b.announced ? -1 : a.announced > b.announced ? 1 : 0));
      for (const r of reps) {
        fw.room(512).text(r.code).comma().text(r.announced).comma().text(r.period).comma();
        writeSigned(fw, r.roe, 6);
        fw.comma();
        writeSigned(fw, r.npMargin, 6);
        fw.comma();
        if (Number.isFinite(r.gpMargin)) writeSigned(fw, r.gpMargin, 6);
        fw.comma();
        writeWhole(fw, r.netProfit, 6);
        fw.comma();
        writeSigned(fw, r.epsTTM, 6);
        fw.comma();
        writeWhole(fw, r.revenue, 6);
        fw.comma();
        writeWhole(fw, r.totalShares, 2);
        fw.comma();
        writeWhole(fw, r.floatShares, 2);
        fw.comma();
        writeWhole(fw, r.totalAssets, 6);
        fw.comma();
        writeWhole(fw, r.totalLiabilities, 6);
        fw.comma();
        writeWhole(fw, r.longTermDebt, 6);
        fw.comma();
        writeWhole(fw, r.bookEquity, 6);
        fw.end();
      }
    }
  } finally {
    fw.close();
  }
  const fundamentalsRows = fw.rows;

  // The small UTF-8 files (Chinese names): plain strings.
  const lastDate = plan.options.to;
  const slashDate = `${Number(lastDate.slice(0, 4))}/${Number(lastDate.slice(5, 7))}/${Number(lastDate.slice(8, 10))}`;
  const industryLines = [EQUITY_INDUSTRY_HEADER];
  const securityLines = [EQUITY_SECURITIES_HEADER];
  const universeLines = [EQUITY_UNIVERSE_HEADER];
  for (const s of stocks) {
    industryLines.push(`${lastDate},${s.code},${s.name},${s.industryShown >= 0 ? plan.industries[s.industryShown]! : ''},${EQUITY_CLASSIFICATION}`);
    securityLines.push(`${s.code},${s.name},${s.ipoDate},${s.outDate ?? ''},1,${s.outDate === null ? 1 : 0}`);
    universeLines.push(`${slashDate},${s.code},${s.name}`);
  }
  writeFileSync(files.industry, `${industryLines.join('\n')}\n`);
  writeFileSync(files.securities, `${securityLines.join('\n')}\n`);
  writeFileSync(files.universe, `${universeLines.join('\n')}\n`);

  const corporateActions = plan.actions.reduce((a, b) => a + b.length, 0);
  const summary: SynthEquitySummary = {
    outDir,
    files,
    rows: { daily: dailyRows, industry: N, fundamentals: fundamentalsRows, securities: N, universe: N },
    stocks: N,
    days: T,
    firstDate: dates[0]!,
    lastDate: dates[T - 1]!,
    suspendedShare: suspendedRows / dailyRows,
    limitShare: limitRows / dailyRows,
    stShare: stRows / dailyRows,
    corporateActions,
  };
  writeTruth(m, files.truth, summary);
  return summary;
}

/** truth.json: top-level keys one to a line, each value compact JSON. */
function writeTruth(m: SynthEquityMarket, path: string, summary: SynthEquitySummary): void {
  const plan = m.plan;
  const { stocks, dates, industries } = plan;
  const N = stocks.length;
  const T = dates.length;
  const K = industries.length;
  const F = m.factorNames.length;
  const series = (f: number): number[] => Array.from({ length: T }, (_, t) => m.factorReturns[t * F + f]!);
  const sample = exposureSampleIndices(T);
  const styles: Record<string, (number | null)[][]> = {};
  STYLES.forEach((name, k) => {
    const e = m.exposures[k]!;
    styles[name] = sample.map((t) => Array.from({ length: N }, (_, j) => (Number.isNaN(e[t * N + j]!) ? null : r4(e[t * N + j]!))));
  });

  // Realised average cross-sectional correlation of the exposures over the sample dates (equal weights).
  const S = STYLES.length;
  const corrSum = Array.from({ length: S }, () => new Float64Array(S));
  let nSample = 0;
  for (const t of sample) {
    const live: number[] = [];
    for (let j = 0; j < N; j++) if (m.listed[t * N + j]) live.push(j);
    const cols = m.exposures.map((e) => live.map((j) => e[t * N + j]!));
    const sds = cols.map((c) => sdOf(c));
    if (sds.some((s) => s === 0)) continue;
    nSample++;
    for (let a = 0; a < S; a++) for (let b = 0; b < S; b++) corrSum[a]![b] = corrSum[a]![b]! + corrOf(cols[a]!, cols[b]!);
  }

  const truth: [string, unknown][] = [
    ['generator', 'bft synth equity (src/synth/equity)'],
    ['seed', plan.options.seed],
    ['options', plan.options],
    ['files', Object.fromEntries(Object.entries(summary.files).map(([k, v]) => [k, v.split(/[\\/]/).pop()]))],
    ['summary', { ...summary, outDir: undefined, files: undefined }],
    ['model', EQUITY_MODEL],
    [
      'notes',
      {
        returns: 'r_it = f_country + f_industry(i) + sum_k X_ikt f_kt + e_it; e_it = sigma_i (z + J), J ~ N(0, jumpScale^2) with probability jumpProb (model.stock). plantedRet is this r; the written pctChg is the realised move after limits, suspensions and rounding (what the model holds back carries to later days).',
        exposures: 'exposureSample: standardised exposures (model.exposures) of every stock on the sampled trading days (every sampleEvery-th day from the first, and the last), 4 decimals; null where the stock has no row.',
        factorReturns: 'factorReturns: the factor returns of every trading day (dates), industries after the shift to a cap-weighted sum of 0.',
        industryShown: 'stocks.industryShown is what industry.csv writes ("" = left empty); stocks.industry is the planted industry the model used.',
        ratios: 'peTTM, pbMRQ, psTTM, pcfNcfTTM on day t: close(t) x total shares(t) over the TTM net profit, book equity, TTM revenue, TTM net cash flow of the latest report announced strictly before t.',
      },
    ],
    ['styles', STYLES],
    ['industries', industries],
    ['factorNames', m.factorNames],
    ['dates', dates],
    [
      'factorReturns',
      {
        country: series(0),
        industries: Object.fromEntries(industries.map((name, k) => [name, series(1 + k)])),
        styles: Object.fromEntries(STYLES.map((name, k) => [name, series(1 + K + k)])),
      },
    ],
    [
      'stocks',
      {
        code: stocks.map((s) => s.code),
        name: stocks.map((s) => s.name),
        board: stocks.map((s) => s.board),
        industry: stocks.map((s) => industries[s.industry]!),
        industryShown: stocks.map((s) => (s.industryShown >= 0 ? industries[s.industryShown]! : '')),
        ipoDate: stocks.map((s) => s.ipoDate),
        outDate: stocks.map((s) => s.outDate),
        beta: stocks.map((s) => s.betaMean),
        betaStart: stocks.map((s) => s.betaStart),
        sigma: stocks.map((s) => s.sigma),
        growth: stocks.map((s) => s.growth),
        liquidityLevel: stocks.map((s) => s.turnoverLevel),
        roe: stocks.map((s) => s.roe),
        netMargin: stocks.map((s) => s.netMargin),
        leverage: stocks.map((s) => s.leverage),
        payout: stocks.map((s) => s.payout),
        pbStart: stocks.map((s) => s.pbStart),
        startPrice: stocks.map((s) => s.startPriceCents / 100),
        startShares: stocks.map((s) => s.startShares),
        floatSteps: stocks.map((s) => s.floatSteps.map((f) => ({ date: dates[f.index] ?? null, fraction: f.fraction }))),
        stSpells: plan.stSpells,
        corporateActions: plan.actions.map((acts) => acts.map((a) => ({ date: a.date, cashPerShare: a.cashPerShare, bonusPerShare: a.bonusPerShare, sharesAfter: a.sharesAfter }))),
      },
    ],
    ['exposureSample', { dateIndex: sample, dates: sample.map((t) => dates[t]!), styles }],
    [
      'realised',
      {
        meanExposureCorrelation: {
          over: `${nSample} sampled dates with every style spread (equal-weighted, listed stocks)`,
          matrix: corrSum.map((row) => Array.from(row, (v) => (nSample > 0 ? Math.round((v / nSample) * 1000) / 1000 : null))),
        },
        suspensionSpells: plan.suspensionSpells,
      },
    ],
  ];
  const text = `{\n${truth.map(([k, v]) => ` ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n}\n`;
  writeFileSync(path, text);
}

function sdOf(a: readonly number[]): number {
  const n = a.length;
  if (n < 2) return 0;
  let m = 0;
  for (const v of a) m += v;
  m /= n;
  let s = 0;
  for (const v of a) s += (v - m) ** 2;
  return Math.sqrt(s / n);
}

function corrOf(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y;
    sa += x * x;
    sb += y * y;
  }
  return sab / Math.sqrt(sa * sb);
}

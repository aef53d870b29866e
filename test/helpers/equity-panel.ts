// Small stock panels for the equity tests: a hand-filled one (makePanel) and a random one with
// suspensions, late listings and quarterly reports (randomPanel). Dates are weekdays from
// 2020-01-02 so report announcement dates compare as they do on the real calendar.

import { partialReport, type FundamentalReport, type StockPanel } from '../../src/equity/panel.js';
import { Rng } from '../../src/synth/rng.js';

/** `days` weekdays from `from` (ISO). */
export function weekdays(days: number, from = '2020-01-02'): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  while (out.length < days) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

type FloatField = 'close' | 'ret' | 'amount' | 'turnover' | 'floatCap' | 'totalCap' | 'bookToPrice' | 'earningsToPrice' | 'cashToPrice';

export interface PanelSpec {
  readonly stocks: number;
  readonly days: number;
  /** First date (default 2020-01-02). */
  readonly from?: string;
  /** Per field, the value of (t, j); fields not given default as noted in makePanel. */
  readonly fill?: Partial<Record<FloatField, (t: number, j: number) => number>>;
  /** 1 where traded (default: every day). */
  readonly tradable?: (t: number, j: number) => boolean;
  readonly fundamentals?: readonly FundamentalReport[];
}

/** Code of stock j: 'sh.600000', 'sh.600001', ... */
export const code = (j: number): string => `sh.${600000 + j}`;

/**
 * A panel from per-cell functions. Defaults: ret 0, turnover 0.01, caps 1e9 (total 1.5e9), close
 * 10, ratios NaN. Where not tradable, ret is NaN and turnover 0, as the loader writes them.
 */
export function makePanel(spec: PanelSpec): StockPanel {
  const { stocks: n, days: T } = spec;
  const dates = weekdays(T, spec.from);
  const codes = Array.from({ length: n }, (_, j) => code(j));
  const defaults: Record<FloatField, number> = {
    close: 10,
    ret: 0,
    amount: 1e7,
    turnover: 0.01,
    floatCap: 1e9,
    totalCap: 1.5e9,
    bookToPrice: Number.NaN,
    earningsToPrice: Number.NaN,
    cashToPrice: Number.NaN,
  };
  const tradable = new Uint8Array(T * n);
  for (let t = 0; t < T; t++) for (let j = 0; j < n; j++) tradable[t * n + j] = (spec.tradable?.(t, j) ?? true) ? 1 : 0;
  const field = (f: FloatField): Float64Array => {
    const m = new Float64Array(T * n);
    const fn = spec.fill?.[f];
    for (let t = 0; t < T; t++) for (let j = 0; j < n; j++) m[t * n + j] = fn ? fn(t, j) : defaults[f];
    if (f === 'ret') for (let i = 0; i < m.length; i++) if (tradable[i] === 0) m[i] = Number.NaN;
    if (f === 'turnover') for (let i = 0; i < m.length; i++) if (tradable[i] === 0) m[i] = 0;
    return m;
  };
  return {
    dates,
    codes,
    close: field('close'),
    ret: field('ret'),
    amount: field('amount'),
    turnover: field('turnover'),
    floatCap: field('floatCap'),
    totalCap: field('totalCap'),
    bookToPrice: field('bookToPrice'),
    earningsToPrice: field('earningsToPrice'),
    cashToPrice: field('cashToPrice'),
    tradable,
    st: new Uint8Array(T * n),
    limit: new Int8Array(T * n),
    industry: new Int32Array(n).fill(-1),
    industries: [],
    classification: { name: 'none', asOf: dates[0]! },
    fundamentals: spec.fundamentals ?? [],
  };
}

/** A report with every figure NaN except those given. */
export const report = partialReport;

/** ISO date `days` calendar days after `iso`. */
function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A random panel: one-factor returns (beta ~ U(0.5, 1.5)), suspension spells, some stocks listed
 * late, caps that follow returns (some total caps unknown), gaps in the ratio fields, and quarterly
 * reports announced 15-110 days after each period end (a few restated later, a few figures missing).
 */
export function randomPanel(stocks: number, days: number, seed = 1): StockPanel {
  const rng = new Rng(seed, 'equity-panel');
  const n = stocks;
  const market = Array.from({ length: days }, () => 0.0003 + 0.012 * rng.normal());
  const betas = Array.from({ length: n }, () => 0.5 + rng.uniform());
  const listed = Array.from({ length: n }, () => (rng.uniform() < 0.2 ? rng.int(0, Math.floor(days / 2)) : 0));
  const trade = new Uint8Array(days * n);
  for (let j = 0; j < n; j++) {
    for (let t = listed[j]!; t < days; t++) {
      if (rng.uniform() < 0.01) {
        const spell = rng.int(1, 40); // a suspension spell
        t += spell - 1;
        continue;
      }
      trade[t * n + j] = 1;
    }
  }
  const ret = new Float64Array(days * n);
  const cap = new Float64Array(days * n);
  for (let j = 0; j < n; j++) {
    let c = 1e9 * Math.exp(2 * rng.normal());
    for (let t = 0; t < days; t++) {
      const r = Math.max(-0.1, Math.min(0.1, betas[j]! * market[t]! + 0.02 * rng.normal()));
      ret[t * n + j] = r;
      if (trade[t * n + j] === 1) c *= 1 + r;
      cap[t * n + j] = c;
    }
  }
  const noisy = (base: number, spread: number, pNaN: number) => (): number => (rng.uniform() < pNaN ? Number.NaN : base + spread * rng.normal());
  const etp = noisy(0.05, 0.04, 0.05);
  const ctp = noisy(0.08, 0.05, 0.2);
  const btp = noisy(0.6, 0.3, 0.1);
  const panel = makePanel({
    stocks: n,
    days,
    tradable: (t, j) => trade[t * n + j] === 1,
    fill: {
      ret: (t, j) => ret[t * n + j]!,
      floatCap: (t, j) => (trade[t * n + j] === 1 ? cap[t * n + j]! : Number.NaN),
      totalCap: (t, j) => (j % 7 === 3 ? Number.NaN : 1.4 * cap[t * n + j]!),
      turnover: () => Math.exp(Math.log(0.01) + 0.8 * rng.normal()),
      bookToPrice: () => btp(),
      earningsToPrice: () => etp(),
      cashToPrice: () => ctp(),
    },
  });
  const dates = panel.dates;
  const fundamentals: FundamentalReport[] = [];
  const firstYear = Number(dates[0]!.slice(0, 4)) - 1;
  const lastYear = Number(dates[dates.length - 1]!.slice(0, 4));
  for (let j = 0; j < n; j++) {
    let assets = 1e10 * Math.exp(rng.normal());
    for (let y = firstYear; y <= lastYear; y++) {
      let ytdProfit = 0;
      let ytdRevenue = 0;
      for (const [q, md] of [[1, '03-31'], [2, '06-30'], [3, '09-30'], [4, '12-31']] as const) {
        const period = `${y}-${md}`;
        assets *= 1 + 0.03 * rng.normal();
        const quarterProfit = assets * (0.01 + 0.01 * rng.normal());
        ytdProfit += quarterProfit;
        ytdRevenue += assets * (0.1 + 0.02 * rng.normal());
        const equity = assets * (0.3 + 0.1 * rng.uniform());
        const figures = {
          roe: ytdProfit / equity,
          netProfit: ytdProfit,
          revenue: q % 2 === 0 || rng.uniform() < 0.5 ? ytdRevenue : Number.NaN,
          totalShares: 1e9,
          floatShares: 8e8,
          totalAssets: rng.uniform() < 0.1 ? Number.NaN : assets,
          totalLiabilities: assets - equity,
          longTermDebt: rng.uniform() < 0.1 ? Number.NaN : assets * 0.2 * rng.uniform(),
          bookEquity: equity,
        };
        const announced = addDays(period, rng.int(15, 110));
        fundamentals.push(report(code(j), announced, period, figures));
        if (rng.uniform() < 0.05) fundamentals.push(report(code(j), addDays(announced, rng.int(5, 200)), period, { ...figures, netProfit: figures.netProfit * 1.1, roe: figures.roe * 1.1 }));
      }
    }
  }
  return { ...panel, fundamentals };
}

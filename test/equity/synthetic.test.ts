// The factor model against a market whose truth is known: bft's synthetic A-share market
// (src/synth/equity) written in the vendor layouts, ingested, loaded and fitted exactly as real
// data is, and the estimates compared with the planted factor returns and exposures.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/data/store.js';
import { ingestStocks } from '../../src/data/stocks/ingest.js';
import { analyzeFactor } from '../../src/equity/analyze-files.js';
import { loadPanel } from '../../src/equity/load.js';
import { fitFactorModel, type FactorModel } from '../../src/equity/model.js';
import type { StockPanel } from '../../src/equity/panel.js';
import { writeSynthEquityMarket } from '../../src/synth/equity/index.js';
import { tempDir } from '../helpers/fixtures.js';

interface Truth {
  styles: string[];
  dates: string[];
  factorReturns: { country: number[]; styles: Record<string, (number | null)[]> };
  stocks: { code: string[] };
  exposureSample: { dates: string[]; styles: Record<string, (number | null)[][]> };
}

const NAME: Record<string, string> = { residualVolatility: 'residual_volatility', bookToPrice: 'book_to_price', earningsYield: 'earnings_yield' };

function corr(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((x, y) => x + y, 0) / n;
  const mb = b.reduce((x, y) => x + y, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
const ranks = (a: readonly number[]): number[] => {
  const r = new Array<number>(a.length);
  a.map((v, i) => [v, i] as const)
    .sort((x, y) => x[0] - y[0])
    .forEach(([, i], k) => (r[i] = k));
  return r;
};

describe('the factor model on the synthetic market (300 stocks, 2020-2024, seed 7)', () => {
  const tmp = tempDir('bft-synth-equity-');
  let truth: Truth;
  let p: StockPanel;
  let m: FactorModel;
  let rejects = -1;
  let store: Store;
  beforeAll(async () => {
    const g = writeSynthEquityMarket({ stocks: 300, seed: 7 }, tmp.dir);
    truth = JSON.parse(readFileSync(join(tmp.dir, 'truth.json'), 'utf8')) as Truth;
    store = await Store.open(':memory:');
    const f = g.files;
    rejects = (await ingestStocks(store, { files: [f.daily, f.industry, f.fundamentals, f.securities, f.universe], index: 'SYNTH' })).rejects.length;
    p = await loadPanel(store);
    m = fitFactorModel(p);
  }, 180_000);
  afterAll(() => {
    store.close();
    tmp.cleanup();
  });

  const P = (): number => m.series.factors.length;
  /** Correlation over days of the estimated and planted returns of a factor. */
  function returnCorrelation(style: string): number {
    const k = m.series.factors.indexOf(NAME[style] ?? style);
    const at = new Map(p.dates.map((d, t) => [d, t]));
    const planted = style === 'country' ? truth.factorReturns.country : truth.factorReturns.styles[style]!;
    const a: number[] = [];
    const b: number[] = [];
    truth.dates.forEach((d, i) => {
      const v = m.series.returns[at.get(d)! * P() + k]!;
      if (Number.isFinite(v) && planted[i] !== null) {
        a.push(v);
        b.push(planted[i]!);
      }
    });
    return corr(a, b);
  }
  /** Mean over the sampled dates of the rank correlation of estimated and planted exposures. */
  function exposureRankCorrelation(style: string): number {
    const ex = m.exposures.styles.find((s) => s.name === (NAME[style] ?? style))!.exposure;
    const at = new Map(p.dates.map((d, t) => [d, t]));
    const col = new Map(truth.stocks.code.map((c, i) => [c, i]));
    const per: number[] = [];
    truth.exposureSample.dates.forEach((d, si) => {
      const t = at.get(d)!;
      const planted = truth.exposureSample.styles[style]![si]!;
      const a: number[] = [];
      const b: number[] = [];
      p.codes.forEach((c, j) => {
        const v = ex[t * p.codes.length + j]!;
        const tv = planted[col.get(c)!];
        if (Number.isFinite(v) && tv !== null && tv !== undefined) {
          a.push(v);
          b.push(tv);
        }
      });
      if (a.length > 30) per.push(corr(ranks(a), ranks(b)));
    });
    return per.reduce((x, y) => x + y, 0) / per.length;
  }

  it('bft equity analyze reads a score file onto the panel: a score that knows the next return ranks it perfectly', async () => {
    // On 50 dates, the score is the next day's return itself (foresight: the plumbing, not a signal).
    const lines = ['date,code,score'];
    const N = p.codes.length;
    for (let t = 100; t < 150; t++) for (let j = 0; j < N; j++) if (p.tradable[t * N + j] && p.tradable[(t + 1) * N + j]) lines.push(`${p.dates[t]},${p.codes[j]},${p.ret[(t + 1) * N + j]}`);
    writeFileSync(join(tmp.dir, 'foresight.csv'), lines.join('\n') + '\n');
    const r = await analyzeFactor(store, { scoreFile: join(tmp.dir, 'foresight.csv'), out: join(tmp.dir, 'ts'), command: 'test' });
    expect(r.sheet.rankIc.summary.dates).toBe(50);
    expect(r.sheet.rankIc.summary.mean).toBeCloseTo(1, 12);
    expect(r.sheet.quantiles.spread.interval.lo).toBeGreaterThan(0);
    expect(readFileSync(r.files.markdown, 'utf8')).toMatch(/^# Factor tear sheet: foresight\.csv/);
    await expect(analyzeFactor(store, { factor: 'value', command: 'test' })).rejects.toMatchObject({ code: 'bad_option', message: expect.stringContaining('--factor value: not a style') });
    await expect(analyzeFactor(store, { command: 'test' })).rejects.toMatchObject({ code: 'bad_option' });
  }, 60_000);

  it('ingests the generated files with no reject', () => {
    expect(rejects).toBe(0);
    expect(p.codes).toHaveLength(300);
  });

  // Measured at seed 7: country 0.983; size 0.868, beta 0.914, momentum 0.850, residual volatility
  // 0.811, liquidity 0.871, profitability 0.785, leverage 0.704, book-to-price 0.701, growth 0.572,
  // earnings yield 0.423. A day's estimate with 300 stocks and 32 factors carries noise of the
  // same order as a style's daily sd (0.2-0.4%), so 0.7-0.9 is what estimation alone allows; the
  // thresholds leave about 0.1 below each. The three lowest differ by definition as well:
  // book-to-price, earnings yield and profitability are planted nearly collinear (earnings / cap
  // = ROE x book / cap), bft's earnings yield blends in the cash-earnings yield the market does not
  // plant on, and its growth is the reported year-over-year growth, a noisy reading of the planted rate.
  it.each([
    ['country', 0.95],
    ['size', 0.75],
    ['beta', 0.8],
    ['momentum', 0.75],
    ['residualVolatility', 0.7],
    ['liquidity', 0.75],
    ['profitability', 0.65],
    ['leverage', 0.6],
    ['bookToPrice', 0.6],
    ['growth', 0.45],
    ['earningsYield', 0.3],
  ] as const)('estimated daily %s returns correlate with the planted ones above %s', (style, min) => {
    expect(returnCorrelation(style)).toBeGreaterThan(min);
  });

  // Measured at seed 7: size 0.999, book-to-price 0.999, momentum 0.979, profitability 0.954,
  // liquidity 0.919, leverage 0.873, beta 0.868, earnings yield 0.847, residual volatility 0.781,
  // growth 0.602. Beta and residual volatility are estimated from a year of noisy daily returns
  // (a beta's standard error is about 0.15 at 252 days); growth from two reports a year apart.
  it.each([
    ['size', 0.98],
    ['bookToPrice', 0.98],
    ['momentum', 0.9],
    ['profitability', 0.88],
    ['liquidity', 0.85],
    ['leverage', 0.78],
    ['beta', 0.75],
    ['earningsYield', 0.75],
    ['residualVolatility', 0.68],
    ['growth', 0.48],
  ] as const)('estimated %s exposures rank-correlate with the planted ones above %s', (style, min) => {
    expect(exposureRankCorrelation(style)).toBeGreaterThan(min);
  });
});

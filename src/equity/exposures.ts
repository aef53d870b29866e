// Style factor exposures of the panel (pure), Barra CNE5's recipe from descriptors to factors, one
// date's cross-section at a time:
//   1. each descriptor winsorised (MAD, k = 3) and standardised: cap-weighted mean 0, sd 1;
//   2. composites built from the standardised descriptors with CNE5's weights (a missing part
//      dropped and the rest re-weighted), then standardised again;
//   3. Residual Volatility orthogonalised to Beta and Size, Liquidity to Size, and Non-linear Size
//      from the cube of Size (regression weights sqrt(cap), as CNE5 regresses), then standardised;
//   4. a stock missing an exposure gets the prediction of a regression of the exposure on industry
//      dummies and Size (when at least `minCoverage` of the stocks have it), then the cross-section
//      is standardised once more.
// A style with too little data on a date (a window not yet filled, or a field the data lacks: the
// real BaoStock reports carry no balance sheet, so no Leverage) is all NaN on that date; the
// factor regression then leaves it out of that date (./model.ts).

import { cell } from './panel.js';
import type { StockPanel } from './panel.js';
import { fillMissing, nonLinearSize, orthogonalize, standardize, winsorize } from './cross-section.js';
import { betaAndHsigma, bookToPrice, capWeightedMarket, cmra, dastd, earningsYield, growth, leverage, liquidity as liquidityOf, momentum, profitability, residualVolatility, size as sizeOf, stoa, stom, stoq } from './descriptors.js';
import type { StyleMatrix } from './factor-returns.js';

export const STYLES = ['size', 'beta', 'momentum', 'residual_volatility', 'non_linear_size', 'book_to_price', 'liquidity', 'earnings_yield', 'growth', 'leverage', 'profitability'] as const;
export type StyleName = (typeof STYLES)[number];

export interface ExposureOptions {
  /** Styles to compute, in this order; default all of STYLES. */
  readonly styles?: readonly StyleName[];
  /** Share of the date's stocks (with a cap) that must have an exposure before the rest are filled; default 0.5. */
  readonly minCoverage?: number;
  /** Fill missing exposures by the industry-size regression; default true. */
  readonly fill?: boolean;
}

export interface StyleExposures {
  readonly styles: readonly StyleMatrix[];
  /** Per style, the share of stock-days (with a cap) whose exposure came from data, not the fill. */
  readonly coverage: Readonly<Record<string, number>>;
}

type Matrix = Float64Array;

/** Every style's exposures over the whole panel (date-major, NaN where a stock has no cap that day). */
export function styleExposures(p: StockPanel, o: ExposureOptions = {}): StyleExposures {
  const wanted = o.styles ?? STYLES;
  const minCoverage = o.minCoverage ?? 0.5;
  const T = p.dates.length;
  const N = p.codes.length;
  // Raw descriptors, each over the whole panel (computed once, only those some wanted style needs).
  const need = new Set(wanted);
  const raw: Partial<Record<string, Matrix>> = {};
  const sizeRaw = sizeOf(p);
  if (need.has('beta') || need.has('residual_volatility')) {
    const bh = betaAndHsigma(p, capWeightedMarket(p));
    raw['beta'] = bh.beta;
    raw['hsigma'] = bh.hsigma;
  }
  if (need.has('momentum')) raw['momentum'] = momentum(p);
  if (need.has('residual_volatility')) {
    raw['dastd'] = dastd(p);
    raw['cmra'] = cmra(p);
  }
  if (need.has('liquidity')) {
    raw['stom'] = stom(p);
    raw['stoq'] = stoq(p);
    raw['stoa'] = stoa(p);
  }
  if (need.has('book_to_price')) raw['book_to_price'] = bookToPrice(p);
  if (need.has('earnings_yield')) raw['earnings_yield'] = earningsYield(p);
  if (need.has('growth')) raw['growth'] = growth(p);
  if (need.has('leverage')) raw['leverage'] = leverage(p);
  if (need.has('profitability')) raw['profitability'] = profitability(p);

  const out = new Map<StyleName, Matrix>(wanted.map((s) => [s, new Float64Array(T * N).fill(Number.NaN)]));
  const fromData = new Map<StyleName, number>(wanted.map((s) => [s, 0]));
  let capped = 0;
  for (let t = 0; t < T; t++) {
    const slice = (m: Matrix): Float64Array => m.subarray(cell(p, t, 0), cell(p, t + 1, 0));
    const cap = Float64Array.from(slice(p.floatCap), (c) => (c > 0 ? c : Number.NaN));
    const regressionWeights = cap.map(Math.sqrt);
    const has = cap.map((c) => (Number.isFinite(c) ? 1 : 0));
    const listed = has.reduce((a, b) => a + b, 0);
    capped += listed;
    if (listed === 0) continue;
    const z = (m: Matrix | undefined): Float64Array => onCapped(standardize(winsorize(m ? slice(m) : new Float64Array(N).fill(Number.NaN)), cap), has);
    const sizeZ = z(sizeRaw);
    const values: Partial<Record<StyleName, Float64Array>> = {};
    for (const s of wanted) {
      switch (s) {
        case 'size':
          values.size = sizeZ;
          break;
        case 'non_linear_size':
          values.non_linear_size = onCapped(nonLinearSize(sizeZ, cap, { regressionWeights }), has);
          break;
        case 'residual_volatility': {
          const combined = residualVolatility(z(raw['dastd']), z(raw['cmra']), z(raw['hsigma']));
          const beta = values.beta ?? z(raw['beta']);
          values.residual_volatility = restandardize(orthogonalizeWhereKnown(combined, [beta, sizeZ], regressionWeights), cap, has);
          break;
        }
        case 'liquidity': {
          const combined = liquidityOf(z(raw['stom']), z(raw['stoq']), z(raw['stoa']));
          values.liquidity = restandardize(orthogonalizeWhereKnown(combined, [sizeZ], regressionWeights), cap, has);
          break;
        }
        default:
          values[s] = z(raw[s]);
      }
    }
    for (const s of wanted) {
      let x = values[s]!;
      let known = 0;
      for (let j = 0; j < N; j++) if (has[j] && Number.isFinite(x[j]!)) known++;
      fromData.set(s, fromData.get(s)! + known);
      if (known < minCoverage * listed) continue; // too little data on this date: the style sits it out
      if ((o.fill ?? true) && known < listed) x = restandardize(fillMissing(x, p.industry, sizeZ), cap, has);
      out.get(s)!.set(x, cell(p, t, 0));
    }
  }
  return {
    styles: wanted.map((s) => ({ name: s, exposure: out.get(s)! })),
    coverage: Object.fromEntries(wanted.map((s) => [s, capped > 0 ? fromData.get(s)! / capped : 0])),
  };
}

/** NaN outside the stocks with a cap. */
function onCapped(x: Float64Array, has: Float64Array): Float64Array {
  for (let j = 0; j < x.length; j++) if (!has[j]) x[j] = Number.NaN;
  return x;
}

function restandardize(x: Float64Array, cap: Float64Array, has: Float64Array): Float64Array {
  return onCapped(standardize(x, cap), has);
}

/** orthogonalize over the stocks where y and every regressor are known (NaN elsewhere). */
function orthogonalizeWhereKnown(y: Float64Array, against: readonly Float64Array[], weights: Float64Array): Float64Array {
  let n = 0;
  for (let j = 0; j < y.length; j++) if (Number.isFinite(y[j]!) && against.every((a) => Number.isFinite(a[j]!))) n++;
  if (n <= against.length + 1) return new Float64Array(y.length).fill(Number.NaN);
  return orthogonalize(y, against, weights);
}


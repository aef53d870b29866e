// Technical indicators as same-length Float64Arrays, cross-checked against R's TTR package
// (test/features/indicators.test.ts, fixtures from scripts/ttr-fixture.R).
//
// Convention (same as src/features/rolling.ts): output length = input length; value i uses only
// inputs 0..i (for daily bars: known at the close of day i); NaN during warm-up. technicalindicators
// returns shorter arrays holding only the defined values, so they are aligned to the END of the
// input; each wrapper checks the returned length against the indicator's known warm-up so a silent
// shift (e.g. a library change) throws instead of misaligning features.
//
// Inputs must be finite: the recursive (EMA/Wilder) indicators cannot recover from a NaN in the
// middle, so callers fill or reject missing values first (src/features/daily.ts does).
//
// Every call passes an identity `format`, because technicalindicators otherwise rounds through a
// process-wide `setConfig('precision')` that any other module could set.
//
// Agreement with TTR 0.24 (all on the T fixture, 200 days):
//   RSI      technicalindicators' RSI rounds its output to 2 decimals (toFixed(2), not configurable),
//            so rsi() is built from its unrounded AverageGain/AverageLoss instead. Then = TTR RSI.
//   MACD     = TTR MACD(percent = FALSE) with EMA on both legs (SimpleMAOscillator/Signal = false;
//            the library's MACDInput class defaults them to SMA).
//   %B       = TTR BBands(close)$pctB: both use the POPULATION sd (divide by n).
//   ATR      = TTR ATR: Wilder smoothing (alpha = 1/n) seeded with the mean of the first n true
//            ranges; the first bar has no true range (no previous close).
//   ADX      technicalindicators seeds its Wilder sums differently from TTR (see adx()), so adx()
//            is implemented here, following TTR. Then = TTR ADX.
import { ATR, AverageGain, AverageLoss, BollingerBands, MACD } from 'technicalindicators';

const identity = (v: number): number => v;

/** Places `values` (the defined tail) at the end of a NaN array of length n, after checking the
 *  library returned exactly n - warmup values. */
function alignEnd(values: readonly (number | undefined)[], n: number, warmup: number, name: string): Float64Array {
  const expected = Math.max(0, n - warmup);
  if (values.length !== expected) {
    throw new Error(`${name}: technicalindicators returned ${values.length} values for ${n} inputs, expected ${expected} (warm-up ${warmup})`);
  }
  const out = new Float64Array(n).fill(NaN);
  for (let k = 0; k < values.length; k++) out[warmup + k] = values[k] ?? NaN;
  return out;
}

function checkPeriod(name: string, period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`${name}: period must be a positive integer, got ${period}`);
}

function checkHLC(name: string, high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>): void {
  if (high.length !== close.length || low.length !== close.length) {
    throw new Error(`${name}: high/low/close lengths differ (${high.length}/${low.length}/${close.length})`);
  }
}

/**
 * Wilder's RSI (TTR `RSI(close, n)`): average gain G and loss L of close-to-close changes, seeded
 * with their simple mean over changes 1..n, then G = (G*(n-1) + gain)/n. RSI = 100*G/(G+L)
 * (= 100 - 100/(1+G/L)); 100 when L = 0, NaN when G = L = 0 (flat window), like TTR.
 * First value at i = period (it needs `period` changes, i.e. period+1 closes).
 */
export function rsi(close: ArrayLike<number>, period = 14): Float64Array {
  checkPeriod('rsi', period);
  const values = Array.from(close);
  const g = AverageGain.calculate({ values, period, format: identity });
  const l = AverageLoss.calculate({ values, period, format: identity });
  const gain = alignEnd(g, values.length, period, 'rsi/avgGain');
  const loss = alignEnd(l, values.length, period, 'rsi/avgLoss');
  const out = new Float64Array(values.length).fill(NaN);
  for (let i = period; i < values.length; i++) out[i] = (100 * gain[i]!) / (gain[i]! + loss[i]!);
  return out;
}

/**
 * MACD histogram in price units: MACD = EMA_fast(close) - EMA_slow(close) (EMA alpha 2/(n+1),
 * seeded with the simple mean of the first n values), signal = EMA_signal(MACD) seeded the same way
 * from MACD's first value, histogram = MACD - signal. = TTR `MACD(close, fast, slow, signal,
 * maType = "EMA", percent = FALSE)` macd - signal. First value at i = slow + signal - 2.
 */
export function macdHist(close: ArrayLike<number>, fast = 12, slow = 26, signal = 9): Float64Array {
  checkPeriod('macd', fast);
  checkPeriod('macd', slow);
  checkPeriod('macd', signal);
  if (fast >= slow) throw new RangeError(`macd: fast (${fast}) must be < slow (${slow})`);
  const values = Array.from(close);
  const r = MACD.calculate({
    values,
    fastPeriod: fast,
    slowPeriod: slow,
    signalPeriod: signal,
    SimpleMAOscillator: false,
    SimpleMASignal: false,
    format: identity,
  });
  // The library emits one object per bar from i = slow-1 on, histogram undefined until the signal
  // EMA is seeded; alignEnd turns those into NaN.
  return alignEnd(r.map((o) => o.histogram), values.length, slow - 1, 'macd');
}

/**
 * Bollinger %B = (close - lower) / (upper - lower), bands = SMA_n(close) +- k * sd_n(close) with the
 * POPULATION sd (divide by n), as in TTR `BBands(close, n, sd = k)$pctB` and Bollinger's own
 * definition. 0.5 = on the mean; NaN when the window is flat (zero band width). First value at
 * i = period - 1.
 */
export function bollingerPctB(close: ArrayLike<number>, period = 20, k = 2): Float64Array {
  checkPeriod('bollinger', period);
  const values = Array.from(close);
  const r = BollingerBands.calculate({ values, period, stdDev: k, format: identity });
  const out = alignEnd(r.map((o) => o.pb), values.length, period - 1, 'bollinger');
  // The library reuses its previous result when the SMA is exactly 0 (truthiness test); prices are
  // positive, so that cannot happen here. Flat windows give 0/0: keep NaN, never +-Infinity.
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i]!)) out[i] = NaN;
  return out;
}

/**
 * Wilder's Average True Range (TTR `ATR(HLC, n)$atr`): TR_i = max(high_i, close_{i-1}) -
 * min(low_i, close_{i-1}) from i = 1; ATR = mean(TR_1..TR_n) at i = n, then
 * ATR_i = ATR_{i-1} + (TR_i - ATR_{i-1}) / n. In price units. First value at i = period.
 */
export function atr(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period = 14): Float64Array {
  checkPeriod('atr', period);
  checkHLC('atr', high, low, close);
  const r = ATR.calculate({ high: Array.from(high), low: Array.from(low), close: Array.from(close), period, format: identity });
  return alignEnd(r, close.length, period, 'atr');
}

/**
 * Wilder's ADX, 0..100, implemented here to match TTR `ADX(HLC, n)$ADX` (and TA-Lib) exactly.
 * From i = 1: TR_i = max(high_i, close_{i-1}) - min(low_i, close_{i-1}); +DM_i = up if up > down and
 * up > 0 else 0 (up = high_i - high_{i-1}, down = low_{i-1} - low_i), -DM symmetric. Wilder sums
 * S_i = x_i + S_{i-1} (n-1)/n, SEEDED as TTR's wilderSum does: S_n = x_n + (x_1 + … + x_{n-1}) (n-1)/n.
 * +DI = 100 S(+DM)/S(TR), -DI likewise, DX = 100 |+DI - -DI| / (+DI + -DI) from i = n; ADX = mean of
 * the first n DX (at i = 2n-1), then ADX_i = ADX_{i-1} + (DX_i - ADX_{i-1}) / n.
 *
 * Why not technicalindicators' ADX: it seeds the Wilder sums with the plain sum x_1 + … + x_n
 * (Wilder's book), so on the T fixture it differs from TTR by up to 0.5 ADX points soon after
 * warm-up, decaying like ((n-1)/n)^k (still ~2e-3 at bar 150, 3e-4 at bar 175). We follow TTR.
 * DX is NaN (0/0) only while both DM sums are exactly 0, i.e. no directional move at all since the
 * start; a NaN DX makes every later ADX NaN, as in TTR.
 */
export function adx(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period = 14): Float64Array {
  checkPeriod('adx', period);
  checkHLC('adx', high, low, close);
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
  const decay = (period - 1) / period;
  let sTR = 0;
  let sPlus = 0;
  let sMinus = 0;
  let dxSum = 0;
  let prev = NaN;
  for (let i = 1; i < n; i++) {
    const pc = close[i - 1]!;
    const tr = Math.max(high[i]!, pc) - Math.min(low[i]!, pc);
    const up = high[i]! - high[i - 1]!;
    const down = low[i - 1]! - low[i]!;
    // On a tick grid up and down are often equal; after a back-adjustment by a ratio, float
    // rounding would break that tie one way or the other depending on the factor, and so on
    // rolls after t (bft overfit-check's no-look-ahead probe found it). Equal within 1e-9 of the
    // price is a tie: neither direction counts.
    const tol = 1e-9 * Math.abs(high[i]!);
    const plus = up > down + tol && up > tol ? up : 0;
    const minus = down > up + tol && down > tol ? down : 0;
    if (i < period) {
      // accumulate the first n-1 values of the seed
      sTR += tr;
      sPlus += plus;
      sMinus += minus;
      continue;
    }
    sTR = tr + sTR * decay;
    sPlus = plus + sPlus * decay;
    sMinus = minus + sMinus * decay;
    const diPlus = (100 * sPlus) / sTR;
    const diMinus = (100 * sMinus) / sTR;
    const dx = (100 * Math.abs(diPlus - diMinus)) / (diPlus + diMinus);
    if (i < 2 * period - 1) {
      dxSum += dx;
    } else if (i === 2 * period - 1) {
      prev = (dxSum + dx) / period;
      out[i] = prev;
    } else {
      prev += (dx - prev) / period;
      out[i] = prev;
    }
  }
  return out;
}

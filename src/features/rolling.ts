// Small trailing-window helpers over Float64Array.
//
// Convention shared by every helper here (and by src/features/indicators.ts):
//   - the output has the same length as the input;
//   - value i uses only x[0..i] (trailing window x[i-window+1..i], current value included);
//   - NaN during warm-up (i < window-1) and wherever the window holds a NaN.
// Windows are recomputed from scratch at each i (O(n*window)) instead of with running sums: daily
// series are a few thousand rows, and this keeps every value independent of far history and free of
// running-sum drift, so "changing bars after k leaves values <= k unchanged" holds exactly.

/** Throws unless `window` is a positive integer. */
function checkWindow(window: number, min = 1): void {
  if (!Number.isInteger(window) || window < min) throw new RangeError(`window must be an integer >= ${min}, got ${window}`);
}

/** Trailing mean over `window` values. */
export function rollingMean(x: ArrayLike<number>, window: number): Float64Array {
  checkWindow(window);
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = window - 1; i < x.length; i++) {
    let s = 0;
    for (let j = i - window + 1; j <= i; j++) s += x[j]!;
    out[i] = s / window; // a NaN anywhere in the window propagates
  }
  return out;
}

/**
 * Trailing standard deviation over `window` values. `ddof` = 1 (default) gives the sample sd
 * (divide by window-1), the usual choice for realised volatility and z-scores; ddof = 0 gives the
 * population sd (what Bollinger Bands use).
 */
export function rollingSd(x: ArrayLike<number>, window: number, ddof: 0 | 1 = 1): Float64Array {
  checkWindow(window, ddof + 1);
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = window - 1; i < x.length; i++) {
    let s = 0;
    for (let j = i - window + 1; j <= i; j++) s += x[j]!;
    const m = s / window;
    let ss = 0; // two-pass: mean first, then squared deviations (no catastrophic cancellation)
    for (let j = i - window + 1; j <= i; j++) ss += (x[j]! - m) ** 2;
    out[i] = Math.sqrt(ss / (window - ddof));
  }
  return out;
}

/**
 * Trailing z-score: (x[i] - mean) / sd over x[i-window+1..i] (current value included, sample sd).
 * NaN in warm-up, where the window holds a NaN, and where the window is constant (sd = 0: the
 * z-score is undefined, and a huge finite value would be worse for a model than NaN).
 */
export function rollingZ(x: ArrayLike<number>, window: number): Float64Array {
  checkWindow(window, 2);
  const mean = rollingMean(x, window);
  const sd = rollingSd(x, window, 1);
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = 0; i < x.length; i++) {
    const s = sd[i]!;
    if (s > 0) out[i] = (x[i]! - mean[i]!) / s; // NaN sd fails the test too
  }
  return out;
}

/** log(x[i] / x[i-lag]); NaN for i < lag. Same convention as above (uses x[i-lag..i] only). */
export function logChange(x: ArrayLike<number>, lag = 1): Float64Array {
  checkWindow(lag);
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = lag; i < x.length; i++) out[i] = Math.log(x[i]! / x[i - lag]!);
  return out;
}

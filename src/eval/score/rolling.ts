// Trailing-window performance figures of a daily return series (pure), for the report's rolling
// charts. Same convention as src/features/rolling.ts: value i uses returns[0..i] only, NaN while
// the window fills.

import { rollingMean, rollingSd } from '../../features/rolling.js';

/**
 * Annualised Sharpe over the trailing `window` returns: mean / sample sd * sqrt(periodsPerYear).
 * NaN in warm-up and where the window's returns are all equal (sd 0: a flat strategy has no Sharpe).
 */
export function rollingSharpe(returns: ArrayLike<number>, window: number, periodsPerYear: number): Float64Array {
  if (!(periodsPerYear > 0)) throw new RangeError(`rollingSharpe: periodsPerYear must be > 0, got ${periodsPerYear}`);
  const mean = rollingMean(returns, window);
  const sd = rollingSd(returns, window, 1);
  const scale = Math.sqrt(periodsPerYear);
  return Float64Array.from(mean, (m, i) => (sd[i]! > 0 ? (m / sd[i]!) * scale : Number.NaN));
}

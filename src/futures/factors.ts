// Traditional timing signals for a bond future, the baselines every strategy table carries (pure).
//
// Each signal is a position view in [-1, 1] per test date t, known at the close of t: it reads the
// continuous close series (back-adjusted, one row per trading day, ascending) at rows <= rows[t]
// only. Back adjustment keeps price changes across a roll equal to the traded contracts', so
// trends and breakouts do not fire on roll gaps. When a signal's history is too short at a row
// (warm-up), or a close it needs is not finite, the signal is 0 (flat): no view is not a short.
//
// The deep model enters the same tables through probabilitySignal, and blends through combineSignals.

export interface FactorSignal {
  /** Short column name, e.g. "mom20". */
  readonly name: string;
  readonly description: string;
  /** One value per test date, in [-1, 1]. */
  readonly signal: Float64Array;
}

/** Lookbacks, in trading days. 20 is about a month, 60 a quarter: the horizons of CTA trend rules on CGB futures. */
const MOM_SHORT = 20;
const MOM_LONG = 60;
const MA_FAST = 5;
const MA_SLOW = 20;
const CHANNEL = 20;

/**
 * The standard trend rules, each evaluated at every test date's row:
 *  - mom20:  sign(close[t] - close[t-20]): 20-day time-series momentum (0 when unchanged); needs 21 rows.
 *  - mom60:  sign(close[t] - close[t-60]): the quarterly horizon; needs 61 rows.
 *  - ma5_20: +1 when the 5-day mean close > the 20-day mean close, else -1; needs 20 rows.
 *  - brk20:  20-day channel (Donchian) breakout on closes: goes +1 when close[t] is above every close
 *            of the 20 days before t, -1 when below every one, and otherwise keeps its last
 *            breakout's side (0 before the first). Like the turtle rule, it holds between breakouts.
 */
export function traditionalFactors(close: Float64Array, rows: Int32Array): FactorSignal[] {
  checkRows(close, rows);
  return [
    {
      name: 'mom20',
      description: '20-day time-series momentum: sign of the close minus the close 20 trading days earlier',
      signal: momentum(close, rows, MOM_SHORT),
    },
    {
      name: 'mom60',
      description: '60-day time-series momentum: sign of the close minus the close 60 trading days earlier',
      signal: momentum(close, rows, MOM_LONG),
    },
    {
      name: 'ma5_20',
      description: 'moving-average crossover: +1 when the 5-day mean close is above the 20-day mean, else -1',
      signal: maCrossover(close, rows, MA_FAST, MA_SLOW),
    },
    {
      name: 'brk20',
      description: '20-day channel breakout: long after a close above the prior 20 closes, short after one below them, held until the opposite breakout',
      signal: channelBreakout(close, rows, CHANNEL),
    },
  ];
}

/** Always long one contract: the buy-and-hold baseline (bond futures have carried a long bias since 2013). */
export function buyAndHold(n: number): FactorSignal {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`buyAndHold: n must be an integer >= 0, got ${n}`);
  return { name: 'long', description: 'buy and hold: always long one contract', signal: new Float64Array(n).fill(1) };
}

/**
 * Weighted combination: sum_i w_i s_i / sum_i |w_i|, clipped to [-1, 1]. Normalising by the
 * absolute weights keeps the blend of [-1, 1] signals inside [-1, 1] (the clip only guards inputs
 * outside it); a negative weight fades a signal. A NaN in any part gives NaN at that date: a
 * missing view is for the caller to fill, not to be read as flat.
 */
export function combineSignals(parts: readonly Float64Array[], weights: readonly number[]): Float64Array {
  if (parts.length === 0) throw new RangeError('combineSignals: no signals to combine');
  if (weights.length !== parts.length) throw new RangeError(`combineSignals: ${weights.length} weights for ${parts.length} signals`);
  let norm = 0;
  for (const w of weights) {
    if (!Number.isFinite(w)) throw new RangeError(`combineSignals: weights must be finite, got ${w}`);
    norm += Math.abs(w);
  }
  if (norm === 0) throw new RangeError('combineSignals: all weights are 0');
  const n = parts[0]!.length;
  parts.forEach((p, i) => {
    if (p.length !== n) throw new RangeError(`combineSignals: signal ${i} has ${p.length} dates, signal 0 has ${n}`);
  });
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let i = 0; i < parts.length; i++) s += weights[i]! * parts[i]![t]!;
    out[t] = clip(s / norm);
  }
  return out;
}

/** The deep model's probability as a signal in [-1, 1]: 2p - 1 (NaN, no prediction, stays NaN). */
export function probabilitySignal(prob: ArrayLike<number>): Float64Array {
  const out = new Float64Array(prob.length);
  for (let t = 0; t < prob.length; t++) {
    const p = prob[t]!;
    if (p < 0 || p > 1) throw new RangeError(`probabilitySignal: prob[${t}] = ${p} is not a probability`);
    out[t] = 2 * p - 1;
  }
  return out;
}

function checkRows(close: Float64Array, rows: Int32Array): void {
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t]!;
    if (r < 0 || r >= close.length) throw new RangeError(`traditionalFactors: rows[${t}] = ${r} is outside the close series (0..${close.length - 1})`);
  }
}

function momentum(close: Float64Array, rows: Int32Array, lookback: number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t]!;
    if (r < lookback) continue;
    const d = close[r]! - close[r - lookback]!;
    out[t] = Number.isFinite(d) ? Math.sign(d) + 0 : 0; // + 0: a flat window gives 0, never -0
  }
  return out;
}

function maCrossover(close: Float64Array, rows: Int32Array, fast: number, slow: number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t]!;
    if (r < slow - 1) continue;
    const f = meanOf(close, r - fast + 1, r);
    const s = meanOf(close, r - slow + 1, r);
    if (Number.isFinite(f) && Number.isFinite(s)) out[t] = f > s ? 1 : -1;
  }
  return out;
}

/** Mean of close[from..to], inclusive; NaN if any value is not finite. */
function meanOf(close: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let j = from; j <= to; j++) s += close[j]!;
  return s / (to - from + 1);
}

function channelBreakout(close: Float64Array, rows: Int32Array, window: number): Float64Array {
  let last = -1;
  for (const r of rows) if (r > last) last = r;
  // The state is path-dependent, so it is run forward over rows 0..last; state[i] reads close[0..i] only.
  const state = new Float64Array(last + 1);
  let side = 0;
  for (let i = window; i <= last; i++) {
    let hi = -Infinity;
    let lo = Infinity;
    let finite = Number.isFinite(close[i]!);
    for (let j = i - window; j < i && finite; j++) {
      const c = close[j]!;
      if (!Number.isFinite(c)) finite = false;
      if (c > hi) hi = c;
      if (c < lo) lo = c;
    }
    if (finite) {
      if (close[i]! > hi) side = 1;
      else if (close[i]! < lo) side = -1;
    }
    state[i] = side;
  }
  return Float64Array.from(rows, (r) => state[r]!);
}

function clip(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}

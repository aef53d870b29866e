// Strategy P&L of a timing signal on one futures product, in ticks, CNY and return units (pure).
//
// Timing: the position of test date t is decided at the close of t and held over t -> t+1, so it
// earns that date's realised next-day move of the contract traded over t -> t+1. Every array below
// has one entry per test date, in date order; consecutive entries are consecutive trading days.
//
// Units:
//  - ticks: per contract (a position of 0.5 earns half the move), so tick P&L compares across eras
//    whose tick value changed (TS went from 0.005 to 0.002 in 2023);
//  - CNY: ticks x that day's tick value (specFor(product, date).tickValue);
//  - return: a fraction of the notional of one contract at entry. Futures P&L on a fixed notional
//    adds up day by day (no compounding: margin is not reinvested), so equity is the cumulative SUM
//    of daily returns and a drawdown is measured in the same units (0.02 = 2% of one notional).

export type PositionRule =
  /** p > long: +1, p < short: -1, otherwise 0 (flat). Needs short <= long. */
  | { readonly kind: 'threshold'; readonly long: number; readonly short: number }
  /** clip((2p - 1) * scale, -1, 1): size grows with confidence; scale defaults to 1. */
  | { readonly kind: 'confidence'; readonly scale?: number };

/** Costs per contract per side (one buy or one sell), in ticks. */
export interface CostModel {
  readonly commissionTicks: number;
  readonly slippageTicks: number;
}

export interface PnlInput {
  /** Decided at t for t -> t+1, in contracts; [-1, 1] by convention (fractional = sizing). */
  readonly position: Float64Array;
  /** Realised move t -> t+1 of the traded contract, in ticks. */
  readonly moveTicks: Float64Array;
  /** The same move as a fraction of the entry price. */
  readonly moveReturn: Float64Array;
  /** Contract held over t -> t+1 (changes on a roll); null when unknown, which never counts as a roll. */
  readonly tradedContract: readonly (string | null)[];
  /** CNY value of one tick of one contract, per date. */
  readonly tickValue: Float64Array;
}

export interface PnlSeries {
  /** The position held over t -> t+1 (a copy of the input), so statistics can tell held days. */
  readonly position: Float64Array;
  /** Per contract: position * moveTicks. */
  readonly grossTicks: Float64Array;
  /** Per contract: turnover * (commission + slippage). */
  readonly costTicks: Float64Array;
  readonly netTicks: Float64Array;
  /** netTicks * tickValue. */
  readonly netCny: Float64Array;
  /** Per day, fraction of notional: position * moveReturn - costTicks * (one tick as a fraction of price). */
  readonly netReturn: Float64Array;
  /** Contracts traded at the close of t: |position change|, or |old| + |new| on a roll. */
  readonly turnover: Float64Array;
  /** 1 where a held position was rolled into a new contract at the close of t. */
  readonly rolled: Uint8Array;
}

export interface StrategyStats {
  readonly days: number;
  /** mean(netReturn) * periodsPerYear (additive P&L, so arithmetic). */
  readonly annualReturn: number;
  /** sd(netReturn) * sqrt(periodsPerYear), sample sd. */
  readonly annualVol: number;
  /** mean / sd * sqrt(periodsPerYear); with sd = 0: +Infinity if mean > 0, else NaN; NaN below 2 days. */
  readonly sharpe: number;
  /** mean / downside deviation * sqrt(periodsPerYear), downside deviation = sqrt(mean(min(r, 0)^2)) over all days; +Infinity with no losing day and mean > 0. */
  readonly sortino: number;
  /** Largest fall of cumulative netReturn from its running peak (the peak includes the 0 before day 1); >= 0. */
  readonly maxDrawdown: number;
  /** annualReturn / maxDrawdown; +Infinity with no drawdown and a positive return. */
  readonly calmar: number;
  /** Contracts traded per year: mean(turnover) * periodsPerYear. */
  readonly turnover: number;
  /** Share of days with a position (|position| > 0) whose net P&L is > 0. */
  readonly hitRate: number;
  /** Sum of positive daily net returns / |sum of negative ones|; +Infinity with no loss. */
  readonly profitFactor: number;
  readonly totalCny: number;
  readonly totalTicks: number;
}

/** Positions (one per date) from model probabilities P(up at t+1). A NaN probability (no prediction) is flat. */
export function positionsFromProb(prob: ArrayLike<number>, rule: PositionRule): Float64Array {
  const out = new Float64Array(prob.length);
  if (rule.kind === 'threshold') {
    if (!(rule.short <= rule.long)) throw new RangeError(`threshold rule: short ${rule.short} must be <= long ${rule.long} (or a probability would be both long and short)`);
    for (let i = 0; i < prob.length; i++) {
      const p = prob[i]!;
      out[i] = p > rule.long ? 1 : p < rule.short ? -1 : 0; // NaN fails both tests: flat
    }
    return out;
  }
  const scale = rule.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`confidence rule: scale must be a positive finite number, got ${scale}`);
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i]!;
    out[i] = Number.isNaN(p) ? 0 : clip((2 * p - 1) * scale);
  }
  return out;
}

/**
 * Daily P&L of `input.position` after costs.
 *
 * Trades happen at the close of t, moving from the position of t-1 to that of t (the day before
 * the first is flat, so the first day pays its entry). Turnover is |position[t] - position[t-1]|,
 * except on a roll: tradedContract[t] differs from tradedContract[t-1] while a position is held on
 * both days, so the old contract is closed and the new one opened, |position[t-1]| + |position[t]|
 * contracts (2|position| for an unchanged position). Costs are turnover * (commission + slippage)
 * ticks. The final position is not closed: its exit belongs to the next date's trade.
 *
 * Return units: one tick as a fraction of the entry price is moveReturn / moveTicks on a day that
 * moved. On a day that did not (moveTicks = 0) the ratio is taken from the nearest day that did
 * (the earlier on a tie): a tick is a fixed price step, so as a fraction of price it only drifts
 * with the price level (well under 1% a week for a bond future), far below the cost's own
 * uncertainty.
 */
export function strategyPnl(input: PnlInput, costs: CostModel): PnlSeries {
  const n = input.position.length;
  const { position, moveTicks, moveReturn, tradedContract, tickValue } = input;
  for (const [name, len] of [
    ['moveTicks', moveTicks.length],
    ['moveReturn', moveReturn.length],
    ['tradedContract', tradedContract.length],
    ['tickValue', tickValue.length],
  ] as const) {
    if (len !== n) throw new RangeError(`strategyPnl: ${name} has ${len} entries, position has ${n}`);
  }
  for (const [name, v] of [
    ['commissionTicks', costs.commissionTicks],
    ['slippageTicks', costs.slippageTicks],
  ] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`strategyPnl: ${name} must be a finite number >= 0, got ${v}`);
  }
  for (let t = 0; t < n; t++) {
    if (!Number.isFinite(position[t]!)) throw new RangeError(`strategyPnl: position[${t}] is ${position[t]}`);
    if (!Number.isFinite(moveTicks[t]!) || !Number.isFinite(moveReturn[t]!)) {
      throw new RangeError(`strategyPnl: the move of date ${t} is not known (ticks ${moveTicks[t]}, return ${moveReturn[t]}); drop dates without a next day first`);
    }
    if (!(tickValue[t]! > 0) || !Number.isFinite(tickValue[t]!)) throw new RangeError(`strategyPnl: tickValue[${t}] must be > 0, got ${tickValue[t]}`);
  }

  const perSide = costs.commissionTicks + costs.slippageTicks;
  const grossTicks = new Float64Array(n);
  const costTicks = new Float64Array(n);
  const netTicks = new Float64Array(n);
  const netCny = new Float64Array(n);
  const netReturn = new Float64Array(n);
  const turnover = new Float64Array(n);
  const rolled = new Uint8Array(n);
  const tickFrac = tickFractions(moveTicks, moveReturn);

  for (let t = 0; t < n; t++) {
    const prev = t > 0 ? position[t - 1]! : 0;
    const pos = position[t]!;
    const before = t > 0 ? tradedContract[t - 1] : null;
    const now = tradedContract[t];
    const roll = prev !== 0 && pos !== 0 && before != null && now != null && before !== now;
    rolled[t] = roll ? 1 : 0;
    turnover[t] = roll ? Math.abs(prev) + Math.abs(pos) : Math.abs(pos - prev);
    grossTicks[t] = pos * moveTicks[t]!;
    costTicks[t] = turnover[t]! * perSide;
    netTicks[t] = grossTicks[t]! - costTicks[t]!;
    netCny[t] = netTicks[t]! * tickValue[t]!;
    if (costTicks[t]! > 0 && Number.isNaN(tickFrac[t]!)) {
      throw new RangeError('strategyPnl: no date has a non-zero move, so a tick cannot be expressed as a fraction of price');
    }
    netReturn[t] = pos * moveReturn[t]! - (costTicks[t]! > 0 ? costTicks[t]! * tickFrac[t]! : 0);
  }
  return { position: Float64Array.from(position), grossTicks, costTicks, netTicks, netCny, netReturn, turnover, rolled };
}

/** One tick as a fraction of the entry price per date (see strategyPnl); NaN everywhere if no date moved. */
function tickFractions(moveTicks: Float64Array, moveReturn: Float64Array): Float64Array {
  const n = moveTicks.length;
  const out = new Float64Array(n).fill(NaN);
  for (let t = 0; t < n; t++) {
    if (moveTicks[t] === 0) continue;
    const f = moveReturn[t]! / moveTicks[t]!;
    if (!(f > 0)) throw new RangeError(`strategyPnl: date ${t} moved ${moveTicks[t]} ticks but returned ${moveReturn[t]} (signs must agree)`);
    out[t] = f;
  }
  // Fill the gaps: nearest known ratio, the earlier one on a tie.
  const prevKnown = new Int32Array(n).fill(-1);
  for (let t = 0, last = -1; t < n; t++) {
    if (!Number.isNaN(out[t]!)) last = t;
    prevKnown[t] = last;
  }
  let nextKnown = -1;
  for (let t = n - 1; t >= 0; t--) {
    if (!Number.isNaN(out[t]!)) {
      nextKnown = t;
      continue;
    }
    const a = prevKnown[t]!;
    const b = nextKnown;
    if (a < 0 && b < 0) continue;
    const src = a < 0 ? b : b < 0 ? a : t - a <= b - t ? a : b;
    out[t] = out[src]!;
  }
  return out;
}

/** Summary statistics of a P&L series; `periodsPerYear` annualises (250 trading days in China). */
export function strategyStats(p: PnlSeries, periodsPerYear = 250): StrategyStats {
  if (!(periodsPerYear > 0)) throw new RangeError(`strategyStats: periodsPerYear must be > 0, got ${periodsPerYear}`);
  const r = p.netReturn;
  const n = r.length;
  let sum = 0;
  let gains = 0;
  let losses = 0;
  let down2 = 0;
  let held = 0;
  let hits = 0;
  let turn = 0;
  let totalCny = 0;
  let totalTicks = 0;
  let equity = 0;
  let peak = 0; // equity before the first day
  let maxDrawdown = 0;
  for (let t = 0; t < n; t++) {
    const x = r[t]!;
    sum += x;
    if (x > 0) gains += x;
    else if (x < 0) {
      losses -= x;
      down2 += x * x;
    }
    if (p.position[t] !== 0) {
      held++;
      if (x > 0) hits++;
    }
    turn += p.turnover[t]!;
    totalCny += p.netCny[t]!;
    totalTicks += p.netTicks[t]!;
    equity += x;
    if (equity > peak) peak = equity;
    if (peak - equity > maxDrawdown) maxDrawdown = peak - equity;
  }
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  for (let t = 0; t < n; t++) ss += (r[t]! - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
  const downside = n > 0 ? Math.sqrt(down2 / n) : NaN;
  const annualReturn = mean * periodsPerYear;
  return {
    days: n,
    annualReturn,
    annualVol: sd * Math.sqrt(periodsPerYear),
    sharpe: ratio(mean, sd) * Math.sqrt(periodsPerYear),
    sortino: ratio(mean, downside) * Math.sqrt(periodsPerYear),
    maxDrawdown: n > 0 ? maxDrawdown : NaN,
    calmar: n > 0 ? ratio(annualReturn, maxDrawdown) : NaN,
    turnover: n > 0 ? (turn / n) * periodsPerYear : NaN,
    hitRate: held > 0 ? hits / held : NaN,
    profitFactor: ratio(gains, losses),
    totalCny,
    totalTicks,
  };
}

/**
 * a / b for the risk ratios: with no risk in the denominator (b = 0) the ratio is +Infinity for a
 * positive numerator (no losing day, no drawdown) and NaN otherwise (nothing happened).
 */
function ratio(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (b === 0) return a > 0 ? Infinity : NaN;
  return a / b;
}

function clip(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x;
}

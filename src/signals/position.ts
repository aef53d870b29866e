// How big a desk signal's position is (pure): the contracts a daily risk budget buys, from the
// contract's tick value and the size of its recent daily moves, and the blend of the model with
// the traditional timing factors that decides the side.

/** Fewest recent daily moves a volatility estimate is made from. */
export const MIN_VOL_DAYS = 5;

export interface Sizing {
  /** Signed contracts: positive long, negative short, 0 flat. */
  readonly contracts: number;
  /** One day's typical P&L of one contract, CNY: the root mean square of its recent moves. */
  readonly riskPerContractCny: number;
  /** The same in ticks. */
  readonly dailyTicks: number;
  /** Moves the estimate used. */
  readonly days: number;
}

/**
 * Contracts for a daily risk budget: floor(budget / (rms daily move in ticks x tick value)), signed
 * by `direction`. The root mean square, not the standard deviation, because a day's risk is the
 * move itself, drift included. Non-finite moves (a day without a close) are skipped; fewer than
 * MIN_VOL_DAYS finite ones throw, as does a budget or tick value that is not positive.
 */
export function sizePosition(budgetCny: number, movesTicks: ArrayLike<number>, tickValue: number, direction: -1 | 0 | 1): Sizing {
  if (!(budgetCny > 0) || !Number.isFinite(budgetCny)) throw new RangeError(`the risk budget must be a positive number of CNY, got ${budgetCny}`);
  if (!(tickValue > 0)) throw new RangeError(`the tick value must be positive, got ${tickValue}`);
  let sum = 0;
  let days = 0;
  for (let i = 0; i < movesTicks.length; i++) {
    const m = movesTicks[i]!;
    if (!Number.isFinite(m)) continue;
    sum += m * m;
    days++;
  }
  if (days < MIN_VOL_DAYS) throw new RangeError(`${days} recent daily moves are too few to size a position (at least ${MIN_VOL_DAYS})`);
  const dailyTicks = Math.sqrt(sum / days);
  const riskPerContractCny = dailyTicks * tickValue;
  // A market that did not move has no risk to size by: no position rather than an infinite one.
  const size = riskPerContractCny > 0 ? Math.floor(budgetCny / riskPerContractCny) : 0;
  return { contracts: direction === 0 ? 0 : direction * size, riskPerContractCny, dailyTicks, days };
}

/** Daily close-to-close moves in ticks of one contract's closes (oldest first): n - 1 moves. */
export function movesInTicks(closes: ArrayLike<number>, tick: number): Float64Array {
  if (!(tick > 0)) throw new RangeError(`the tick must be positive, got ${tick}`);
  const out = new Float64Array(Math.max(0, closes.length - 1));
  for (let i = 1; i < closes.length; i++) out[i - 1] = (closes[i]! - closes[i - 1]!) / tick;
  return out;
}

export interface Part {
  readonly name: string;
  /** The part's view in [-1, 1]: 2p - 1 for the model, a factor's position. */
  readonly signal: number;
  readonly weight: number;
  /** weight x signal / sum of |weights|: the parts add up to the combination. */
  readonly contribution: number;
}

export interface Combination {
  /** In [-1, 1]; its sign is the side. */
  readonly value: number;
  readonly direction: -1 | 0 | 1;
  readonly parts: readonly Part[];
}

/**
 * The walk-forward's factor-timing blend (evaluate.ts: the model's 2p - 1 at `modelWeight`, the
 * traditional factors equal-weighted in the rest), for one day, with each part's contribution.
 */
export function combine(pUp: number, factors: readonly { name: string; signal: number }[], modelWeight: number, modelName = 'model'): Combination {
  if (!(pUp >= 0 && pUp <= 1)) throw new RangeError(`P(up) must be a probability, got ${pUp}`);
  if (!(modelWeight >= 0 && modelWeight <= 1)) throw new RangeError(`the model's weight must be in [0, 1], got ${modelWeight}`);
  const each = factors.length > 0 ? (1 - modelWeight) / factors.length : 0;
  const raw = [{ name: modelName, signal: 2 * pUp - 1, weight: modelWeight }, ...factors.map((f) => ({ name: f.name, signal: f.signal, weight: each }))];
  const norm = raw.reduce((a, p) => a + Math.abs(p.weight), 0);
  if (norm === 0) throw new RangeError('the combination has no weight: a model weight of 0 and no factors');
  const parts = raw.map((p) => ({ ...p, contribution: (p.weight * p.signal) / norm }));
  const value = Math.max(-1, Math.min(1, parts.reduce((a, p) => a + p.contribution, 0)));
  return { value, direction: value > 0 ? 1 : value < 0 ? -1 : 0, parts };
}

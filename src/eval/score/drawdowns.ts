// Drawdown episodes of a cumulative P&L curve (pure): where each fall from a high started, how
// deep it went, and when (if) the curve got back. The curve is additive (cumulative net return or
// ticks), so depth is a difference, not a ratio; the curve starts from 0 before its first day,
// which counts as a high (a strategy that loses from day one is in a drawdown from the start).

export interface DrawdownEpisode {
  /** Index of the high the fall started from; -1 is the 0 before the first day. */
  readonly peak: number;
  /** Index of the lowest point before the recovery (or the end). */
  readonly trough: number;
  /** First index back at or above the high; null when the curve had not got back by its last day. */
  readonly recovery: number | null;
  /** High minus trough: > 0. */
  readonly depth: number;
  /** Days from the high to the trough. */
  readonly toTrough: number;
  /** Days from the high to the recovery, or to the last day when not recovered. */
  readonly length: number;
}

/** Every drawdown episode of `equity`, in time order (a flat or rising curve has none). */
export function drawdownEpisodes(equity: ArrayLike<number>): DrawdownEpisode[] {
  const out: DrawdownEpisode[] = [];
  let peak = -1;
  let high = 0;
  let trough = -1;
  let low = 0;
  const close = (recovery: number | null, last: number): void => {
    out.push({ peak, trough, recovery, depth: high - low, toTrough: trough - peak, length: (recovery ?? last) - peak });
  };
  for (let i = 0; i < equity.length; i++) {
    const v = equity[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`drawdownEpisodes: equity[${i}] is ${v}`);
    if (v >= high) {
      if (trough >= 0) close(i, i);
      peak = i;
      high = v;
      trough = -1;
    } else if (trough < 0 || v < low) {
      trough = i;
      low = v;
    }
  }
  if (trough >= 0) close(null, equity.length - 1);
  return out;
}

/** The `k` deepest episodes, deepest first (ties: the earlier first). */
export function worstDrawdowns(equity: ArrayLike<number>, k = 5): DrawdownEpisode[] {
  return drawdownEpisodes(equity)
    .map((e, order) => ({ e, order }))
    .sort((a, b) => b.e.depth - a.e.depth || a.order - b.order)
    .slice(0, k)
    .map(({ e }) => e);
}

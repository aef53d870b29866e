import { describe, expect, it } from 'vitest';
import { positionsFromProb, strategyPnl, strategyStats, type PnlInput, type PnlSeries } from '../../src/futures/pnl.js';

/** Element-wise closeness (also equates 0 and -0, which toEqual would not). */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i]!)) expect(actual[i]).toBeNaN();
    else expect(actual[i]!, `index ${i}`).toBeCloseTo(expected[i]!, digits);
  }
}

describe('positionsFromProb', () => {
  it('threshold: long above `long`, short below `short`, flat between and for NaN', () => {
    const pos = positionsFromProb([0.6, 0.55, 0.5, 0.45, 0.4, NaN], { kind: 'threshold', long: 0.55, short: 0.45 });
    // 0.55 and 0.45 sit on the thresholds: the inequalities are strict, so both are flat.
    expect(Array.from(pos)).toEqual([1, 0, 0, 0, -1, 0]);
  });

  it('threshold at 0.5 / 0.5 is always in the market except at exactly 0.5', () => {
    expect(Array.from(positionsFromProb([0.51, 0.5, 0.49], { kind: 'threshold', long: 0.5, short: 0.5 }))).toEqual([1, 0, -1]);
  });

  it('confidence: (2p - 1) * scale, clipped to [-1, 1]', () => {
    // scale 1: 2*0.6-1 = 0.2, 2*0.25-1 = -0.5, 2*1-1 = 1; NaN is flat.
    expectClose(positionsFromProb([0.6, 0.5, 0.25, 1, NaN], { kind: 'confidence' }), [0.2, 0, -0.5, 1, 0]);
    // scale 4: 0.2*4 = 0.8; (2*0.7-1)*4 = 1.6 -> 1; (2*0.2-1)*4 = -2.4 -> -1.
    expectClose(positionsFromProb([0.6, 0.7, 0.2], { kind: 'confidence', scale: 4 }), [0.8, 1, -1]);
  });

  it('rejects rules that make no sense', () => {
    expect(() => positionsFromProb([0.5], { kind: 'threshold', long: 0.4, short: 0.6 })).toThrow(/short 0.6 must be <= long 0.4/);
    expect(() => positionsFromProb([0.5], { kind: 'confidence', scale: 0 })).toThrow(/scale/);
  });
});

// A hand-worked week and a half of T: tick 0.005, so one tick is 0.005/100 = 5e-5 of the price at
// 100 (days 0-2) and 0.005/125 = 4e-5 at 125 (days 4-7); day 3 does not move.
//  t  pos   ticks  contract  trade at close of t                        turnover  rolled
//  0  1      4     A         enter long 1 (the day before is flat)         1        0
//  1  1     -2     A         hold                                          0        0
//  2  1      6     B         roll: sell 1 A, buy 1 B (2|pos|)              2        1
//  3  0.5    0     B         sell 0.5                                      0.5      0
//  4  -1    -3     C         roll and flip: sell 0.5 B, sell 1 C           1.5      1
//  5  -1     5     C         hold                                          0        0
//  6  0      2     D         buy back 1 C; nothing held into D: no roll    1        0
//  7  0.5   -4     D         buy 0.5                                       0.5      0
const WEEK: PnlInput = {
  position: Float64Array.from([1, 1, 1, 0.5, -1, -1, 0, 0.5]),
  moveTicks: Float64Array.from([4, -2, 6, 0, -3, 5, 2, -4]),
  moveReturn: Float64Array.from([4 * 5e-5, -2 * 5e-5, 6 * 5e-5, 0, -3 * 4e-5, 5 * 4e-5, 2 * 4e-5, -4 * 4e-5]),
  tradedContract: ['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D'],
  tickValue: Float64Array.from([50, 50, 50, 50, 50, 50, 50, 40]),
};
const COSTS = { commissionTicks: 0.5, slippageTicks: 1 }; // 1.5 ticks per contract per side

describe('strategyPnl', () => {
  const p = strategyPnl(WEEK, COSTS);

  it('charges |position change| per side, the first entry, and 2|position| on a roll', () => {
    expectClose(p.turnover, [1, 0, 2, 0.5, 1.5, 0, 1, 0.5]);
    expect(Array.from(p.rolled)).toEqual([0, 0, 1, 0, 1, 0, 0, 0]);
    // cost = turnover * 1.5
    expectClose(p.costTicks, [1.5, 0, 3, 0.75, 2.25, 0, 1.5, 0.75]);
  });

  it('gross and net ticks per contract, and CNY at each day’s tick value', () => {
    // gross = pos * ticks
    expectClose(p.grossTicks, [4, -2, 6, 0, 3, -5, 0, -2]);
    // net = gross - cost
    expectClose(p.netTicks, [2.5, -2, 3, -0.75, 0.75, -5, -1.5, -2.75]);
    // CNY = net * tick value (40 on the last day)
    expectClose(p.netCny, [125, -100, 150, -37.5, 37.5, -250, -75, -110], 9);
  });

  it('net return = pos * moveReturn - cost in ticks * tick fraction; a still day borrows the earlier neighbour’s fraction on a tie', () => {
    // 0: 1*2e-4 - 1.5*5e-5 = 1.25e-4      1: -1e-4
    // 2: 3e-4 - 3*5e-5 = 1.5e-4           3: 0 - 0.75*5e-5 = -0.375e-4 (day 2's 5e-5, not day 4's 4e-5)
    // 4: -1*-1.2e-4 - 2.25*4e-5 = 0.3e-4  5: -2e-4
    // 6: 0 - 1.5*4e-5 = -0.6e-4           7: 0.5*-1.6e-4 - 0.75*4e-5 = -1.1e-4
    expectClose(p.netReturn, [1.25e-4, -1e-4, 1.5e-4, -0.375e-4, 0.3e-4, -2e-4, -0.6e-4, -1.1e-4], 15);
  });

  it('a still day takes the nearest moving day’s tick fraction when it is not a tie', () => {
    // Days 0 and 1 still; the nearest moving day is 2 (price 125: 4e-5), not 3 (price 100: 5e-5).
    const q = strategyPnl(
      {
        position: Float64Array.from([1, 0, 0, 0]),
        moveTicks: Float64Array.from([0, 0, 1, 1]),
        moveReturn: Float64Array.from([0, 0, 4e-5, 5e-5]),
        tradedContract: ['A', 'A', 'A', 'A'],
        tickValue: Float64Array.from([50, 50, 50, 50]),
      },
      { commissionTicks: 1, slippageTicks: 0 },
    );
    // day 0 enters (1 tick = 4e-5), day 1 exits (1 tick = 4e-5)
    expectClose(q.netReturn, [-4e-5, -4e-5, 0, 0], 15);
  });

  it('a roll that also resizes trades the old position out and the new one in', () => {
    const base = {
      moveTicks: Float64Array.from([1, 1]),
      moveReturn: Float64Array.from([5e-5, 5e-5]),
      tickValue: Float64Array.from([50, 50]),
    };
    const rolled = strategyPnl({ ...base, position: Float64Array.from([1, 0.5]), tradedContract: ['A', 'B'] }, COSTS);
    // close 1 of A, open 0.5 of B: 1.5 contracts (without the roll only the 0.5 change would trade)
    expectClose(rolled.turnover, [1, 1.5]);
    expect(Array.from(rolled.rolled)).toEqual([0, 1]);
    const same = strategyPnl({ ...base, position: Float64Array.from([1, 0.5]), tradedContract: ['A', 'A'] }, COSTS);
    expectClose(same.turnover, [1, 0.5]);
    // an unknown contract (null) is never taken for a roll
    const unknown = strategyPnl({ ...base, position: Float64Array.from([1, 1]), tradedContract: ['A', null] }, COSTS);
    expectClose(unknown.turnover, [1, 0]);
  });

  it('refuses inputs it cannot price', () => {
    expect(() => strategyPnl({ ...WEEK, moveTicks: WEEK.moveTicks.subarray(1) }, COSTS)).toThrow(/moveTicks has 7 entries, position has 8/);
    const nan = Float64Array.from(WEEK.moveReturn);
    nan[5] = NaN;
    expect(() => strategyPnl({ ...WEEK, moveReturn: nan }, COSTS)).toThrow(/move of date 5 is not known/);
    expect(() => strategyPnl(WEEK, { commissionTicks: -1, slippageTicks: 0 })).toThrow(/commissionTicks/);
  });
});

describe('strategyStats', () => {
  // Six days, periodsPerYear 4 (sqrt 2) to keep the arithmetic by hand.
  const r = [0.02, -0.01, 0.03, -0.02, 0.01, 0];
  const series: PnlSeries = {
    position: Float64Array.from([1, 1, -1, 1, 0.5, 0]),
    grossTicks: new Float64Array(6),
    costTicks: new Float64Array(6),
    netTicks: Float64Array.from([2, -1, 3, -2, 1, 0]),
    netCny: Float64Array.from([10, -5, 15, -10, 5, 0]),
    netReturn: Float64Array.from(r),
    turnover: Float64Array.from([1, 0, 2, 2, 0.5, 0.5]),
    rolled: new Uint8Array(6),
  };
  const s = strategyStats(series, 4);

  it('annual return, volatility and Sharpe from the sample sd', () => {
    // mean = 0.03/6 = 0.005 -> annual 0.02. Deviations ±0.015, ±0.025, ±0.005: squares sum
    // 2*(2.25 + 6.25 + 0.25)e-4 = 17.5e-4; sample var 17.5e-4/5 = 3.5e-4; sd = 0.0187083.
    expect(s.days).toBe(6);
    expect(s.annualReturn).toBeCloseTo(0.02, 15);
    expect(s.annualVol).toBeCloseTo(2 * Math.sqrt(3.5e-4), 15); // 0.0374166
    expect(s.sharpe).toBeCloseTo((0.005 / Math.sqrt(3.5e-4)) * 2, 12); // 0.5345225
    expect(s.sharpe).toBeCloseTo(0.5345225, 6);
  });

  it('Sortino divides by the downside deviation against 0 over all days', () => {
    // losses -0.01, -0.02: (1e-4 + 4e-4)/6 = 8.333e-5, DD = 0.00912871; 0.005/DD*2 = sqrt(1.2) = 1.0954451
    expect(s.sortino).toBeCloseTo(Math.sqrt(1.2), 12);
  });

  it('drawdown on cumulative returns, Calmar, hit rate, profit factor, turnover and totals', () => {
    // equity 0.02, 0.01, 0.04, 0.02, 0.03, 0.03; peak 0.04 from day 2; deepest fall 0.04 -> 0.02
    expect(s.maxDrawdown).toBeCloseTo(0.02, 15);
    expect(s.calmar).toBeCloseTo(0.02 / 0.02, 12);
    // held days 0-4 (day 5 flat); winners 0, 2, 4 -> 3/5
    expect(s.hitRate).toBeCloseTo(0.6, 15);
    // gains 0.02 + 0.03 + 0.01 = 0.06, losses 0.03 -> 2
    expect(s.profitFactor).toBeCloseTo(2, 12);
    // turnover 6 contracts in 6 days = 1 a day, 4 a year
    expect(s.turnover).toBeCloseTo(4, 15);
    expect(s.totalCny).toBe(15);
    expect(s.totalTicks).toBe(3);
  });

  it('counts a drawdown from the starting equity of 0', () => {
    const losing = strategyStats({ ...series, netReturn: Float64Array.from([-0.01, -0.02, 0.01, 0, 0, 0]) });
    // equity -0.01, -0.03, -0.02: 0.03 below the 0 the strategy started from
    expect(losing.maxDrawdown).toBeCloseTo(0.03, 15);
    expect(losing.calmar).toBeLessThan(0);
  });

  it('on the hand-worked week, via strategyPnl', () => {
    const w = strategyStats(strategyPnl(WEEK, COSTS));
    // held days: all but day 6 (7); net > 0 on days 0, 2, 4 -> 3/7
    expect(w.hitRate).toBeCloseTo(3 / 7, 15);
    // gains (1.25 + 1.5 + 0.3)e-4 = 3.05e-4; losses (1 + 0.375 + 2 + 0.6 + 1.1)e-4 = 5.075e-4
    expect(w.profitFactor).toBeCloseTo(3.05 / 5.075, 10);
    expect(w.totalTicks).toBeCloseTo(-5.75, 12);
    expect(w.totalCny).toBeCloseTo(-260, 9);
    // 6.5 contracts over 8 days, 250 days a year: 203.125
    expect(w.turnover).toBeCloseTo(203.125, 9);
    // equity 1.25, 0.25, 1.75, 1.375, 1.675, -0.325, -0.925, -2.025 (e-4): peak 1.75 -> -2.025
    expect(w.maxDrawdown).toBeCloseTo(3.775e-4, 15);
  });

  it('ratios without risk: no loss gives Infinity, nothing at all gives NaN', () => {
    const flat = strategyStats({ ...series, position: new Float64Array(6), netReturn: new Float64Array(6) });
    expect(flat.sharpe).toBeNaN();
    expect(flat.profitFactor).toBeNaN();
    expect(flat.hitRate).toBeNaN(); // never in the market
    expect(flat.maxDrawdown).toBe(0);
    const winning = strategyStats({ ...series, netReturn: Float64Array.from([0.01, 0.02, 0, 0.01, 0.01, 0]) });
    expect(winning.profitFactor).toBe(Infinity);
    expect(winning.sortino).toBe(Infinity);
    expect(winning.calmar).toBe(Infinity);
    expect(Number.isFinite(winning.sharpe)).toBe(true);
  });
});

// Position sizing and the model-plus-factors blend of a desk signal.

import { describe, expect, it } from 'vitest';
import { combineSignals } from '../../src/futures/factors.js';
import { combine, movesInTicks, sizePosition } from '../../src/signals/position.js';

describe('sizePosition', () => {
  it('buys floor(budget / (rms move x tick value)) contracts on the signal\'s side', () => {
    // T: tick 0.005, tick value 50 CNY; moves of +-20 ticks: 1,000 CNY a contract a day
    const moves = [20, -20, 20, -20, 20, -20];
    expect(sizePosition(100_000, moves, 50, 1)).toEqual({ contracts: 100, riskPerContractCny: 1000, dailyTicks: 20, days: 6 });
    expect(sizePosition(100_000, moves, 50, -1).contracts).toBe(-100);
    expect(sizePosition(100_000, moves, 50, 0).contracts).toBe(0);
    expect(sizePosition(99_999, moves, 50, 1).contracts).toBe(99);
  });

  it('uses the root mean square, so a steady drift counts as risk', () => {
    expect(sizePosition(10_000, [10, 10, 10, 10, 10], 50, 1).dailyTicks).toBe(10);
  });

  it('skips days without a move and refuses too few, a bad budget or tick value', () => {
    expect(sizePosition(10_000, [NaN, 10, -10, 10, -10, 10], 50, 1).days).toBe(5);
    expect(() => sizePosition(10_000, [10, 10, NaN, 10], 50, 1)).toThrow(/3 recent daily moves are too few/);
    expect(() => sizePosition(0, [1, 1, 1, 1, 1], 50, 1)).toThrow(/risk budget/);
    expect(() => sizePosition(10_000, [1, 1, 1, 1, 1], 0, 1)).toThrow(/tick value/);
  });

  it('gives no position when the market did not move', () => {
    expect(sizePosition(10_000, [0, 0, 0, 0, 0], 50, 1).contracts).toBe(0);
  });

  it('moves in ticks are close-to-close differences over the tick', () => {
    const m = movesInTicks([100, 100.05, 100.0], 0.005);
    expect(m[0]).toBeCloseTo(10, 9);
    expect(m[1]).toBeCloseTo(-10, 9);
    expect(movesInTicks([100], 0.005)).toHaveLength(0);
  });
});

describe('combine', () => {
  const factors = [
    { name: 'mom20', signal: 1 },
    { name: 'mom60', signal: -1 },
    { name: 'ma5_20', signal: 1 },
    { name: 'brk20', signal: 0 },
  ];

  it('is the walk-forward\'s blend, and its parts add up to it', () => {
    const c = combine(0.8, factors, 0.3, 'dual-gru');
    const walkForward = combineSignals([Float64Array.of(0.6), ...factors.map((f) => Float64Array.of(f.signal))], [0.3, ...factors.map(() => 0.7 / 4)]);
    expect(c.value).toBeCloseTo(walkForward[0]!, 12);
    expect(c.parts.reduce((a, p) => a + p.contribution, 0)).toBeCloseTo(c.value, 12);
    expect(c.parts[0]).toEqual({ name: 'dual-gru', signal: expect.closeTo(0.6, 12) as unknown as number, weight: 0.3, contribution: expect.closeTo(0.18, 12) as unknown as number });
    expect(c.direction).toBe(1);
  });

  it('can be outvoted: a bullish model under bearish factors is short', () => {
    const bear = factors.map((f) => ({ ...f, signal: -1 }));
    const c = combine(0.7, bear, 0.3);
    expect(c.value).toBeCloseTo(0.3 * 0.4 - 0.7, 12);
    expect(c.direction).toBe(-1);
    expect(combine(0.5, factors.map((f) => ({ ...f, signal: 0 })), 0.3).direction).toBe(0);
  });

  it('with no factors it is the model alone; refuses a probability or weight out of range', () => {
    expect(combine(0.25, [], 1).value).toBeCloseTo(-0.5, 12);
    expect(() => combine(1.2, factors, 0.3)).toThrow(/probability/);
    expect(() => combine(0.5, factors, 1.5)).toThrow(/weight/);
    expect(() => combine(0.5, [], 0)).toThrow(/no weight/);
  });
});

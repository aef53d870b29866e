import { describe, expect, it } from 'vitest';
import { drawdownEpisodes, worstDrawdowns } from '../../../src/eval/score/drawdowns.js';
import { drawdownOf } from '../../../src/report/charts.js';

describe('drawdownEpisodes', () => {
  it('finds each fall from a high, its trough and its recovery, by hand', () => {
    //               0    1    2    3    4    5    6    7    8    9
    const equity = [0.1, 0.3, 0.2, 0.1, 0.25, 0.3, 0.35, 0.3, 0.32, 0.2];
    expect(drawdownEpisodes(equity)).toEqual([
      // high 0.3 at 1, trough 0.1 at 3, back to 0.3 at 5
      { peak: 1, trough: 3, recovery: 5, depth: 0.3 - 0.1, toTrough: 2, length: 4 },
      // high 0.35 at 6, lowest after it 0.2 at 9, never recovered: length runs to the last day
      { peak: 6, trough: 9, recovery: null, depth: 0.35 - 0.2, toTrough: 3, length: 3 },
    ]);
  });

  it('counts the 0 before the first day as a high', () => {
    expect(drawdownEpisodes([-0.1, -0.3, 0.05])).toEqual([{ peak: -1, trough: 1, recovery: 2, depth: 0.3, toTrough: 2, length: 3 }]);
    expect(drawdownEpisodes([0, 0.1, 0.2])).toEqual([]);
    expect(drawdownEpisodes([])).toEqual([]);
  });

  it('agrees with the drawdown curve: each episode is as deep as the curve at its trough', () => {
    let s = 3;
    const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.48) * 0.01;
    const equity: number[] = [];
    for (let i = 0, v = 0; i < 2000; i++) equity.push((v += rnd()));
    const curve = drawdownOf(equity);
    const episodes = drawdownEpisodes(equity);
    expect(episodes.length).toBeGreaterThan(10);
    for (const e of episodes) {
      expect(curve[e.trough]).toBeCloseTo(-e.depth, 12);
      // nothing inside the episode is lower than its trough, and the curve is below 0 throughout
      const end = e.recovery ?? equity.length;
      for (let i = e.peak + 1; i < end; i++) {
        expect(curve[i]!).toBeLessThan(0);
        expect(curve[i]!).toBeGreaterThanOrEqual(-e.depth - 1e-12);
      }
    }
    // the deepest episode is the maximum drawdown
    expect(worstDrawdowns(equity, 1)[0]!.depth).toBeCloseTo(-Math.min(...curve), 12);
  });

  it('worstDrawdowns: the deepest first, at most k', () => {
    const equity = [0.1, 0, 0.2, 0.05, 0.3, 0.28, 0.4];
    expect(worstDrawdowns(equity, 2).map((e) => e.depth.toFixed(2))).toEqual(['0.15', '0.10']);
    expect(worstDrawdowns(equity, 10)).toHaveLength(3);
  });

  it('refuses a non-finite value', () => {
    expect(() => drawdownEpisodes([0, Number.NaN])).toThrow(/equity\[1\] is NaN/);
  });
});

import { describe, expect, it } from 'vitest';
import { rollingSharpe } from '../../../src/eval/score/rolling.js';
import { strategyStats, type PnlSeries } from '../../../src/futures/pnl.js';

describe('rollingSharpe', () => {
  it('is the annualised Sharpe of each trailing window, by hand', () => {
    const r = rollingSharpe([0.01, -0.01, 0.02, 0.0, 0.03], 3, 250);
    expect(r.slice(0, 2).every(Number.isNaN)).toBe(true);
    // window [0.01, -0.01, 0.02]: mean 0.00667, sample sd 0.01528
    const w = [0.01, -0.01, 0.02];
    const m = w.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / 2);
    expect(r[2]).toBeCloseTo((m / sd) * Math.sqrt(250), 12);
  });

  it('over a window as long as the series, equals the whole-series Sharpe of the P&L statistics', () => {
    let s = 11;
    const net = Float64Array.from({ length: 300 }, () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.45) * 0.004);
    const zeros = (): Float64Array => new Float64Array(300);
    const pnl: PnlSeries = { position: zeros().fill(1), grossTicks: zeros(), costTicks: zeros(), netTicks: zeros(), netCny: zeros(), netReturn: net, turnover: zeros(), rolled: new Uint8Array(300) };
    const whole = strategyStats(pnl, 250).sharpe;
    expect(rollingSharpe(net, 300, 250)[299]).toBeCloseTo(whole, 10);
  });

  it('is NaN for a flat window and refuses a bad window or year length', () => {
    expect(Number.isNaN(rollingSharpe([0, 0, 0], 2, 250)[2]!)).toBe(true);
    expect(() => rollingSharpe([0, 1], 0, 250)).toThrow(/window/);
    expect(() => rollingSharpe([0, 1], 2, 0)).toThrow(/periodsPerYear/);
  });
});

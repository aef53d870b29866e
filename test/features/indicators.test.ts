import { describe, expect, it } from 'vitest';
import { ADX, RSI } from 'technicalindicators';
import { adx, atr, bollingerPctB, macdHist, rsi } from '../../src/features/indicators.js';
import { fixtureBars, ttrReference } from './fixtures.js';

// Reference: TTR 0.24.3 on 200 days of T (scripts/ttr-fixture.R). Tolerance |ours - TTR| <=
// 1e-9 * (1 + |TTR|): both sides run the same double-precision recursions and the fixture keeps
// 15 significant digits; the largest gap seen is 3e-13 (%B), so 1e-9 has ~3 orders of headroom,
// while any convention difference (seeding, sd divisor, rounding) shows up at >= 1e-4 (see the
// technicalindicators checks below: 5e-3 for its rounded RSI, 0.5 for its ADX seeding).
// Warm-up must match exactly: NaN at the same indices as TTR's NA. No "compare only after decay"
// is needed because every indicator here, ADX included, follows TTR's seeding.
const TOL = 1e-9;

const bars = fixtureBars();
const ref = ttrReference();

function expectMatchesTtr(ours: Float64Array, name: string, firstDefined: number): void {
  const theirs = ref.get(name)!;
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    if (Number.isNaN(b)) {
      expect(a, `${name}[${i}] should be NaN like TTR`).toBeNaN();
    } else {
      expect(Math.abs(a - b), `${name}[${i}]: ours ${a} vs TTR ${b}`).toBeLessThanOrEqual(TOL * (1 + Math.abs(b)));
    }
  }
  expect(theirs.findIndex((v) => !Number.isNaN(v))).toBe(firstDefined);
}

describe('indicators vs TTR', () => {
  it('has a 200-day fixture', () => {
    expect(bars.close.length).toBe(200);
    expect(ref.get('rsi_14')!.length).toBe(200);
  });
  it('RSI(14) = TTR RSI(close, 14)', () => expectMatchesTtr(rsi(bars.close, 14), 'rsi_14', 14));
  it('MACD histogram (12,26,9) = TTR MACD(percent=FALSE) macd - signal', () => expectMatchesTtr(macdHist(bars.close, 12, 26, 9), 'macd_hist', 33));
  it('Bollinger %B (20, 2) = TTR BBands(close)$pctB (population sd)', () => expectMatchesTtr(bollingerPctB(bars.close, 20, 2), 'bb_pctb_20', 19));
  it('ATR(14) = TTR ATR(HLC, 14)$atr (Wilder)', () => expectMatchesTtr(atr(bars.high, bars.low, bars.close, 14), 'atr_14', 14));
  it('ADX(14) = TTR ADX(HLC, 14)$ADX', () => expectMatchesTtr(adx(bars.high, bars.low, bars.close, 14), 'adx_14', 27));
});

// Why two indicators do not go through technicalindicators' own functions. If a library update
// changes this, these tests say so and the workarounds can be reconsidered.
describe('technicalindicators disagreements with TTR', () => {
  it('its RSI is rounded to 2 decimals (so rsi() uses its unrounded AverageGain/AverageLoss)', () => {
    const theirs = RSI.calculate({ values: Array.from(bars.close), period: 14 });
    const r = ref.get('rsi_14')!;
    expect(theirs.length).toBe(200 - 14);
    const diffs = theirs.map((v, k) => Math.abs(v - r[14 + k]!));
    expect(Math.max(...diffs)).toBeGreaterThan(1e-4);
    expect(Math.max(...diffs)).toBeLessThanOrEqual(0.005 + 1e-12);
    expect(theirs.every((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6)).toBe(true);
  });

  it('its ADX seeds the Wilder sums differently; the gap decays but is large early', () => {
    const theirs = ADX.calculate({ high: Array.from(bars.high), low: Array.from(bars.low), close: Array.from(bars.close), period: 14, format: (v: number) => v }).map((o) => o.adx);
    const r = ref.get('adx_14')!;
    expect(theirs.length).toBe(200 - 27); // same warm-up, different values
    const diff = theirs.map((v, k) => Math.abs(v - r[27 + k]!));
    expect(Math.max(...diff)).toBeGreaterThan(0.1);
    expect(Math.max(...diff.slice(-20))).toBeLessThan(1e-3); // seeding effect decays like (13/14)^k
  });
});

describe('indicator conventions', () => {
  const c = Array.from({ length: 80 }, (_, i) => 100 + Math.sin(i / 3) + 0.01 * i);
  const h = c.map((x, i) => x + 0.2 + 0.1 * Math.cos(i));
  const l = c.map((x) => x - 0.25);

  it('returns input-length arrays with NaN exactly during warm-up', () => {
    const cases: [Float64Array, number][] = [
      [rsi(c, 14), 14],
      [macdHist(c, 12, 26, 9), 33],
      [bollingerPctB(c, 20, 2), 19],
      [atr(h, l, c, 14), 14],
      [adx(h, l, c, 14), 27],
      [rsi(c, 5), 5],
      [adx(h, l, c, 5), 9],
    ];
    for (const [a, warm] of cases) {
      expect(a.length).toBe(c.length);
      for (let i = 0; i < a.length; i++) expect(Number.isNaN(a[i]!), `index ${i}, warm-up ${warm}`).toBe(i < warm);
    }
  });

  it('gives all-NaN (no throw) for inputs shorter than the warm-up', () => {
    for (const m of [0, 1, 14]) {
      const s = c.slice(0, m);
      for (const a of [rsi(s), macdHist(s), bollingerPctB(s), atr(s, s, s), adx(s, s, s)]) {
        expect(a.length).toBe(m);
        expect(Array.from(a).every(Number.isNaN)).toBe(true);
      }
    }
    expect(rsi(c.slice(0, 15))[14]).not.toBeNaN(); // first value as soon as there are 15 closes
    expect(adx(h.slice(0, 28), l.slice(0, 28), c.slice(0, 28))[27]).not.toBeNaN();
  });

  it('handles flat prices without infinities (undefined ratios stay NaN)', () => {
    const k = new Array<number>(60).fill(100);
    expect(Array.from(rsi(k)).every(Number.isNaN)).toBe(true); // 0/0 gains/losses, as TTR
    expect(macdHist(k)[59]).toBe(0);
    expect(Array.from(bollingerPctB(k)).every(Number.isNaN)).toBe(true); // zero band width
    expect(atr(k, k, k)[59]).toBe(0);
    expect(Array.from(adx(k, k, k)).every(Number.isNaN)).toBe(true); // no directional movement
  });

  it('RSI is 100 with only gains', () => {
    const up = Array.from({ length: 30 }, (_, i) => 100 + i);
    expect(rsi(up)[29]).toBe(100);
  });

  it('rejects mismatched HLC lengths and bad periods', () => {
    expect(() => atr(h.slice(1), l, c)).toThrow(/lengths differ/);
    expect(() => adx(h, l.slice(1), c)).toThrow(/lengths differ/);
    expect(() => rsi(c, 0)).toThrow(/positive integer/);
    expect(() => macdHist(c, 26, 12, 9)).toThrow(/fast/);
  });
});

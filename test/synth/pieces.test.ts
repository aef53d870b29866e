import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specFor } from '../../src/market/specs.js';
import { allocBars, buildContractBars, buildFairPath, CsvBytes, dayGrid, lean, leanStep, normCdf, priceFormat, Rng, rollShares, tiltKeepingVwap } from '../../src/synth/index.js';

describe('Rng', () => {
  it('draws uniforms inside (0, 1) and standard normals, the same for the same seed and stream', () => {
    const r = new Rng(42, 'x');
    let s = 0;
    let ss = 0;
    const n = 100_000;
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (u > 0 && u < 1) inside++;
      const z = r.normal();
      s += z;
      ss += z * z;
    }
    expect(inside).toBe(n);
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(ss / n - 1)).toBeLessThan(0.02);
    const a = new Rng(7, 'curve');
    const b = new Rng(7, 'curve');
    const c = new Rng(7, 'other');
    const d = new Rng(2 ** 40 + 7, 'curve');
    const xs = [a, b, c, d].map((g) => Array.from({ length: 4 }, () => g.u32()));
    expect(xs[0]).toEqual(xs[1]);
    expect(xs[0]).not.toEqual(xs[2]);
    expect(xs[0]).not.toEqual(xs[3]);
  });
});

describe('CsvBytes and priceFormat', () => {
  it('print integers and tick prices with the tick\'s decimals', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bft-csv-'));
    try {
      const w = new CsvBytes(join(dir, 'x.csv'), 'a,b', 64);
      const f3 = priceFormat(0.005);
      const f2 = priceFormat(0.01);
      w.room().fixed(20001 * f3.perTick, f3.decimals, f3.scale).comma().fixed(9933 * f2.perTick, f2.decimals, f2.scale).end();
      w.room().uint(0).comma().uint(123456789012).text(',x').end();
      w.room().fixed(priceFormat(0.002).perTick * 50003, 3, 1000).end();
      w.close();
      expect(readFileSync(join(dir, 'x.csv'), 'utf8')).toBe('a,b\n100.005,99.33\n0,123456789012,x\n100.006\n');
      expect(w.rows).toBe(3);
      expect(f3.ticks(20001)).toBe('100.005');
      expect(f2.ticks(10000)).toBe('100.00');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the day grid', () => {
  it('has 270 one-minute bars before 2020-07-20 and 255 after, the last hour being the last 60 minutes', () => {
    const old = dayGrid(specFor('T', '2020-07-17')!.sessions, 1);
    const now = dayGrid(specFor('T', '2020-07-20')!.sessions, 1);
    expect([old.n, old.nMorning, old.n - old.lastHourFrom]).toEqual([270, 135, 60]);
    expect([now.n, now.nMorning, now.n - now.lastHourFrom, now.nMorning - now.lastHourFromMorning]).toEqual([255, 120, 60, 60]);
    expect([now.hhmm[0], now.hhmm[119], now.hhmm[120], now.hhmm[254], now.hhmm[now.lastHourFrom]]).toEqual(['09:31', '11:30', '13:01', '15:15', '14:16']);
    const five = dayGrid(specFor('T', '2024-01-02')!.sessions, 5);
    expect([five.n, five.n - five.lastHourFrom, five.hhmm[five.lastHourFrom]]).toEqual([51, 12, '14:20']);
    // volume heavier at the open and the close than at lunch
    expect(now.volShape[0]!).toBeGreaterThan(2 * now.volShape[110]!);
    expect(now.volShape[254]!).toBeGreaterThan(2 * now.volShape[110]!);
  });
});

describe('intraday bars', () => {
  it('run from the open to the close and aggregate to the day', () => {
    const grid = dayGrid(specFor('T', '2024-01-02')!.sessions, 1);
    const rng = new Rng(1, 'bars');
    const path = new Float64Array(grid.n + 1);
    const sd = new Float64Array(grid.n);
    buildFairPath(grid, 100, 100.3, 0.2, rng, path, sd);
    expect(path[0]).toBe(100);
    expect(path[grid.n]).toBe(100.3);
    const out = allocBars(grid.n);
    const agg = buildContractBars(
      { grid, nBars: grid.n, lastHourFrom: grid.lastHourFrom, path, barSd: sd, offset: 0, tick: 0.005, multiplier: 10_000, lo: 19_600, hi: 20_400, volume: 5000, oiStart: 1000, oiEnd: 1400, kind: 'volume', from: grid.lastHourFrom, to: grid.n, tilt: 0 },
      rng,
      out,
    );
    let v = 0;
    for (let i = 0; i < grid.n; i++) v += out.v[i]!;
    expect(v).toBe(5000);
    expect(out.v[0]!).toBeGreaterThan(0);
    expect(Math.abs(agg.close * 0.005 - 100.3)).toBeLessThan(0.02);
    expect(out.oi[grid.n - 1]).toBe(1400);
    expect(agg.high).toBe(Math.max(...out.h));
    expect(agg.low).toBe(Math.min(...out.l));
  });
});

describe('rollShares', () => {
  it('moves the largest share from the front to the next contract once, weeks before expiry', () => {
    let crossed = -1;
    for (let d = 60; d >= 0; d--) {
      const s = rollShares(d, 18);
      if (s[1]! > s[0]! && crossed < 0) crossed = d;
      if (crossed >= 0) expect(s[1]!).toBeGreaterThan(s[0]!);
    }
    expect(crossed).toBe(18);
  });
});

describe('the lean of afternoon-momentum', () => {
  it('keeps a step at mean 0 and variance 1 while a share Phi(kappa) of steps go its way', () => {
    expect(normCdf(0)).toBeCloseTo(0.5, 7);
    expect(normCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normCdf(-1)).toBeCloseTo(0.158655, 5);
    for (const kappa of [-1.2, -0.4, 0.3, 0.8]) {
      const l = lean(kappa);
      const rng = new Rng(3, `lean${kappa}`);
      const n = 200_000;
      let s = 0;
      let ss = 0;
      let up = 0;
      for (let i = 0; i < n; i++) {
        const e = leanStep(rng.normal(), l);
        s += e;
        ss += e * e;
        if (e > 0) up++;
      }
      expect(Math.abs(s / n), `kappa ${kappa}`).toBeLessThan(0.01);
      expect(Math.abs(ss / n - 1), `kappa ${kappa}`).toBeLessThan(0.02);
      expect(up / n).toBeCloseTo(normCdf(kappa), 2);
    }
    // no lean: the draw itself
    expect(leanStep(0.7, lean(0))).toBeCloseTo(0.7, 12);
  });

  it('rebuilds only the hour before the last, from the same draws, keeping both its ends', () => {
    const grid = dayGrid(specFor('T', '2024-01-02')!.sessions, 1);
    const plain = new Float64Array(grid.n + 1);
    const leaned = new Float64Array(grid.n + 1);
    const sd = new Float64Array(grid.n);
    const a = new Rng(9, 'path');
    const b = new Rng(9, 'path');
    buildFairPath(grid, 100, 100.2, 0.2, a, plain, sd);
    buildFairPath(grid, 100, 100.2, 0.2, b, leaned, sd, grid.preSettleFrom, grid.lastHourFrom, lean(0.8));
    expect(a.u32()).toBe(b.u32()); // the same random numbers drawn
    expect([grid.hhmm[grid.preSettleFrom], grid.hhmm[grid.lastHourFrom - 1]]).toEqual(['13:16', '14:15']);
    let ups = 0;
    let upsBefore = 0;
    for (let i = 0; i <= grid.n; i++) {
      const inside = i > grid.preSettleFrom && i < grid.lastHourFrom;
      if (!inside) expect(leaned[i], `level ${i}`).toBe(plain[i]);
      if (i >= grid.preSettleFrom && i < grid.lastHourFrom) {
        if (leaned[i + 1]! > leaned[i]!) ups++;
        if (plain[i + 1]! > plain[i]!) upsBefore++;
      }
    }
    // kappa 0.8: about Phi(0.8) = 79% of the hour's 60 steps go up
    expect(ups).toBeGreaterThan(upsBefore);
    expect(ups).toBeGreaterThan(40);
  });
});

describe('tiltKeepingVwap', () => {
  it('moves volume towards up bars but keeps the window\'s volume and volume-weighted mean price', () => {
    const bars = allocBars(8);
    const o = [100, 103, 101, 104, 104, 99, 101, 105];
    const c = [103, 101, 104, 104, 99, 101, 105, 102];
    for (let i = 0; i < 8; i++) {
      bars.o[i] = o[i]!;
      bars.c[i] = c[i]!;
      bars.h[i] = Math.max(o[i]!, c[i]!) + 1;
      bars.l[i] = Math.min(o[i]!, c[i]!) - 1;
    }
    const w = Float64Array.from([3, 2, 1, 1, 1, 2, 1, 4]);
    const before = Float64Array.from(w);
    const mid = (i: number): number => (bars.o[i]! + bars.h[i]! + bars.l[i]! + bars.c[i]!) / 4;
    const stats = (x: Float64Array): [number, number, number] => {
      let v = 0;
      let pv = 0;
      let up = 0;
      for (let i = 1; i < 7; i++) {
        v += x[i]!;
        pv += x[i]! * mid(i);
        up += bars.c[i]! > bars.o[i]! ? x[i]! : 0;
      }
      return [v, pv / v, up / v];
    };
    tiltKeepingVwap(bars, w, 1, 7, 0.6);
    const [v0, m0, up0] = stats(before);
    const [v1, m1, up1] = stats(w);
    expect(v1).toBeCloseTo(v0, 10);
    expect(m1).toBeCloseTo(m0, 10);
    expect(up1).toBeGreaterThan(up0 + 0.05);
    // bars outside the window untouched
    expect([w[0], w[7]]).toEqual([3, 4]);
  });
});

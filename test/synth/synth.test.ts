import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, Store } from '../../src/data/index.js';
import { dayNumber } from '../../src/market/calendar.js';
import { lastTradingDay, parseContract } from '../../src/market/contracts.js';
import { writeSynthMarket, type SynthOptions } from '../../src/synth/index.js';
import { createRng } from '../../src/synth/rng.js';
import { tempDir } from '../helpers/fixtures.js';

const SHORT: SynthOptions = { from: '2024-02-01', to: '2024-03-31', seed: 11, products: ['TS', 'TF', 'T', 'TL'], signal: 'minute', minute: 'all', intervalMin: 1 };

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('bft-synth-');
});
afterAll(() => tmp.cleanup());

describe('seeded generator', () => {
  it('gives the same bytes for the same seed and different ones for another seed', async () => {
    const a = await writeSynthMarket(SHORT, `${tmp.dir}/a`);
    const b = await writeSynthMarket(SHORT, `${tmp.dir}/b`);
    const c = await writeSynthMarket({ ...SHORT, seed: 12 }, `${tmp.dir}/c`);
    // Buffer.equals: a byte comparison (deep-equality on megabytes of bytes is slow)
    expect(readFileSync(a.dailyCsv).equals(readFileSync(b.dailyCsv))).toBe(true);
    expect(readFileSync(a.minuteCsv!).equals(readFileSync(b.minuteCsv!))).toBe(true);
    expect(readFileSync(a.dailyCsv).equals(readFileSync(c.dailyCsv))).toBe(false);
  });

  it('draws uniforms in [0, 1) and normals with unit variance', () => {
    const r = createRng(1);
    let s = 0;
    let s2 = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });
});

describe('synthetic bars through ingest', () => {
  let store: Store;
  beforeAll(async () => {
    store = await Store.open(':memory:');
    const f = await writeSynthMarket(SHORT, `${tmp.dir}/ingest`);
    const d = await ingest(store, { kind: 'daily', files: [f.dailyCsv] });
    const m = await ingest(store, { kind: 'minute', files: [f.minuteCsv!] });
    expect([d.rejected, m.rejected]).toEqual([0, 0]); // every rule passes: ticks, limits, sessions, order
  }, 60_000);
  afterAll(() => store.close());

  it('lists three contracts of each product every day', async () => {
    const r = await store.all<{ n: number }>(`SELECT count(*) AS n FROM bars_daily GROUP BY product, trade_date`);
    expect(new Set(r.map((x) => x.n))).toEqual(new Set([3]));
  });

  it('makes each daily bar the exact aggregate of its minute bars', async () => {
    const bad = await store.scalar<number>(`
      WITH m AS (
        SELECT contract, trade_date, arg_min(open, ts) AS o, max(high) AS h, min(low) AS l, arg_max(close, ts) AS c,
               sum(volume) AS v, arg_max(open_interest, ts) AS oi
        FROM bars_minute GROUP BY ALL)
      SELECT count(*) FROM m JOIN bars_daily d USING (contract, trade_date)
      WHERE m.o <> d.open OR m.h <> d.high OR m.l <> d.low OR m.c <> d.close OR m.v <> d.volume OR m.oi <> d.open_interest`);
    expect(bad).toBe(0);
    expect(await store.scalar<number>(`SELECT count(DISTINCT (contract, trade_date)) FROM bars_minute`)).toBeGreaterThan(0);
  });

  it('has 255 one-minute bars on a normal day and 120 on a contract\'s last day', async () => {
    const r = await store.all<{ n: number; last: boolean }>(`
      SELECT count(*) AS n, m.trade_date = i.last_trading_day AS last FROM bars_minute m JOIN instruments i USING (contract)
      GROUP BY m.contract, m.trade_date, last`);
    expect(new Set(r.filter((x) => !x.last).map((x) => x.n))).toEqual(new Set([255]));
    expect(new Set(r.filter((x) => x.last).map((x) => x.n))).toEqual(new Set([120]));
  });

  it('moves open interest to the next contract before the front expires, never back', async () => {
    const rows = await store.all<{ product: string; d: string; c: string }>(`
      SELECT product, strftime(trade_date, '%Y-%m-%d') AS d, arg_max(contract, open_interest) AS c FROM bars_daily GROUP BY ALL ORDER BY product, d`);
    for (const p of ['TS', 'TF', 'T', 'TL']) {
      const seq = rows.filter((r) => r.product === p);
      const switches = seq.filter((r, i) => i > 0 && r.c !== seq[i - 1]!.c);
      expect(switches.length).toBe(1); // March 2024 expiry
      const s = switches[0]!;
      const from = seq[seq.indexOf(s) - 1]!.c;
      expect(dayNumber(s.d)).toBeLessThan(lastTradingDay(parseContract(from)!) - 7);
      const later = seq.slice(seq.indexOf(s));
      expect(later.every((r) => r.c === s.c)).toBe(true);
    }
  });
});

describe('market behaviour over years', () => {
  it('has down days on at least a quarter of days and plants a minute signal only when asked', async () => {
    const base: SynthOptions = { ...SHORT, from: '2017-01-01', to: '2022-12-31', products: ['T'], intervalMin: 15 };
    const withSignal = await writeSynthMarket(base, `${tmp.dir}/sig`);
    const without = await writeSynthMarket({ ...base, signal: 'none' }, `${tmp.dir}/none`);
    const truth = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
    const sig = truth(withSignal.truthJson).plantedSignal.measured[0];
    const none = truth(without.truthJson).plantedSignal.measured[0];
    expect(sig.pairs).toBeGreaterThan(1000);
    // planted: corr ~0.2 in design (0.6 tilt x 0.25 beta); with none it is noise around 0
    expect(sig.correlation).toBeGreaterThan(0.1);
    expect(Math.abs(none.correlation)).toBeLessThan(0.06);
    const closes = readFileSync(without.dailyCsv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    // front-contract close-to-close returns
    const byDay = new Map<string, string[][]>();
    for (const r of closes) (byDay.get(r[1]!) ?? byDay.set(r[1]!, []).get(r[1]!)!).push(r);
    let down = 0;
    let n = 0;
    let prev: { c: string; close: number } | null = null;
    for (const rows of byDay.values()) {
      const main = rows.reduce((a, b) => (Number(b[10]) > Number(a[10]) ? b : a));
      const close = Number(main[5]);
      if (prev && prev.c === main[0]) {
        n++;
        if (close < prev.close) down++;
      }
      prev = { c: main[0]!, close };
    }
    expect(down / n).toBeGreaterThan(0.25);
  }, 60_000);
});

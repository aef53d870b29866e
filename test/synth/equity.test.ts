// The synthetic equity market (src/synth/equity): deterministic bytes in BaoStock's layouts, and a
// planted factor model that holds: a cross-sectional regression recovers the style returns, limits
// hold, valuation ratios are point-in-time, suspended rows look like the real file's, codes match boards.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EQUITY_DAILY_HEADER,
  EQUITY_FUNDAMENTALS_HEADER,
  EQUITY_INDUSTRY_HEADER,
  EQUITY_SECURITIES_HEADER,
  EQUITY_UNIVERSE_HEADER,
  STYLES,
  generateSynthEquity,
  planSynthEquity,
  simulateSynthEquity,
  writeSynthEquityMarket,
  type SynthEquityMarket,
  type SynthEquityOptions,
  type SynthEquityPlan,
  type SynthEquitySummary,
  type SynthReport,
} from '../../src/synth/equity/index.js';
import { tempDir } from '../helpers/fixtures.js';

// Files: a short run across ChiNext's 2020-08-24 limit change, with more suspensions than the default.
const SMALL: SynthEquityOptions = { seed: 11, stocks: 120, industries: 8, from: '2020-06-01', to: '2020-12-31', suspendedShare: 0.01 };
// The model: 1,500 stocks over 18 months, in memory.
const BIG: SynthEquityOptions = { seed: 5, stocks: 1500, industries: 20, from: '2020-01-02', to: '2021-06-30' };

const FILES = ['daily', 'industry', 'fundamentals', 'securities', 'universe', 'truth'] as const;

let tmp: ReturnType<typeof tempDir>;
let small: SynthEquitySummary;
let big: SynthEquityMarket;
beforeAll(() => {
  tmp = tempDir('bft-synth-equity-');
  small = writeSynthEquityMarket(SMALL, `${tmp.dir}/a`);
  big = generateSynthEquity(BIG);
});
afterAll(() => tmp.cleanup());

const bytes = (p: string): Buffer => readFileSync(p);

/** The data lines of a CSV, checking its header and its final newline. */
function lines(path: string, header: string): string[] {
  const all = readFileSync(path, 'utf8').split('\n');
  expect(all[0]).toBe(header);
  expect(all[all.length - 1]).toBe('');
  return all.slice(1, -1);
}

// The board rules, written out again here (independent of src/synth/equity/model.ts).
type TestBoard = 'main' | 'chinext' | 'star';
function boardOfCode(code: string): TestBoard | null {
  if (/^sh\.60[0135]\d{3}$/.test(code) || /^sz\.00[0-3]\d{3}$/.test(code)) return 'main';
  if (/^sz\.30[01]\d{3}$/.test(code)) return 'chinext';
  if (/^sh\.688\d{3}$/.test(code)) return 'star';
  return null;
}
function limitOf(code: string, date: string, st: boolean): number {
  const b = boardOfCode(code);
  if (b === 'star') return 20;
  if (b === 'chinext' && date >= '2020-08-24') return 20;
  return st ? 5 : 10;
}

describe('a seeded equity market', () => {
  it('gives the same bytes for the same options and other bytes for another seed', () => {
    const again = writeSynthEquityMarket(SMALL, `${tmp.dir}/b`);
    for (const f of FILES) expect(bytes(again.files[f]).equals(bytes(small.files[f])), f).toBe(true);
    const other = writeSynthEquityMarket({ ...SMALL, seed: 12 }, `${tmp.dir}/c`);
    for (const f of ['daily', 'fundamentals', 'securities', 'truth'] as const) expect(bytes(other.files[f]).equals(bytes(small.files[f])), f).toBe(false);
  });

  it('writes the BaoStock daily layout, suspended rows included', () => {
    const rows = lines(small.files.daily, EQUITY_DAILY_HEADER).map((l) => l.split(','));
    expect(rows.length).toBe(small.rows.daily);
    const price = /^\d+\.\d{4}$/;
    const six = /^-?\d+\.\d{6}$/;
    const problems: string[] = [];
    const check = (ok: boolean, what: string, f: readonly string[]): void => {
      if (!ok && problems.length < 5) problems.push(`${what}: ${f.join(',')}`);
    };
    let suspended = 0;
    let emptySuspended = 0;
    let lastKey = '';
    for (const f of rows) {
      check(f.length === 19, 'columns', f);
      const [volume, code, psTTM, high, adjustflag, tradestatus, pbMRQ, preclose, pctChg, open, close, peTTM, isST, turn, pcf, low, date, amount, time] = f as [
        string, string, string, string, string, string, string, string, string, string, string, string, string, string, string, string, string, string, string,
      ];
      const key = `${code} ${date}`;
      check(key > lastKey, 'order (code, then date, as the real concatenated file)', f);
      lastKey = key;
      check(adjustflag === '3' && time === date && (isST === '0' || isST === '1'), 'adjustflag/time/isST', f);
      check([open, high, low, close, preclose].every((p) => price.test(p)), 'price decimals', f);
      check([psTTM, pbMRQ, peTTM, pcf].every((r) => six.test(r)), 'ratio decimals', f);
      check(Number(low) <= Math.min(Number(open), Number(close)) && Number(high) >= Math.max(Number(open), Number(close)), 'high/low', f);
      if (tradestatus === '1') {
        check(/^[1-9]\d*$/.test(volume) && /^\d+\.\d{4}00$/.test(turn) && /^-?\d+\.\d{4}00$/.test(pctChg) && /^\d+\.\d{2}00$/.test(amount), 'traded fields', f);
        check(Math.abs(Number(pctChg) - (Number(close) / Number(preclose) - 1) * 100) < 6e-5, 'pctChg = close / preclose - 1', f);
      } else {
        check(tradestatus === '0', 'tradestatus', f);
        suspended++;
        check(turn === '' && open === preclose && high === preclose && low === preclose && close === preclose, 'suspended: flat, turn empty', f);
        if (volume === '') {
          emptySuspended++;
          check(amount === '' && pctChg === '', 'suspended, empty volume: amount and pctChg empty', f);
        } else {
          check(volume === '0' && amount === '0.0000' && pctChg === '0.000000', 'suspended, volume 0', f);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(suspended).toBeGreaterThan(0);
    expect(emptySuspended).toBeGreaterThan(0);
    expect(emptySuspended).toBeLessThan(suspended);
  });

  it('writes industry, fundamentals, securities and universe files in the real layouts', () => {
    const ind = lines(small.files.industry, EQUITY_INDUSTRY_HEADER).map((l) => l.split(','));
    expect(ind.length).toBe(120);
    expect(ind.every((f) => f.length === 5 && f[4] === 'synthetic' && f[0] === '2020-12-31')).toBe(true);
    expect(ind.filter((f) => f[3] === '').length).toBe(2);
    const sec = lines(small.files.securities, EQUITY_SECURITIES_HEADER).map((l) => l.split(','));
    expect(sec.every((f) => f.length === 6 && f[4] === '1' && (f[3] === '' ? f[5] === '1' : f[5] === '0'))).toBe(true);
    const uni = lines(small.files.universe, EQUITY_UNIVERSE_HEADER).map((l) => l.split(','));
    expect(uni.map((f) => f[1])).toEqual(sec.map((f) => f[0]));
    expect(uni.every((f) => f[0] === '2020/12/31')).toBe(true);
    const fund = lines(small.files.fundamentals, EQUITY_FUNDAMENTALS_HEADER).map((l) => l.split(','));
    expect(fund.length).toBe(small.rows.fundamentals);
    for (const f of fund) {
      expect(f.length).toBe(15);
      expect(f[1]! > f[2]!).toBe(true); // announced after the period end
      expect(f[2]).toMatch(/-(03-31|06-30|09-30|12-31)$/);
      expect(f[1]! <= '2020-12-31').toBe(true);
    }
    // The daily codes are exactly the securities' codes with rows.
    const dailyCodes = new Set(lines(small.files.daily, EQUITY_DAILY_HEADER).map((l) => l.slice(l.indexOf(',') + 1, l.indexOf(',') + 10)));
    expect([...dailyCodes].sort()).toEqual(sec.map((f) => f[0]!).sort());
    // fundamentals.csv parses back to the in-memory reports (the ingest sees what the generator used).
    const mem = generateSynthEquity(SMALL);
    const memReports = mem.plan.reports.flatMap((reps) => [...reps].sort((a, b) => (a.period < b.period ? -1 : 1)));
    expect(fund.length).toBe(memReports.length);
    const num = (s: string): number => (s === '' ? Number.NaN : Number(s));
    fund.forEach((f, i) => {
      const r = memReports[i]!;
      const want = [r.code, r.announced, r.period, r.roe, r.npMargin, r.gpMargin, r.netProfit, r.epsTTM, r.revenue, r.totalShares, r.floatShares, r.totalAssets, r.totalLiabilities, r.longTermDebt, r.bookEquity];
      const got = f.map((v, c) => (c < 3 ? v : num(v)));
      expect(got).toEqual(want);
    });
    // truth.json carries the factor returns exactly and the sampled exposures to 4 decimals.
    const truth = JSON.parse(readFileSync(small.files.truth, 'utf8')) as {
      factorReturns: { styles: Record<string, number[]> };
      exposureSample: { dateIndex: number[]; styles: Record<string, (number | null)[][]> };
    };
    const F = mem.factorNames.length;
    const k = mem.factorNames.indexOf('size');
    expect(truth.factorReturns.styles.size).toEqual(mem.dates.map((_, t) => mem.factorReturns[t * F + k]!));
    const N = mem.codes.length;
    const T = mem.dates.length;
    expect(truth.exposureSample.dateIndex).toEqual([...Array.from({ length: Math.ceil(T / 21) }, (_, i) => 21 * i), ...((T - 1) % 21 === 0 ? [] : [T - 1])]);
    truth.exposureSample.dateIndex.forEach((t, s) => {
      const row = truth.exposureSample.styles.bookToPrice![s]!;
      for (let j = 0; j < N; j++) {
        const x = mem.exposures[STYLES.indexOf('bookToPrice')]![t * N + j]!;
        if (Number.isNaN(x)) expect(row[j]).toBeNull();
        else expect(Math.abs(row[j]! - x)).toBeLessThanOrEqual(5e-5 + 1e-12);
      }
    });
  });

  it('gives every code the prefix of its board and applies that board limit', () => {
    const { plan } = big;
    const N = plan.stocks.length;
    const seen = new Set<string>();
    for (const s of plan.stocks) {
      expect(seen.has(s.code)).toBe(false);
      seen.add(s.code);
      const b = boardOfCode(s.code);
      expect(b, s.code).not.toBeNull();
      expect(s.board === 'main-sh' || s.board === 'main-sz' ? 'main' : s.board).toBe(b);
      expect(s.board.startsWith('main') ? (s.board === 'main-sh') === s.code.startsWith('sh.') : true).toBe(true);
    }
    const boards = new Set(plan.stocks.map((s) => boardOfCode(s.code)));
    expect([...boards].sort()).toEqual(['chinext', 'main', 'star']);
    let wrong = 0;
    for (let t = 0; t < plan.dates.length; t++) {
      for (let j = 0; j < N; j++) {
        const c = t * N + j;
        if (big.listed[c] && big.limitPct[c] !== limitOf(plan.stocks[j]!.code, plan.dates[t]!, plan.st[c] === 1)) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });
});

describe('the planted model', () => {
  it('standardises every exposure: cap-weighted mean 0, equal-weighted sd 1', () => {
    const { plan } = big;
    const N = plan.stocks.length;
    for (let t = 0; t < plan.dates.length; t += 5) {
      for (let k = 0; k < STYLES.length; k++) {
        const e = big.exposures[k]!;
        let w = 0;
        let wx = 0;
        let n = 0;
        let s = 0;
        let s2 = 0;
        for (let j = 0; j < N; j++) {
          const c = t * N + j;
          if (!big.listed[c]) continue;
          const x = e[c]!;
          w += big.capWeight[c]!;
          wx += big.capWeight[c]! * x;
          n++;
          s += x;
          s2 += x * x;
        }
        const sd = Math.sqrt(s2 / n - (s / n) ** 2);
        if (STYLES[k] === 'momentum' && t < 23) {
          expect(sd).toBe(0); // no return 22 days back yet
          continue;
        }
        expect(Math.abs(wx / w)).toBeLessThan(1e-5);
        expect(Math.abs(sd - 1)).toBeLessThan(1e-5);
      }
    }
  });

  it('recovers the planted style factor returns by cross-sectional WLS on the realised returns', () => {
    // Day t: WLS (weights 1 / sigma_i^2) of the realised return (close / preclose - 1) on a constant,
    // industry dummies (the first present one dropped) and the ten planted exposures, over the stocks
    // that traded with nothing held back by a limit or a suspension (|carry| within a cent's rounding,
    // today and yesterday); days from the 31st on. Why corr > 0.9 is safe: a day's estimate errs by about
    // sigma_e / sqrt(n (1 - R2_k)), sigma_e ~ 1.118 x 1.45% ~ 1.6% (idiosyncratic sd with jumps, WLS-weighted),
    // n ~ 1,400 stocks, R2_k = how much of style k the other exposures explain: <= 0.35 for seven styles
    // (sd 0.2-0.35%) -> error <= 0.055%, corr >= 0.96; ~0.65-0.76 for book-to-price, earnings yield and
    // profitability (earnings / cap = ROE x book / cap), which is why their sd is 0.3% -> error <= 0.09%,
    // corr >= 0.95. Measured for seed 5: 0.970 (earnings yield) to 0.995; over seeds 1-8 the weakest is
    // 0.946. Over ~340 days a corr near 0.96 scatters by ~0.004, so 0.9 is ten such steps away. The slope
    // of the estimate on the truth measures 0.97-1.03 (unbiased: the exposures are the planted ones).
    const { plan } = big;
    const N = plan.stocks.length;
    const T = plan.dates.length;
    const K = plan.industries.length;
    const F = big.factorNames.length;
    const S = STYLES.length;
    const est: number[][] = STYLES.map(() => []);
    const truth: number[][] = STYLES.map(() => []);
    for (let t = 30; t < T; t++) {
      const rows: number[] = [];
      for (let j = 0; j < N; j++) {
        const c = t * N + j;
        if (!big.tradable[c]) continue;
        const tol = (cents: number): number => 0.6 / cents;
        if (Math.abs(big.carry[c]!) > tol(big.close[c]!)) continue;
        if (t > plan.stocks[j]!.ipoIndex && Math.abs(big.carry[c - N]!) > tol(big.close[c - N]!)) continue;
        rows.push(j);
      }
      const present = [...new Set(rows.map((j) => plan.stocks[j]!.industry))].sort((a, b) => a - b).slice(1);
      const col = new Map(present.map((k, i) => [k, 1 + i]));
      const p = 1 + present.length + S;
      const XtWX = Array.from({ length: p }, () => new Float64Array(p));
      const XtWy = new Float64Array(p);
      const x = new Float64Array(p);
      for (const j of rows) {
        const c = t * N + j;
        x.fill(0);
        x[0] = 1;
        const ci = col.get(plan.stocks[j]!.industry);
        if (ci !== undefined) x[ci] = 1;
        for (let k = 0; k < S; k++) x[1 + present.length + k] = big.exposures[k]![c]!;
        const w = 1 / plan.stocks[j]!.sigma ** 2;
        const y = big.ret[c]!;
        for (let a = 0; a < p; a++) {
          const wa = w * x[a]!;
          if (wa === 0) continue;
          XtWy[a] = XtWy[a]! + wa * y;
          const row = XtWX[a]!;
          for (let b = 0; b < p; b++) row[b] = row[b]! + wa * x[b]!;
        }
      }
      const beta = solve(XtWX, XtWy);
      for (let k = 0; k < S; k++) {
        est[k]!.push(beta[1 + present.length + k]!);
        truth[k]!.push(big.factorReturns[t * F + 1 + K + k]!);
      }
    }
    for (let k = 0; k < S; k++) {
      const r = corr(est[k]!, truth[k]!);
      expect(r, `${STYLES[k]} corr ${r.toFixed(3)}`).toBeGreaterThan(0.9);
      const slope = cov(est[k]!, truth[k]!) / cov(truth[k]!, truth[k]!);
      expect(Math.abs(slope - 1), `${STYLES[k]} slope ${slope.toFixed(3)}`).toBeLessThan(0.1);
    }
  });

  it('keeps |pctChg| within the board limit in force, plus the cent rounding of the limit price', () => {
    // From the file: limit L by code prefix, date and isST; the limit price is preclose x (1 +- L) on
    // the cent, so |pctChg| may pass L by at most 0.5 cent / preclose, and pctChg has 4 decimals.
    let atLimit = 0;
    const beyond: string[] = [];
    for (const l of lines(small.files.daily, EQUITY_DAILY_HEADER)) {
      const f = l.split(',');
      if (f[5] !== '1') continue;
      const pc = Number(f[7]);
      const L = limitOf(f[1]!, f[16]!, f[12] === '1');
      const p = Math.abs(Number(f[8]));
      if (p > L + 0.5 / pc + 1e-4) beyond.push(l);
      if (p >= L - 0.5 / pc - 1e-4) atLimit++;
    }
    expect(beyond).toEqual([]);
    expect(atLimit).toBeGreaterThan(0);
    // In memory, on the big run: the same bound, and limits do bind.
    const { plan } = big;
    const N = plan.stocks.length;
    let hits = 0;
    let over = 0;
    for (let c = 0; c < big.tradable.length; c++) {
      if (!big.tradable[c]) continue;
      const j = c % N;
      const t = (c - j) / N;
      const L = limitOf(plan.stocks[j]!.code, plan.dates[t]!, plan.st[c] === 1);
      if (Math.abs(big.ret[c]!) * 100 > L + 50 / big.preclose[c]! + 1e-9) over++;
      if (big.limit[c] !== 0) hits++;
    }
    expect(over).toBe(0);
    expect(hits).toBeGreaterThan(50);
  });

  it('carries what a limit or a suspension holds back into the next traded days', () => {
    // ln(1 + realised) = ln(1 + planted) + carry(t-1) - carry(t) on every traded day without a
    // corporate action (whose reference price is rounded to the cent), so nothing is lost, only delayed.
    const { plan } = big;
    const N = plan.stocks.length;
    const actionDays = new Set(plan.actions.flatMap((acts, j) => acts.map((a) => a.index * N + j)));
    let gaps = 0;
    let backFromSuspension = 0;
    let worst = 0;
    for (let c = 0; c < big.tradable.length; c++) {
      if (!big.tradable[c] || actionDays.has(c)) continue;
      const j = c % N;
      const t = (c - j) / N;
      const prevCarry = t > plan.stocks[j]!.ipoIndex ? big.carry[c - N]! : 0;
      const lhs = Math.log1p(big.ret[c]!);
      const rhs = Math.log1p(big.plantedRet[c]!) + prevCarry - big.carry[c]!;
      worst = Math.max(worst, Math.abs(lhs - rhs));
      if (Math.abs(prevCarry) > 0.02) gaps++;
      if (t > plan.stocks[j]!.ipoIndex && !big.tradable[c - N]) backFromSuspension++;
    }
    expect(worst).toBeLessThan(1e-9);
    expect(gaps).toBeGreaterThan(20);
    expect(backFromSuspension).toBeGreaterThan(5);
  });

  it('computes valuation ratios from reports announced strictly before the day', () => {
    const plan = planSynthEquity({ seed: 3, stocks: 200, industries: 10, from: '2021-01-04', to: '2021-12-31' });
    const base = simulateSynthEquity(plan);
    const N = plan.stocks.length;
    const T = plan.dates.length;
    // Independently: pbMRQ x book of the latest report announced before t = close x total shares.
    let announcementDays = 0;
    let off = 0;
    for (let j = 0; j < N; j++) {
      const reps = plan.reports[j]!;
      for (let t = 0; t < T; t++) {
        const c = t * N + j;
        if (!base.listed[c]) continue;
        const date = plan.dates[t]!;
        const known = reps.filter((r) => r.announced < date);
        const rep = known[known.length - 1]!;
        const cap = (base.close[c]! / 100) * base.totalShares[c]!;
        if (Math.abs(base.pbMRQ[c]! * rep.bookEquity - cap) > 1e-6 * cap) off++;
        if (Math.abs(base.peTTM[c]! * rep.ttmNetProfit - cap) > 1e-6 * cap) off++;
        const fresh = reps.find((r) => r.announced === date);
        // On an announcement day the new report is not used yet (and differs from the old one).
        if (fresh && fresh.bookEquity !== rep.bookEquity) announcementDays++;
      }
    }
    expect(off).toBe(0);
    expect(announcementDays).toBeGreaterThan(100);
    // Rewrite the future: every report announced on or after d changes; nothing up to d may.
    const d = plan.dates[120]!;
    const edit = (r: SynthReport): SynthReport =>
      r.announced < d
        ? r
        : { ...r, bookEquity: r.bookEquity * 2 + 1, ttmNetProfit: -3 * r.ttmNetProfit - 1, ttmRevenue: 5 * r.ttmRevenue + 1, ttmCashFlow: -2 * r.ttmCashFlow + 1, roe: r.roe + 0.1, totalLiabilities: r.totalLiabilities / 2 };
    const edited: SynthEquityPlan = { ...plan, reports: plan.reports.map((reps) => reps.map(edit)) };
    const after = simulateSynthEquity(edited);
    const same = (a: number, b: number): boolean => Object.is(a, b);
    let changedLater = 0;
    let changedBefore = 0;
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < N; j++) {
        const c = t * N + j;
        const fields = [base.peTTM, base.pbMRQ, base.psTTM, base.pcfNcfTTM].map((m, i) => [m[c]!, [after.peTTM, after.pbMRQ, after.psTTM, after.pcfNcfTTM][i]![c]!] as const);
        if (plan.dates[t]! <= d) {
          if (fields.some(([a, b]) => !same(a, b)) || base.close[c] !== after.close[c]) changedBefore++;
        } else if (fields.some(([a, b]) => !same(a, b))) changedLater++;
      }
    }
    expect(changedBefore).toBe(0);
    expect(changedLater).toBeGreaterThan(1000);
  });
});

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with partial pivoting. */
function solve(A: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let i = 0; i < n; i++) {
    let piv = i;
    for (let r = i + 1; r < n; r++) if (Math.abs(M[r]![i]!) > Math.abs(M[piv]![i]!)) piv = r;
    [M[i], M[piv]] = [M[piv]!, M[i]!];
    for (let r = i + 1; r < n; r++) {
      const f = M[r]![i]! / M[i]![i]!;
      if (f === 0) continue;
      for (let k = i; k <= n; k++) M[r]![k] = M[r]![k]! - f * M[i]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i]![n]!;
    for (let k = i + 1; k < n; k++) s -= M[i]![k]! * x[k]!;
    x[i] = s / M[i]![i]!;
  }
  return x;
}

function cov(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / n;
}

function corr(a: readonly number[], b: readonly number[]): number {
  return cov(a, b) / Math.sqrt(cov(a, a) * cov(b, b));
}

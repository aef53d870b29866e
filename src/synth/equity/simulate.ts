// The daily stage: one pass over the trading days. Each day: exposures from what was known at the
// previous close (standardised over the listed stocks), factor returns from 'equity:factors', each
// stock's planted return (its own 'equity:daily:<code>' stream draws a fixed count a day), then the
// traded row: corporate action at the open, limit band, suspension, OHLC, turnover, valuation ratios.

import { EQUITY_MODEL, STYLES, type Board, type Style } from './model.js';
import type { SynthEquityPlan } from './plan.js';
import { Rng } from '../rng.js';

/** The generated market in memory: the plan plus date-major (t * stocks + j) matrices. */
export interface SynthEquityMarket {
  readonly plan: SynthEquityPlan;
  readonly dates: readonly string[];
  readonly codes: readonly string[];
  readonly styles: readonly Style[];
  /** 'country', then the industries (plan.industries order), then the styles. */
  readonly factorNames: readonly string[];
  /** Date-major, factorNames.length per day: the factor returns that drove the day (industries after the shift). */
  readonly factorReturns: Float64Array;
  /** One matrix per style (STYLES order): the standardised exposure used for the day's return; NaN where no row. */
  readonly exposures: readonly Float32Array[];
  /** Total cap (CNY) at the previous close: the standardisation's and the industry constraint's weight; NaN where no row. */
  readonly capWeight: Float64Array;
  /** 1 where daily.csv has a row. */
  readonly listed: Uint8Array;
  /** 1 traded (tradestatus 1); 0 suspended or no row. */
  readonly tradable: Uint8Array;
  /** +1 closed at the limit-up price, -1 at the limit-down price. */
  readonly limit: Int8Array;
  /** The limit in force (percent); 0 where no row. */
  readonly limitPct: Uint8Array;
  /** Prices in cents; preclose is the ex-rights reference price (= the previous close without an action). */
  readonly open: Int32Array;
  readonly high: Int32Array;
  readonly low: Int32Array;
  readonly close: Int32Array;
  readonly preclose: Int32Array;
  /** close / preclose - 1 (pctChg / 100); NaN when not traded. */
  readonly ret: Float64Array;
  /** The model's return of the day (factors + idiosyncratic), whether or not it could trade; NaN where no row. */
  readonly plantedRet: Float64Array;
  /** ln(value / close) after the day: what limits or a suspension hold back (rounding only, |carry| <= 0.5 cent / close, otherwise). */
  readonly carry: Float64Array;
  /** Shares traded, CNY traded, share of the float traded (0 when suspended). */
  readonly volume: Float64Array;
  readonly amount: Float64Array;
  readonly turnover: Float64Array;
  readonly totalShares: Float64Array;
  readonly floatShares: Float64Array;
  /** close x total shares (CNY). */
  readonly totalCap: Float64Array;
  /** Valuation ratios as written (before rounding to 6 decimals); NaN where unknown (written empty). */
  readonly peTTM: Float64Array;
  readonly pbMRQ: Float64Array;
  readonly psTTM: Float64Array;
  readonly pcfNcfTTM: Float64Array;
}

const NAN = Number.NaN;

/** Limit in percent; the same rule as model.ts's limitPct, with the date test done once a day. */
function limitOf(board: Board, afterReform: boolean, st: boolean): number {
  if (board === 'star') return 20;
  if (board === 'chinext' && afterReform) return 20;
  return st ? 5 : 10;
}

export function simulateSynthEquity(plan: SynthEquityPlan): SynthEquityMarket {
  const { options: o, dates, stocks } = plan;
  const M = EQUITY_MODEL;
  const T = dates.length;
  const N = stocks.length;
  const K = plan.industries.length;
  const S = STYLES.length;
  const F = 1 + K + S;
  const TN = T * N;
  const f64 = (): Float64Array => new Float64Array(TN).fill(NAN);

  const factorReturns = new Float64Array(T * F);
  const exposures = Array.from({ length: S }, () => new Float32Array(TN).fill(NAN));
  const capWeight = f64();
  const listed = new Uint8Array(TN);
  const tradable = new Uint8Array(TN);
  const limit = new Int8Array(TN);
  const limitPctM = new Uint8Array(TN);
  const open = new Int32Array(TN);
  const high = new Int32Array(TN);
  const low = new Int32Array(TN);
  const close = new Int32Array(TN);
  const preclose = new Int32Array(TN);
  const ret = f64();
  const plantedRet = f64();
  const carry = f64();
  const volume = new Float64Array(TN);
  const amount = new Float64Array(TN);
  const turnover = new Float64Array(TN);
  const totalShares = f64();
  const floatShares = f64();
  const totalCap = f64();
  const peTTM = f64();
  const pbMRQ = f64();
  const psTTM = f64();
  const pcfNcfTTM = f64();

  // Per-stock state.
  const rngs = stocks.map((s) => new Rng(o.seed, `equity:daily:${s.code}`));
  const prevClose = Int32Array.from(stocks, (s) => s.startPriceCents);
  const value = Float64Array.from(stocks, (s) => s.startPriceCents);
  const beta = Float64Array.from(stocks, (s) => s.betaStart);
  const shares = Float64Array.from(stocks, (s) => s.startShares);
  const mom = new Float64Array(N);
  const repPtr = new Int32Array(N).fill(-1);
  const actPtr = new Int32Array(N);
  const floatPtr = new Int32Array(N);
  const sigma = Float64Array.from(stocks, (s) => s.sigma);
  const barSd = Float64Array.from(stocks, (s) => Math.sqrt(s.sigma ** 2 + M.microstructure.marketSdForBars ** 2));
  const lnTau = Float64Array.from(stocks, (s) => Math.log(s.turnoverLevel));
  const industry = Int32Array.from(stocks, (s) => s.industry);

  // Momentum: sum_{l=0}^{W-1} w^l x_{t-lag-1-l}, updated as a running sum.
  const mm = M.exposures.momentum;
  const w = 0.5 ** (1 / mm.halfLife);
  const wW = w ** mm.window;
  const lag = mm.lag + 1;
  const xAt = (t: number, j: number): number => {
    if (t < 0) return 0;
    const r = ret[t * N + j]!;
    return Number.isNaN(r) ? 0 : Math.log1p(r);
  };

  const fr = new Rng(o.seed, 'equity:factors');
  const styleSpec = STYLES.map((s) => M.factors.styles[s]);
  const fStyle = new Float64Array(S);
  const fInd = new Float64Array(K);
  const capInd = new Float64Array(K);
  const raw = Array.from({ length: S }, () => new Float64Array(N));
  const X = Array.from({ length: S }, () => new Float64Array(N));
  const live = new Int32Array(N);
  let lnA = 0;
  const ms = M.microstructure;
  const sk = M.stock;
  const betaInnov = sk.betaDriftSd * Math.sqrt(1 - sk.betaPersistence ** 2);
  const turnMeanFix = (sk.turnoverDailyNoise ** 2) / 2;
  const I_SIZE = STYLES.indexOf('size');
  const I_BETA = STYLES.indexOf('beta');
  const I_MOM = STYLES.indexOf('momentum');
  const I_RV = STYLES.indexOf('residualVolatility');
  const I_LIQ = STYLES.indexOf('liquidity');
  const I_BP = STYLES.indexOf('bookToPrice');
  const I_EY = STYLES.indexOf('earningsYield');
  const I_GR = STYLES.indexOf('growth');
  const I_LEV = STYLES.indexOf('leverage');
  const I_PROF = STYLES.indexOf('profitability');

  for (let t = 0; t < T; t++) {
    const date = dates[t]!;
    const afterReform = date >= ms.chinextReform;
    const row = t * N;

    // Listed stocks, momentum, descriptors from the previous close and reports announced before today.
    let n = 0;
    for (let j = 0; j < N; j++) {
      mom[j] = w * mom[j]! + xAt(t - lag, j) - wW * xAt(t - lag - mm.window, j);
      const s = stocks[j]!;
      if (t < s.ipoIndex || t >= s.endIndex) continue;
      live[n++] = j;
      const reps = plan.reports[j]!;
      let p = repPtr[j]!;
      while (p + 1 < reps.length && reps[p + 1]!.announced < date) p++;
      repPtr[j] = p;
      const rep = p >= 0 ? reps[p]! : undefined;
      const cap = (prevClose[j]! / 100) * shares[j]!;
      capWeight[row + j] = cap;
      raw[I_SIZE]![j] = Math.log(cap);
      raw[I_BETA]![j] = beta[j]!;
      raw[I_MOM]![j] = mom[j]!;
      raw[I_RV]![j] = sigma[j]!;
      raw[I_LIQ]![j] = lnTau[j]!;
      raw[I_GR]![j] = s.growth;
      if (rep) {
        raw[I_BP]![j] = rep.bookEquity / cap;
        raw[I_EY]![j] = rep.ttmNetProfit / cap;
        raw[I_LEV]![j] = rep.totalAssets > 0 ? rep.totalLiabilities / rep.totalAssets : NAN;
        raw[I_PROF]![j] = (rep.roe * 4) / (Number(rep.period.slice(5, 7)) / 3);
      } else {
        raw[I_BP]![j] = NAN;
        raw[I_EY]![j] = NAN;
        raw[I_LEV]![j] = NAN;
        raw[I_PROF]![j] = NAN;
      }
    }
    for (let k = 0; k < S; k++) standardise(raw[k]!, X[k]!, live, n, capWeight, row, M.exposures.winsor);
    for (let k = 0; k < S; k++) {
      const e = exposures[k]!;
      const x = X[k]!;
      for (let i = 0; i < n; i++) {
        const j = live[i]!;
        const v = Math.fround(x[j]!);
        x[j] = v;
        e[row + j] = v;
      }
    }

    // Factor returns (a fixed number of draws a day).
    const cz = fr.normal();
    const fc = M.factors.country.mean + M.factors.country.sd * cz;
    for (let k = 0; k < K; k++) fInd[k] = M.factors.industry.mean + M.factors.industry.sd * fr.normal();
    for (let k = 0; k < S; k++) {
      const sp = styleSpec[k]!;
      fStyle[k] = sp.mean + sp.sd * fr.normal() + (sp.marketLoading ?? 0) * M.factors.country.sd * cz;
    }
    lnA = sk.activityPersistence * lnA + sk.activitySd * fr.normal();
    capInd.fill(0);
    let capAll = 0;
    for (let i = 0; i < n; i++) {
      const j = live[i]!;
      const c = capWeight[row + j]!;
      const k = industry[j]!;
      capInd[k] = capInd[k]! + c;
      capAll += c;
    }
    let shift = 0;
    for (let k = 0; k < K; k++) shift += (capInd[k]! / capAll) * fInd[k]!;
    for (let k = 0; k < K; k++) fInd[k] = fInd[k]! - shift;
    const fo = t * F;
    factorReturns[fo] = fc;
    for (let k = 0; k < K; k++) factorReturns[fo + 1 + k] = fInd[k]!;
    for (let k = 0; k < S; k++) factorReturns[fo + 1 + K + k] = fStyle[k]!;
    const activity = Math.exp(lnA);

    // Each listed stock's day.
    for (let i = 0; i < n; i++) {
      const j = live[i]!;
      const s = stocks[j]!;
      const c0 = row + j;
      const rng = rngs[j]!;
      const zE = rng.normal();
      const uJ = rng.uniform();
      const zJ = rng.normal();
      const zO = rng.normal();
      const zH = rng.normal();
      const zL = rng.normal();
      const zT = rng.normal();
      const uV = rng.uniform();
      const zB = rng.normal();

      // Corporate action at the open.
      let pc = prevClose[j]!;
      const acts = plan.actions[j]!;
      if (actPtr[j]! < acts.length && acts[actPtr[j]!]!.index === t) {
        const a = acts[actPtr[j]!]!;
        const cash = Math.min(a.cashPerShare * 100, M.fundamentals.maxCashShareOfPrice * pc);
        pc = Math.max(1, Math.round((pc - cash) / (1 + a.bonusPerShare)));
        value[j] = Math.max((value[j]! - cash) / (1 + a.bonusPerShare), 1e-6);
        shares[j] = a.sharesAfter;
        actPtr[j] = actPtr[j]! + 1;
      }
      const steps = s.floatSteps;
      while (floatPtr[j]! + 1 < steps.length && steps[floatPtr[j]! + 1]!.index <= t) floatPtr[j] = floatPtr[j]! + 1;
      const fShares = Math.round(shares[j]! * steps[floatPtr[j]!]!.fraction);

      // The planted return.
      let r = fc + fInd[industry[j]!]!;
      for (let k = 0; k < S; k++) r += X[k]![j]! * fStyle[k]!;
      r += sigma[j]! * (zE + (uJ < sk.jumpProb ? sk.jumpScale * zJ : 0));
      if (r < -0.9) r = -0.9;
      plantedRet[c0] = r;
      value[j] = value[j]! * (1 + r);
      const V = value[j]!;

      const st = plan.st[c0] === 1;
      const L = limitOf(s.board, afterReform, st);
      listed[c0] = 1;
      limitPctM[c0] = L;
      preclose[c0] = pc;
      let c: number;
      if (plan.suspended[c0] !== 0) {
        c = pc;
        open[c0] = pc;
        high[c0] = pc;
        low[c0] = pc;
      } else {
        const hi = Math.floor((pc * (100 + L) + 50) / 100);
        const lo = Math.max(1, Math.floor((pc * (100 - L) + 50) / 100));
        c = Math.round(V);
        if (c > hi) c = hi;
        if (c < lo) c = lo;
        const oneWord = V > hi * (1 + ms.oneWordGap) || V < lo * (1 - ms.oneWordGap);
        const sd = barSd[j]!;
        const move = Math.log(c / pc);
        let op: number;
        let hp: number;
        let lp: number;
        if (oneWord) {
          op = c;
          hp = c;
          lp = c;
        } else {
          op = Math.min(hi, Math.max(lo, Math.round(pc * Math.exp(ms.openShare * move + ms.openNoise * sd * zO))));
          const top = Math.max(op, c);
          const bottom = Math.min(op, c);
          hp = Math.min(hi, Math.max(top, Math.round(top * Math.exp(ms.excursion * sd * Math.abs(zH)))));
          lp = Math.max(lo, Math.min(bottom, Math.round(bottom * Math.exp(-ms.excursion * sd * Math.abs(zL)))));
        }
        open[c0] = op;
        high[c0] = hp;
        low[c0] = lp;
        tradable[c0] = 1;
        limit[c0] = c === hi ? 1 : c === lo ? -1 : 0;
        ret[c0] = c / pc - 1;
        let turn = s.turnoverLevel * activity * Math.exp(sk.turnoverDailyNoise * zT - turnMeanFix) * (0.7 + 0.3 * Math.min(Math.abs(move) / sd, 5));
        if (oneWord) turn *= sk.lockedTurnoverShare;
        if (turn > sk.maxTurnover) turn = sk.maxTurnover;
        const vol = Math.max(100, Math.round(turn * fShares));
        volume[c0] = vol;
        turnover[c0] = vol / fShares;
        let vwap = (op + hp + lp + c) / 4 + (uV - 0.5) * 0.3 * (hp - lp);
        if (vwap < lp) vwap = lp;
        if (vwap > hp) vwap = hp;
        amount[c0] = Math.round(vol * vwap) / 100;
      }
      close[c0] = c;
      carry[c0] = Math.log(V / c);
      totalShares[c0] = shares[j]!;
      floatShares[c0] = fShares;
      const cap = (c / 100) * shares[j]!;
      totalCap[c0] = cap;
      const p = repPtr[j]!;
      if (p >= 0) {
        const rep = plan.reports[j]![p]!;
        peTTM[c0] = rep.ttmNetProfit !== 0 ? cap / rep.ttmNetProfit : NAN;
        pbMRQ[c0] = rep.bookEquity !== 0 ? cap / rep.bookEquity : NAN;
        psTTM[c0] = rep.ttmRevenue !== 0 ? cap / rep.ttmRevenue : NAN;
        pcfNcfTTM[c0] = rep.ttmCashFlow !== 0 ? cap / rep.ttmCashFlow : NAN;
      }
      prevClose[j] = c;
      beta[j] = s.betaMean + sk.betaPersistence * (beta[j]! - s.betaMean) + betaInnov * zB;
    }
  }

  return {
    plan,
    dates,
    codes: stocks.map((s) => s.code),
    styles: STYLES,
    factorNames: ['country', ...plan.industries, ...STYLES],
    factorReturns,
    exposures,
    capWeight,
    listed,
    tradable,
    limit,
    limitPct: limitPctM,
    open,
    high,
    low,
    close,
    preclose,
    ret,
    plantedRet,
    carry,
    volume,
    amount,
    turnover,
    totalShares,
    floatShares,
    totalCap,
    peTTM,
    pbMRQ,
    psTTM,
    pcfNcfTTM,
  };
}

/**
 * Standardises raw[live[0..n)] into x: winsorised at the equal-weighted mean +- winsor sd, then
 * shifted to cap-weighted mean 0 and scaled to equal-weighted (population) sd 1. NaN raw values and
 * a descriptor without spread give 0.
 */
export function standardise(raw: Float64Array, x: Float64Array, live: Int32Array, n: number, cap: Float64Array, row: number, winsor: number): void {
  let cnt = 0;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const v = raw[live[i]!]!;
    if (Number.isNaN(v)) continue;
    cnt++;
    sum += v;
  }
  const mean = cnt > 0 ? sum / cnt : 0;
  for (let i = 0; i < n; i++) {
    const v = raw[live[i]!]!;
    if (!Number.isNaN(v)) sum2 += (v - mean) ** 2;
  }
  const sd = cnt > 1 ? Math.sqrt(sum2 / cnt) : 0;
  if (!(sd > 1e-12 * (Math.abs(mean) + 1))) {
    for (let i = 0; i < n; i++) x[live[i]!] = 0;
    return;
  }
  const lo = mean - winsor * sd;
  const hi = mean + winsor * sd;
  let wSum = 0;
  let wx = 0;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    const j = live[i]!;
    const v0 = raw[j]!;
    if (Number.isNaN(v0)) continue;
    const v = v0 < lo ? lo : v0 > hi ? hi : v0;
    x[j] = v;
    const c = cap[row + j]!;
    wSum += c;
    wx += c * v;
    s1 += v;
  }
  const capMean = wx / wSum;
  const m1 = s1 / cnt;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const j = live[i]!;
    if (!Number.isNaN(raw[j]!)) s2 += (x[j]! - m1) ** 2;
  }
  const sd1 = Math.sqrt(s2 / cnt);
  for (let i = 0; i < n; i++) {
    const j = live[i]!;
    x[j] = Number.isNaN(raw[j]!) ? 0 : (x[j]! - capMean) / sd1;
  }
}

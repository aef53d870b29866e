// The universe of the synthetic equity market, drawn once from the 'equity:universe' stream: codes
// by board, names, industries, each stock's planted parameters, listings and delistings, ST spells
// and suspension spells. Nothing here depends on prices, so later stages can be redrawn alone.

import { dayNumber, isoDate, isWeekend } from '../../market/calendar.js';
import { Rng } from '../rng.js';
import { BOARDS, EQUITY_MODEL, type Board } from './model.js';
import type { ResolvedSynthEquityOptions } from './options.js';

/** One stock's static description and planted parameters. Money in CNY, prices in cents. */
export interface SynthStock {
  readonly code: string;
  readonly name: string;
  readonly board: Board;
  /** Planted industry (index into the plan's industries). */
  readonly industry: number;
  /** Industry as industry.csv shows it: the planted one, or -1 (left empty). */
  readonly industryShown: number;
  /** First day index with a row (0 for stocks listed before `from`). */
  readonly ipoIndex: number;
  /** One past the last day index with a row (the number of days unless delisted). */
  readonly endIndex: number;
  readonly ipoDate: string;
  /** Delisting date (the first trading day without a row), or null. */
  readonly outDate: string | null;
  /** Price before the first row (the previous close, or the issue price), cents. */
  readonly startPriceCents: number;
  /** Total shares on the first row (before any corporate action). */
  readonly startShares: number;
  /** Float share of total shares, as (day index, fraction) steps; the first applies from the first row and before. */
  readonly floatSteps: readonly { readonly index: number; readonly fraction: number }[];
  /** Idiosyncratic daily sd (the residual-volatility descriptor). */
  readonly sigma: number;
  /** Turnover level, share of the float a day (the liquidity descriptor is its log). */
  readonly turnoverLevel: number;
  /** Long-run beta and its value on the first row. */
  readonly betaMean: number;
  readonly betaStart: number;
  /** Planted annual growth of profit, revenue and cash flow (the growth descriptor). */
  readonly growth: number;
  /** Planted annual ROE level. */
  readonly roe: number;
  readonly netMargin: number;
  readonly grossSpread: number;
  /** Planted leverage level (liabilities / assets). */
  readonly leverage: number;
  readonly longTermDebtShare: number;
  readonly payout: number;
  /** Reporting speed in [0, 1]: 0 announces early in each window. */
  readonly reportSpeed: number;
  /** Price-to-book on the first row (sets the book equity). */
  readonly pbStart: number;
}

export interface SynthUniverse {
  readonly industries: readonly string[];
  readonly stocks: readonly SynthStock[];
  /** Day-major (t * stocks + j): 1 where the stock is ST on that day. */
  readonly st: Uint8Array;
  /** Day-major: 0 trading (or no row), 1 suspended with volume/amount 0, 2 suspended with them empty. */
  readonly suspended: Uint8Array;
  readonly stSpells: readonly (readonly { readonly from: string; readonly to: string }[])[];
  readonly suspensionSpells: number;
}

/** Synthetic industry words (Shenwan-like); the index prefix makes each name unique. Industry 0 is financial. */
const INDUSTRY_WORDS = [
  '银行', '电子', '医药生物', '计算机', '食品饮料', '化工', '机械设备', '汽车', '电气设备', '房地产', '有色金属', '建筑装饰', '交通运输', '公用事业',
  '传媒', '通信', '国防军工', '家用电器', '钢铁', '采掘', '农林牧渔', '纺织服装', '轻工制造', '商业贸易', '休闲服务', '建筑材料', '非银金融', '综合',
];
const NAME_CHARS = '华信达安泰瑞丰盛宏远鼎恒新科能源通海天金银光电医药材机化城建航汇';
const NAME_SUFFIX = ['股份', '科技', '集团', '控股', '实业', '电子', '医药', '能源'];

export function industryName(k: number): string {
  return `S${String(k + 1).padStart(2, '0')}${INDUSTRY_WORDS[k % INDUSTRY_WORDS.length]!}`;
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** Index of the first day >= `day` in ascending `days` (days.length when none). */
export function firstIndexOnOrAfter(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A uniformly drawn weekday in [a, b] (day numbers; a <= b and the range holds a weekday). */
function weekdayIn(rng: Rng, a: number, b: number): number {
  for (;;) {
    const d = rng.int(a, b);
    if (!isWeekend(d)) return d;
  }
}

/** The codes of a board in its order (prefix, then number); 'sz.000000' is not a code. */
function boardCodes(b: Board): string[] {
  const out: string[] = [];
  for (const p of EQUITY_MODEL.universe.codePrefixes[b]) {
    for (let i = 0; i < 1000; i++) {
      const c = `${p}${String(i).padStart(3, '0')}`;
      if (c !== 'sz.000000') out.push(c);
    }
  }
  return out;
}

/** `k` distinct items of `all`, drawn without replacement (partial Fisher-Yates). */
function sample<T>(rng: Rng, all: T[], k: number): T[] {
  const a = all.slice();
  for (let i = 0; i < k; i++) {
    const r = rng.int(i, a.length - 1);
    const t = a[i]!;
    a[i] = a[r]!;
    a[r] = t;
  }
  return a.slice(0, k);
}

export function planUniverse(o: ResolvedSynthEquityOptions, days: readonly number[], dates: readonly string[]): SynthUniverse {
  const U = EQUITY_MODEL.universe;
  const S = EQUITY_MODEL.stock;
  const F = EQUITY_MODEL.fundamentals;
  const rng = new Rng(o.seed, 'equity:universe');
  const T = days.length;
  const N = o.stocks;
  const fromDay = days[0]!;
  const lastIpoIndex = T - 11;

  // Boards: STAR only when it has opened before the last day a stock may list.
  const starOk = dayNumber(U.boardOpen.star) <= days[lastIpoIndex]!;
  const counts: Record<Board, number> = { 'main-sh': 0, 'main-sz': 0, chinext: 0, star: 0 };
  let given = 0;
  for (const b of BOARDS) {
    if (b === 'main-sh') continue;
    counts[b] = b === 'star' && !starOk ? 0 : Math.floor(U.boardShare[b] * N);
    given += counts[b];
  }
  counts['main-sh'] = N - given;
  const codeBoard = new Map<string, Board>();
  for (const b of BOARDS) for (const c of sample(rng, boardCodes(b), counts[b])) codeBoard.set(c, b);
  const codes = [...codeBoard.keys()].sort();

  // Industries: uneven sizes, at least minIndustrySize each.
  const K = o.industries;
  const weights = Array.from({ length: K }, () => Math.exp(U.industrySizeSpread * rng.normal()));
  const wSum = weights.reduce((a, b) => a + b, 0);
  const order = sample(rng, Array.from({ length: N }, (_, j) => j), N);
  const industryOf = new Int32Array(N);
  order.forEach((j, r) => {
    if (r < K * U.minIndustrySize) {
      industryOf[j] = r % K;
      return;
    }
    let x = rng.uniform() * wSum;
    let k = 0;
    while (k < K - 1 && x >= weights[k]!) x -= weights[k++]!;
    industryOf[j] = k;
  });

  // Listings.
  const ipoIndex = new Int32Array(N);
  const ipoDay = new Float64Array(N);
  const late = new Uint8Array(N);
  const earliest = dayNumber(U.earliestIpo);
  codes.forEach((code, j) => {
    const b = codeBoard.get(code)!;
    const open = Math.max(earliest, dayNumber(U.boardOpen[b]));
    const u = rng.uniform();
    const mustLate = open > fromDay - 1;
    if (mustLate || u < U.lateListShare[b]) {
      const first = Math.max(1, firstIndexOnOrAfter(days, dayNumber(U.boardOpen[b])));
      ipoIndex[j] = rng.int(first, lastIpoIndex);
      ipoDay[j] = days[ipoIndex[j]!]!;
      late[j] = 1;
    } else {
      ipoIndex[j] = 0;
      ipoDay[j] = weekdayIn(rng, open, fromDay - 1);
    }
  });

  // Delistings: main-board stocks listed before `from`.
  const endIndex = new Int32Array(N).fill(T);
  const delistFirst = 120;
  const delistLast = T - 10;
  const candidates = codes.map((_c, j) => j).filter((j) => !late[j] && codeBoard.get(codes[j]!)!.startsWith('main'));
  const nDelist = delistLast > delistFirst ? Math.min(candidates.length, Math.round(U.delistShare * N)) : 0;
  const delisted = sample(rng, candidates, nDelist).sort((a, b) => a - b);
  for (const j of delisted) endIndex[j] = rng.int(delistFirst, delistLast);

  // ST spells: delisted stocks for their last days, a few others once.
  const st = new Uint8Array(T * N);
  const stSpells: { from: string; to: string }[][] = Array.from({ length: N }, () => []);
  const mark = (j: number, a: number, b: number): void => {
    const lo = Math.max(a, ipoIndex[j]!);
    const hi = Math.min(b, endIndex[j]!);
    if (hi <= lo) return;
    for (let t = lo; t < hi; t++) st[t * N + j] = 1;
    stSpells[j]!.push({ from: dates[lo]!, to: dates[hi - 1]! });
  };
  for (const j of delisted) mark(j, endIndex[j]! - rng.int(U.delistStLastDays[0], U.delistStLastDays[1]), endIndex[j]!);
  const others = codes.map((_c, j) => j).filter((j) => endIndex[j] === T);
  const stOthers = sample(rng, others, Math.min(others.length, Math.round(U.stShare * N))).sort((a, b) => a - b);
  for (const j of stOthers) {
    const a = rng.int(ipoIndex[j]!, T - 1);
    mark(j, a, a + rng.int(U.stSpellDays[0], U.stSpellDays[1]));
  }
  const isStStock = (j: number): boolean => stSpells[j]!.length > 0;

  // Empty industry in the file: delisted stocks first, then random ones.
  const industryShown = Int32Array.from(industryOf);
  const nEmpty = Math.min(U.emptyIndustryShown, N);
  const emptyPool = [...delisted, ...sample(rng, codes.map((_c, j) => j).filter((j) => endIndex[j] === T), nEmpty)];
  for (const j of emptyPool.slice(0, nEmpty)) industryShown[j] = -1;

  // Suspension spells.
  const suspended = new Uint8Array(T * N);
  const M = EQUITY_MODEL.microstructure;
  const meanLen = (1 - M.longSpellShare) * M.shortSpellMean + M.longSpellShare * ((M.longSpellDays[0] + M.longSpellDays[1]) / 2);
  const pStart = o.suspendedShare / meanLen;
  let spells = 0;
  for (let j = 0; j < N; j++) {
    if (pStart <= 0) break;
    const lastRow = endIndex[j]! - 1;
    let t = ipoIndex[j]!;
    for (;;) {
      t += 1 + Math.floor(Math.log(rng.uniform()) / Math.log(1 - pStart));
      if (t >= lastRow) break;
      const len = rng.uniform() < M.longSpellShare ? rng.int(M.longSpellDays[0], M.longSpellDays[1]) : 1 + Math.floor(Math.log(rng.uniform()) / Math.log(1 - 1 / M.shortSpellMean));
      const kind = rng.uniform() < M.emptySuspendedShare ? 2 : 1;
      const end = Math.min(t + len, lastRow);
      for (let k = t; k < end; k++) suspended[k * N + j] = kind;
      spells++;
      t = end;
    }
  }

  // Planted per-stock parameters (a fixed number of draws per stock).
  const stocks: SynthStock[] = codes.map((code, j) => {
    const board = codeBoard.get(code)!;
    const z = Array.from({ length: 10 }, () => rng.normal());
    const u = Array.from({ length: 10 }, () => rng.uniform());
    const [zc, zs, zt, zb, zb0, zg, zr, zp, zm, zpr] = z as [number, number, number, number, number, number, number, number, number, number];
    const cap = clamp(Math.exp(S.capLogMean + S.capBoardShift[board] + S.capLogSd * zc), 1e9, 3e12);
    const price = clamp(S.priceMedian * S.priceBoardMultiplier[board] * Math.exp(S.priceLogSd * zpr), S.priceClip[0], S.priceClip[1]);
    const priceCents = Math.round(price * 100);
    const shares = Math.round(cap / (priceCents / 100));
    const rs = S.sigmaSizeCorr;
    const sigma = S.sigmaMedian * S.sigmaBoardMultiplier[board] * Math.exp(S.sigmaLogSd * (rs * zc + Math.sqrt(1 - rs * rs) * zs));
    const a = S.turnoverSizeCorr;
    const c = S.turnoverSigmaCorr;
    const turnoverLevel = S.turnoverMedian * S.turnoverBoardMultiplier[board] * Math.exp(S.turnoverLogSd * (a * zc + c * zs + Math.sqrt(1 - a * a - c * c) * zt));
    const betaMean = S.betaMean + S.betaSd * zb;
    const growth = clamp(F.growthMean + F.growthSd * zg, F.growthClip[0], F.growthClip[1]);
    const roe = isStStock(j) ? EQUITY_MODEL.universe.stRoe + 0.03 * zr : clamp(F.roeMean + F.roeSd * zr, F.roeClip[0], F.roeClip[1]);
    const pl = Math.sqrt(1 - F.pbGrowthLoading ** 2 - F.pbRoeLoading ** 2);
    const pbStart = F.pbMedian * Math.exp(F.pbLogSd * (F.pbGrowthLoading * zg + F.pbRoeLoading * zr + pl * zp));
    const lev = industryOf[j] === 0 ? F.financialLeverageRange : F.leverageRange;
    const ipo = ipoIndex[j]!;
    const floatSteps = late[j]
      ? [
          { index: ipo, fraction: S.ipoFloat.start[0] + (S.ipoFloat.start[1] - S.ipoFloat.start[0]) * u[6]! },
          { index: ipo + S.ipoFloat.oneYearDays, fraction: S.ipoFloat.afterOneYear[0] + (S.ipoFloat.afterOneYear[1] - S.ipoFloat.afterOneYear[0]) * u[7]! },
          { index: ipo + S.ipoFloat.threeYearDays, fraction: S.ipoFloat.afterThreeYears[0] + (S.ipoFloat.afterThreeYears[1] - S.ipoFloat.afterThreeYears[0]) * u[8]! },
        ].filter((s) => s.index < endIndex[j]!)
      : [{ index: 0, fraction: S.floatRange[0] + (S.floatRange[1] - S.floatRange[0]) * u[6]! }];
    const stEnd = stSpells[j]!.length > 0 && endIndex[j]! - 1 >= 0 && st[(endIndex[j]! - 1) * N + j] === 1;
    const name = Array.from({ length: 2 + (u[9]! < 0.5 ? 0 : 1) }, () => NAME_CHARS[rng.int(0, NAME_CHARS.length - 1)]!).join('') + NAME_SUFFIX[rng.int(0, NAME_SUFFIX.length - 1)]!;
    return {
      code,
      name: stEnd ? `${endIndex[j]! < T ? '*ST' : 'ST'}${name}` : name,
      board,
      industry: industryOf[j]!,
      industryShown: industryShown[j]!,
      ipoIndex: ipo,
      endIndex: endIndex[j]!,
      ipoDate: isoDate(ipoDay[j]!),
      outDate: endIndex[j]! < T ? dates[endIndex[j]!]! : null,
      startPriceCents: priceCents,
      startShares: shares,
      floatSteps,
      sigma,
      turnoverLevel,
      betaMean,
      betaStart: betaMean + S.betaDriftSd * zb0,
      growth,
      roe,
      netMargin: clamp(F.marginMedian * Math.exp(F.marginLogSd * zm), 0.01, 0.6),
      grossSpread: F.grossSpread[0] + (F.grossSpread[1] - F.grossSpread[0]) * u[0]!,
      leverage: lev[0] + (lev[1] - lev[0]) * u[1]!,
      longTermDebtShare: F.longTermDebtShare[0] + (F.longTermDebtShare[1] - F.longTermDebtShare[0]) * u[2]!,
      payout: u[3]! < F.zeroPayoutShare ? 0 : F.payoutRange[0] + (F.payoutRange[1] - F.payoutRange[0]) * u[4]!,
      reportSpeed: u[5]!,
      pbStart,
    };
  });

  return { industries: Array.from({ length: K }, (_, k) => industryName(k)), stocks, st, suspended, stSpells, suspensionSpells: spells };
}

// Every parameter of the synthetic equity market in one place. README.md explains the model in a
// page; the whole object is copied into truth.json, so a generated market carries its own description.
// Returns and sds are daily fractions (0.012 = 1.2% a day) unless a field says otherwise.

/** The ten Barra-style styles, in the order used everywhere (truth.json, exposure arrays). */
export const STYLES = [
  'size',
  'beta',
  'momentum',
  'residualVolatility',
  'liquidity',
  'bookToPrice',
  'earningsYield',
  'growth',
  'leverage',
  'profitability',
] as const;
export type Style = (typeof STYLES)[number];

/** Boards, each with its code prefixes: main board Shanghai / Shenzhen, ChiNext, STAR. */
export const BOARDS = ['main-sh', 'main-sz', 'chinext', 'star'] as const;
export type Board = (typeof BOARDS)[number];

export const EQUITY_MODEL = {
  universe: {
    /** Share of the stocks on each board (main-sh, main-sz, chinext, star); STAR's share goes to main-sh when it opens after `to`. */
    boardShare: { 'main-sh': 0.42, 'main-sz': 0.33, chinext: 0.17, star: 0.08 } as Record<Board, number>,
    /**
     * Code ranges: a board's codes are `<exchange>.<prefix><3 digits>`, drawn without replacement.
     * main-sh sh.600/601/603/605, main-sz sz.000/001/002/003 (000000 unused), chinext sz.300/301, star sh.688.
     */
    codePrefixes: { 'main-sh': ['sh.600', 'sh.601', 'sh.603', 'sh.605'], 'main-sz': ['sz.000', 'sz.001', 'sz.002', 'sz.003'], chinext: ['sz.300', 'sz.301'], star: ['sh.688'] } as Record<Board, string[]>,
    /** First listing date of each board. */
    boardOpen: { 'main-sh': '1990-12-19', 'main-sz': '1991-04-03', chinext: '2009-10-30', star: '2019-07-22' } as Record<Board, string>,
    /** Share of each board's stocks that list after `from` (on a uniformly drawn trading day, not in the last 10). */
    lateListShare: { 'main-sh': 0.05, 'main-sz': 0.05, chinext: 0.25, star: 0.7 } as Record<Board, number>,
    /** Earliest ipoDate written for a stock listed before `from` (drawn uniformly on weekdays from max(this, board open)). */
    earliestIpo: '1995-01-03',
    /** Delistings: share of stocks (main board, listed before `from`), delisted on a trading day in [from + 120 trading days, to - 10]; ST for their last stLastDays. */
    delistShare: 0.01,
    delistStLastDays: [60, 250],
    /** ST spells of other stocks: share of stocks, spell length in trading days (uniform), may run past `to`. */
    stShare: 0.03,
    stSpellDays: [120, 500],
    /** ST stocks are loss makers: their planted annual ROE is N(stRoe, 0.03). */
    stRoe: -0.05,
    /** Stocks shown with an empty industry in industry.csv (delisted ones first); the model still gives them their industry. */
    emptyIndustryShown: 2,
    /** Industry 0 is financial: leverage in [0.85, 0.93], gpMargin empty. Industry sizes ∝ exp(0.5 N), at least 3 stocks each. */
    industrySizeSpread: 0.5,
    minIndustrySize: 3,
  },
  stock: {
    /** ln total market cap at `from` (or IPO), CNY: mean ln(6e9) + board shift, sd 1.2; clipped to [1e9, 3e12]. */
    capLogMean: Math.log(6e9),
    capLogSd: 1.2,
    capBoardShift: { 'main-sh': 0.4, 'main-sz': 0, chinext: -0.3, star: -0.1 } as Record<Board, number>,
    /** Starting price, CNY: lognormal median 12 (x2 on ChiNext, x2.5 on STAR), log-sd 0.65, clipped to [4, 400]. */
    priceMedian: 12,
    priceLogSd: 0.65,
    priceClip: [4, 400],
    priceBoardMultiplier: { 'main-sh': 1, 'main-sz': 1, chinext: 2, star: 2.5 } as Record<Board, number>,
    /**
     * Idiosyncratic daily sd sigma_i: lognormal, median 1.5% (x1.15 ChiNext/STAR), log-sd 0.25, correlated
     * -0.25 with the starting size draw. The residual-volatility descriptor is sigma_i itself.
     */
    sigmaMedian: 0.015,
    sigmaLogSd: 0.25,
    sigmaSizeCorr: -0.25,
    sigmaBoardMultiplier: { 'main-sh': 1, 'main-sz': 1, chinext: 1.15, star: 1.15 } as Record<Board, number>,
    /**
     * Idiosyncratic jumps (news): with probability jumpProb a day, e gets an extra N(0, (jumpScale sigma_i)^2),
     * so e's sd is sigma_i sqrt(1 + jumpProb jumpScale^2) = 1.118 sigma_i: still proportional to sigma_i
     * (the residual-volatility descriptor), with the fat tails that make price limits bind now and then.
     */
    jumpProb: 0.01,
    jumpScale: 5,
    /**
     * Turnover level tau_i (share of the float traded a day): lognormal, median 1.2% (x1.5 ChiNext/STAR),
     * log-sd 0.6, correlated -0.35 with the size draw and +0.15 with the sigma draw. The liquidity
     * descriptor is ln tau_i.
     */
    turnoverMedian: 0.012,
    turnoverLogSd: 0.6,
    turnoverSizeCorr: -0.35,
    turnoverSigmaCorr: 0.15,
    turnoverBoardMultiplier: { 'main-sh': 1, 'main-sz': 1, chinext: 1.5, star: 1.5 } as Record<Board, number>,
    /** Daily turnover = tau_i x A_t x exp(dailyNoise N - dailyNoise^2/2) x (0.7 + 0.3 min(|move| / s_i, 5)), at most maxTurnover; limit-locked days x lockedShare. */
    turnoverDailyNoise: 0.35,
    maxTurnover: 0.6,
    lockedTurnoverShare: 0.15,
    /** Market activity A_t: ln A an AR(1), persistence 0.97, innovation sd 0.06 (common to all stocks; no effect on the standardised liquidity). */
    activityPersistence: 0.97,
    activitySd: 0.06,
    /** Planted beta: long-run mean b_i ~ N(1, 0.3); daily b = b_i + phi (b - b_i) + sd eta, stationary sd 0.08. The beta descriptor is b. */
    betaMean: 1,
    betaSd: 0.3,
    betaPersistence: 0.996,
    betaDriftSd: 0.08,
    /** Float share of total shares: listed before `from` U(0.5, 1); IPOs float lockup steps (fraction, trading days after listing). */
    floatRange: [0.5, 1],
    ipoFloat: { start: [0.12, 0.3], afterOneYear: [0.4, 0.75], afterThreeYears: [0.85, 1], oneYearDays: 244, threeYearDays: 732 },
  },
  fundamentals: {
    /**
     * Planted annual growth g_i ~ N(0.08, 0.12) clipped to [-0.25, 0.45]: quarterly profit, revenue and
     * cash flow trend like (1 + g_i)^(years since from). The growth descriptor is g_i.
     */
    growthMean: 0.08,
    growthSd: 0.12,
    growthClip: [-0.25, 0.45],
    /** Planted annual ROE rho_i ~ N(0.09, 0.05) clipped to [-0.1, 0.3] (ST stocks: stRoe). */
    roeMean: 0.09,
    roeSd: 0.05,
    roeClip: [-0.1, 0.3],
    /**
     * Quarterly net profit = B0 (rho_i (1 + g_i)^tau + profitNoise N) / 4, B0 = book equity at the start
     * of the generated history (three years before `from`'s year). Losses happen when rho_i is small.
     */
    profitNoise: 0.015,
    /** Net margin m_i lognormal median 0.1, log-sd 0.6, clipped [0.01, 0.6]; revenue = B0 max(rho_i, 0.04) / m_i (1+g)^tau exp(0.04 N) / 4. */
    marginMedian: 0.1,
    marginLogSd: 0.6,
    revenueNoise: 0.04,
    /** Gross margin = max(npMargin, 0) + spread_i + 0.01 N, spread_i U(0.05, 0.4), clipped [0.01, 0.98]; empty for industry 0. */
    grossSpread: [0.05, 0.4],
    /** Quarterly net cash flow = B0 max(|rho_i|, 0.04) (1+g)^tau (cashMean + cashNoise N) / 4 (often negative over a year, as real pcfNcfTTM). */
    cashMean: 0.6,
    cashNoise: 2.2,
    /** Price-to-book at the start: lognormal median 2, log-sd 0.8, loading +0.25 on the growth and +0.25 on the ROE draws. */
    pbMedian: 2,
    pbLogSd: 0.8,
    pbGrowthLoading: 0.25,
    pbRoeLoading: 0.25,
    /** Leverage (liabilities / assets) L_i ~ U(0.15, 0.8) (industry 0: U(0.85, 0.93)); each quarter L_i + AR(1) 0.8 noise sd 0.03, clipped [0.02, 0.97]. */
    leverageRange: [0.15, 0.8],
    financialLeverageRange: [0.85, 0.93],
    leverageNoise: 0.03,
    /** Long-term debt = lambda_i x liabilities x exp(0.05 N), lambda_i ~ U(0.05, 0.5). */
    longTermDebtShare: [0.05, 0.5],
    /**
     * Announcement windows (calendar days, inclusive) by period: Q1 Apr 10 - Apr 30, H1 Jul 15 - Aug 31,
     * Q3 Oct 12 - Oct 31, annual Jan 20 - Apr 30 next year. Day = start + round((0.6 u_i + 0.4 U) (end - start)),
     * u_i a per-stock speed; Q1 never before the same year's annual report.
     */
    windows: { q1: ['04-10', '04-30'], h1: ['07-15', '08-31'], q3: ['10-12', '10-31'], annual: ['01-20', '04-30'] },
    /** History: reports from Q1 of (year of from) - historyYears; one more year is generated (unwritten) for TTM and YoY. */
    historyYears: 2,
    /**
     * Dividends: after each annual report with a profit, cash = payout_i x annual profit (payout_i 0 for 15%
     * of stocks, else U(0.1, 0.5)); bonus shares (per share) with probability bonusProb from bonusRatios. Ex-date
     * = first trading day on or after pubDate + U(30, 75) calendar days; cash capped at 10% of the previous close.
     */
    zeroPayoutShare: 0.15,
    payoutRange: [0.1, 0.5],
    bonusProb: 0.06,
    bonusRatios: [0.2, 0.3, 0.5, 1],
    exDateLagDays: [30, 75],
    maxCashShareOfPrice: 0.1,
  },
  factors: {
    /** Country factor: every stock has exposure 1. */
    country: { mean: 0.0005, sd: 0.012 },
    /** Each industry's return is drawn N(0, sd), then all are shifted so that their cap-weighted sum is 0. */
    industry: { mean: 0, sd: 0.006 },
    /**
     * Style factor returns, iid over days. beta's return is marketLoading x (country - its mean) + N(mean, sd):
     * a stock's sensitivity to the market is then about 1 + 0.3 X_beta, close to its planted beta b
     * (cross-sectional sd of b about 0.3); the other styles are independent normals. bookToPrice,
     * earningsYield and profitability get 0.3%: earnings / cap = ROE x book / cap ties the three together
     * (each is about 65-75% explained by the others), so a smaller sd would drown in a day's regression noise.
     */
    styles: {
      size: { mean: -0.0001, sd: 0.0035 },
      beta: { mean: 0, sd: 0.0015, marketLoading: 0.3 },
      momentum: { mean: 0.0001, sd: 0.003 },
      residualVolatility: { mean: -0.0001, sd: 0.003 },
      liquidity: { mean: -0.0001, sd: 0.0025 },
      bookToPrice: { mean: 0.0001, sd: 0.003 },
      earningsYield: { mean: 0.00015, sd: 0.003 },
      growth: { mean: 0, sd: 0.002 },
      leverage: { mean: 0, sd: 0.002 },
      profitability: { mean: 0.0001, sd: 0.003 },
    } as Record<Style, { mean: number; sd: number; marketLoading?: number }>,
  },
  exposures: {
    /**
     * Day t's exposures use what is known at the close of day t - 1 (caps, returns, beta) and reports
     * announced strictly before day t. Raw descriptors: size ln(close x total shares); beta b; momentum
     * sum_{l=0}^{503} 0.5^(l/126) ln(1 + r_{t-22-l}) (realised returns as written, 0 when suspended or not
     * yet listed; the latest 21 returns known at t - 1 skipped); residualVolatility sigma_i; liquidity
     * ln tau_i; bookToPrice book equity / total cap; earningsYield TTM net profit / total cap; growth g_i;
     * leverage liabilities / assets; profitability year-to-date ROE x 4 / quarters in the period.
     * Standardised over the stocks listed on day t (suspended included): winsorised at the equal-weighted
     * mean +- winsor x sd, then shifted to cap-weighted (total cap at t - 1) mean 0 and scaled to
     * equal-weighted sd 1. A descriptor with no cross-sectional spread (momentum in the first 22 days) is 0.
     */
    momentum: { window: 504, lag: 21, halfLife: 126 },
    winsor: 3.5,
    /** truth.json keeps the exposures of every sampleEvery-th trading day (0, 21, 42, ...) and of the last day. */
    sampleEvery: 21,
  },
  microstructure: {
    /**
     * Daily price limit in percent by board and date: main board 10 (ST 5); ChiNext 10 (ST 5) before
     * 2020-08-24 and 20 from then; STAR 20. Limit prices = preclose x (1 +- L) rounded half up to the cent.
     * A stock's value V follows the model return; its close is V on the cent, clipped into the band, so a
     * clipped move carries into the next days (V - close is kept). Suspended: the price stays, V moves.
     */
    chinextReform: '2020-08-24',
    /** A close clipped more than oneWordGap beyond the limit opens, trades and closes at the limit (one-price day). */
    oneWordGap: 0.02,
    /** Open = preclose x exp(openShare x ln(close / preclose) + openNoise s N); high/low beyond max/min(open, close) by exp(excursion s |N|); s = sqrt(sigma_i^2 + 0.015^2). */
    openShare: 0.3,
    openNoise: 0.4,
    excursion: 0.45,
    marketSdForBars: 0.015,
    /** Suspensions: share of listed stock-days; spells: with probability longSpellShare U(15, 60) days, else 1 + geometric (mean shortSpellMean). */
    shortSpellMean: 5,
    longSpellShare: 0.15,
    longSpellDays: [15, 60],
    /** Share of suspension spells whose rows leave volume, amount and pctChg empty (the others write 0), as the real file's 221 of 712. */
    emptySuspendedShare: 0.3,
  },
} as const;

/** The daily limit in percent for a board on an ISO date (ST or not). */
export function limitPct(board: Board, iso: string, st: boolean): number {
  if (board === 'star') return 20;
  if (board === 'chinext' && iso >= EQUITY_MODEL.microstructure.chinextReform) return 20;
  return st ? 5 : 10;
}

/** The board a code belongs to, or null when no board's prefixes match. */
export function boardOf(code: string): Board | null {
  if (!/^(sh|sz)\.\d{6}$/.test(code)) return null;
  for (const b of BOARDS) if (EQUITY_MODEL.universe.codePrefixes[b].some((p) => code.startsWith(p))) return b;
  return null;
}

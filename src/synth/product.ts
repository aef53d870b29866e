// One product through the days: its fair price, carry, open interest and volume across the listed
// contracts, and each contract's bars, daily row and (when chosen) intraday rows.

import { dayNumber, isoDate, isTradingDay, previousTradingDay } from '../market/calendar.js';
import { lastTradingDay, listedContracts, listingDay } from '../market/contracts.js';
import { LAUNCH, specFor, type Product } from '../market/specs.js';
import type { CsvBytes } from './csv.js';
import { DESIGN_DEFS, designGamma, lean, type Design } from './designs.js';
import { priceFormat, type PriceFormat } from './format.js';
import { allocBars, buildContractBars, buildFairPath, dayGrid, type Bars, type DayAggregate } from './intraday.js';
import { MODEL, TENOR_OF } from './model.js';
import { Rng } from './rng.js';
import { Corr } from './stats.js';
import type { YieldPath } from './yields.js';

export type MinuteMode = 'none' | 'active' | 'all';

interface ContractState {
  readonly code: string;
  readonly ltd: number;
  readonly listing: number;
  /** Previous settle (the pre_settle of the coming day) and previous close, price units. */
  preSettle: number;
  prevClose: number;
  prevOi: number;
  /** Listed before the first simulated day: its open interest starts at the model's share. */
  fresh: boolean;
  /** Has traded on an earlier day (else the limit is doubled). */
  traded: boolean;
  /** Persistent open-interest share factor. */
  readonly shareMult: number;
  /** Trading days before its last trading day at which half the open interest has rolled on. */
  readonly rollD0: number;
}

/** Share weights of the front, next and far contract, d trading days before the front's last day. */
export function rollShares(d: number, d0: number, out: Float64Array = new Float64Array(3)): Float64Array {
  const R = 1 / (1 + Math.exp((d - d0) / MODEL.openInterest.rollWidth));
  out[0] = 0.9 * (1 - R) + 0.01;
  out[1] = 0.08 + 0.88 * R;
  out[2] = 0.01 + 0.06 * R;
  return out;
}

/** Trading days from `from` (exclusive) to `to` (inclusive): 0 when from === to. */
export function tradingDaysUntil(from: number, to: number): number {
  let n = 0;
  for (let d = from + 1; d <= to; d++) if (isTradingDay(d)) n++;
  return n;
}

/** What the planted-signal bookkeeping needs from a product's day. */
interface MainOfDay {
  code: string;
  close: number;
  feature: number;
  z: number;
  momentum: number;
  features: number[];
  k: number;
}

export const LEAK_FEATURES = [
  'log(close/open)',
  '(settle - close)/close',
  '(vwap - close)/close',
  '(high + low - 2 close)/close',
  'close-to-close return of day t',
  '(high - low)/close',
  'sign(close - open) * (vwap - close)/close',
  'sign(close - open) * (settle - close)/close',
  'sign(settle - close)',
  'sign(vwap - close)',
] as const;

export class ProductStats {
  /** The design's feature of day t against the return into t+1; the latent z[t] against it; feature against z[t]. */
  readonly feature = new Corr();
  readonly latent = new Corr();
  readonly featureLatent = new Corr();
  readonly regimeOracle = new Corr();
  readonly momentum20 = new Corr();
  readonly leakZ = LEAK_FEATURES.map(() => new Corr());
  readonly leakNext = LEAK_FEATURES.map(() => new Corr());
  /** Days on which the main contract's close fell (close-to-close, same contract). */
  downDays = 0;
  returnDays = 0;
}

/** Rows written by one product-day. */
export interface DayRows {
  daily: number;
  minute: number;
}

export class ProductSim {
  readonly stats = new ProductStats();
  private readonly rng: Rng;
  private readonly launch: number;
  private readonly contracts = new Map<string, ContractState>();
  private started = false;
  private fair = 0;
  private carry = 0;
  private oiNoise = 0;
  private prevDay = 0;
  private path = new Float64Array(0);
  private barSd = new Float64Array(0);
  private bars: Bars[] = [];
  private readonly shares = new Float64Array(3);
  private prevMain: MainOfDay | null = null;
  private readonly returns: number[] = [];
  private readonly gamma: number;

  constructor(
    readonly product: Product,
    seed: number,
    private readonly yields: YieldPath,
    private readonly intervalMin: number,
    private readonly minute: MinuteMode,
    private readonly design: Design,
  ) {
    this.rng = new Rng(seed, `product:${product}`);
    this.launch = dayNumber(LAUNCH[product]);
    this.gamma = designGamma(design, intervalMin);
  }

  /** Simulates day index k of the yield path and writes its rows (none before launch). */
  step(k: number, dailyOut: CsvBytes, minuteOut: CsvBytes | null): DayRows {
    const p = this.product;
    const day = this.yields.days[k]!;
    const rows: DayRows = { daily: 0, minute: 0 };
    if (day < this.launch) return rows;
    const iso = isoDate(day);
    const spec = specFor(p, iso)!;
    const rng = this.rng;
    const P = MODEL.prices;
    const j = TENOR_OF[p];
    const D = P.duration[p];
    if (!this.started) {
      this.started = true;
      this.fair = P.start[p];
      this.carry = P.carryMean[p];
      this.prevDay = previousTradingDay(day);
    }

    // Fair price: close, and the open after the overnight share of the move.
    const dy = this.yields.change[j]![k]!;
    const sdRet = (D * this.yields.sd[j]![k]!) / 1e4;
    const ret = (-D * dy) / 1e4;
    const f = P.overnightShare;
    const carryComp = (this.carry * (day - this.prevDay)) / 91;
    const fairPrev = this.fair;
    const retOn = f * ret + Math.sqrt(f * (1 - f)) * sdRet * rng.normal();
    const fairOpen = fairPrev * Math.exp(retOn) + carryComp;
    const fairClose = fairPrev * Math.exp(ret) + carryComp;
    const carryPrev = this.carry;
    this.carry = P.carryMean[p] + P.carryPersistence * (this.carry - P.carryMean[p]) + P.carrySd[p] * rng.normal();

    // Intraday path of the fair price on today's grid (the hour before the last leaning with z under afternoon-momentum).
    const grid = dayGrid(spec.sessions, this.intervalMin);
    if (this.path.length < grid.n + 1) {
      this.path = new Float64Array(grid.n + 1);
      this.barSd = new Float64Array(grid.n);
      this.bars = [allocBars(grid.n), allocBars(grid.n), allocBars(grid.n)];
    }
    const z = this.yields.latent[j]![k]!;
    const tilt = this.yields.rho > 0 ? this.gamma * z : 0;
    const { kind, window } = DESIGN_DEFS[this.design];
    const leaning = kind === 'returns' && tilt !== 0 ? lean(tilt) : null;
    buildFairPath(grid, fairOpen, fairClose, fairPrev * sdRet * Math.sqrt(1 - f), rng, this.path, this.barSd, grid.preSettleFrom, grid.lastHourFrom, leaning);

    // Open interest level and the roll schedule.
    const O = MODEL.openInterest;
    const years = (day - this.launch) / 365.25;
    this.oiNoise = O.levelPersistence * this.oiNoise + O.levelSd * rng.normal();
    const level = O.level[p] * (O.growthFloor + (1 - O.growthFloor) * (1 - Math.exp(-years / O.growthYears))) * Math.exp(this.oiNoise);
    const listed = listedContracts(p, day);
    const states = listed.map((c) => this.contractState(c.code, lastTradingDay(c), listingDay(c), day, fairPrev, carryPrev));
    const front = states[0]!;
    rollShares(tradingDaysUntil(day, front.ltd), front.rollD0, this.shares);
    let shareSum = 0;
    for (let i = 0; i < states.length; i++) {
      this.shares[i]! *= states[i]!.shareMult;
      shareSum += this.shares[i]!;
    }

    // Day activity: volume rises with the size of the day's move.
    const V = MODEL.volume;
    const activity = Math.exp(V.activityNoise * rng.normal() + V.activityVol * (Math.abs(ret) / sdRet - 0.8));
    const fmt = priceFormat(spec.tick);
    const tick = spec.tick;
    const aggs: (DayAggregate | null)[] = [];
    const oiEnds: number[] = [];
    const settles: number[] = [];
    const closes: number[] = [];

    for (let i = 0; i < states.length; i++) {
      const s = states[i]!;
      const isLast = day === s.ltd;
      const tau = (s.ltd - day) / 91;
      const offset = this.carry * tau;
      // Volume and end-of-day open interest.
      const target = isLast ? 0 : Math.round((level * this.shares[i]!) / shareSum);
      if (s.fresh) {
        s.prevOi = target;
        s.fresh = false;
      }
      const turnover = i === 2 ? V.farTurnover : V.turnover[p];
      const noise = Math.exp(V.contractNoise * rng.normal());
      const quiet = rng.uniform();
      let vol: number;
      let oiEnd: number;
      if (isLast) {
        vol = quiet < V.lastDayQuiet ? 0 : Math.floor(s.prevOi * 0.3 * noise);
        oiEnd = 0; // the rest goes to delivery
      } else if (i === 2 && quiet < V.farQuietDay) {
        vol = 0;
        oiEnd = s.prevOi;
      } else {
        const d = Math.abs(target - s.prevOi);
        vol = Math.floor(Math.max(target, s.prevOi) * turnover * activity * noise + V.rollVolume * d);
        if (vol < d) vol = d;
        oiEnd = vol === 0 ? s.prevOi : target;
      }
      // Limit band around the previous settle, doubled until the contract has traded.
      const lim = spec.limit * (s.traded ? 1 : 2);
      const lo = Math.ceil((s.preSettle * (1 - lim)) / tick - 1e-9);
      const hi = Math.floor((s.preSettle * (1 + lim)) / tick + 1e-9);
      const nBars = isLast ? grid.nMorning : grid.n;
      const lastHourFrom = isLast ? grid.lastHourFromMorning : grid.lastHourFrom;
      // The design's window on this contract's bars (the afternoon's is empty on a last trading day).
      let from = 0;
      let to = nBars;
      if (window === 'lastHour') from = lastHourFrom;
      else if (window === 'opening') to = Math.min(grid.openingTo, nBars);
      else if (window === 'preSettle') [from, to] = isLast ? [nBars, nBars] : [grid.preSettleFrom, grid.lastHourFrom];
      let agg: DayAggregate | null = null;
      let settle: number;
      let close: number;
      if (vol > 0) {
        agg = buildContractBars(
          {
            grid,
            nBars,
            lastHourFrom,
            path: this.path,
            barSd: this.barSd,
            offset,
            tick,
            multiplier: spec.multiplier,
            lo,
            hi,
            volume: vol,
            oiStart: s.prevOi,
            oiEnd,
            kind,
            from,
            to,
            tilt,
          },
          rng,
          this.bars[i]!,
        );
        settle = clampInt(Math.round(agg.vwapLastHour / tick), lo, hi);
        close = agg.close;
        const w = dailyOut.room().text(s.code).comma().text(iso).comma();
        price(w, fmt, agg.open).comma();
        price(w, fmt, agg.high).comma();
        price(w, fmt, agg.low).comma();
        price(w, fmt, close).comma();
        price(w, fmt, settle).comma();
        w.fixed(Math.round(s.preSettle * fmt.scale), fmt.decimals, fmt.scale).comma();
        w.uint(vol).comma().uint(agg.amount).comma().uint(oiEnd).end();
      } else {
        // No trade: no open/high/low, the close carried, settle at the theoretical (fair) price.
        settle = clampInt(Math.round((this.path[nBars]! + offset) / tick), lo, hi);
        close = Math.round(s.prevClose / tick);
        const w = dailyOut.room().text(s.code).comma().text(iso).text(',,,,');
        price(w, fmt, close).comma();
        price(w, fmt, settle).comma();
        w.fixed(Math.round(s.preSettle * fmt.scale), fmt.decimals, fmt.scale).text(',0,0,').uint(oiEnd).end();
      }
      aggs.push(agg);
      oiEnds.push(oiEnd);
      settles.push(settle);
      closes.push(close);
    }
    rows.daily = states.length;

    // Intraday rows of the chosen contracts.
    if (minuteOut && this.minute !== 'none') {
      const chosen = this.minute === 'all' ? states.map((_, i) => i) : topTwo(oiEnds);
      for (const i of chosen) {
        if (!aggs[i]) continue;
        const s = states[i]!;
        const b = this.bars[i]!;
        const n = day === s.ltd ? grid.nMorning : grid.n;
        const prefix = `${s.code},${iso} `;
        const w = minuteOut;
        for (let t = 0; t < n; t++) {
          w.room().text(prefix).text(grid.hhmm[t]!).comma();
          price(w, fmt, b.o[t]!).comma();
          price(w, fmt, b.h[t]!).comma();
          price(w, fmt, b.l[t]!).comma();
          price(w, fmt, b.c[t]!).comma();
          w.uint(b.v[t]!).comma().uint(b.amount[t]!).comma().uint(b.oi[t]!).end();
        }
        rows.minute += n;
      }
    }

    // Truth bookkeeping on the main contract (most open interest, nearer delivery on a tie).
    const m = argMax(oiEnds);
    const closeOf = (code: string): number => {
      const i = states.findIndex((s) => s.code === code);
      return i < 0 ? Number.NaN : closes[i]! * tick;
    };
    let todayRet = Number.NaN;
    if (this.prevMain) {
      const pm = this.prevMain;
      const r = closeOf(pm.code) / pm.close - 1;
      todayRet = r;
      const st = this.stats;
      st.feature.add(pm.feature, r);
      st.latent.add(pm.z, r);
      st.regimeOracle.add(-this.yields.drift[j]![k]!, r);
      st.momentum20.add(pm.momentum, r);
      for (let q = 0; q < pm.features.length; q++) st.leakNext[q]!.add(pm.features[q]!, r);
      if (Number.isFinite(r)) {
        st.returnDays++;
        if (r < 0) st.downDays++;
        this.returns.push(r);
      }
    }
    const ma = aggs[m];
    const mClose = closes[m]! * tick;
    let features: number[];
    if (ma) {
      const dir = Math.sign(ma.close - ma.open);
      const settleGap = (settles[m]! * tick - mClose) / mClose;
      const vwapGap = (ma.vwap - mClose) / mClose;
      features = [
        Math.log(ma.close / ma.open),
        settleGap,
        vwapGap,
        ((ma.high + ma.low - 2 * ma.close) * tick) / mClose,
        todayRet,
        ((ma.high - ma.low) * tick) / mClose,
        dir * vwapGap,
        dir * settleGap,
        Math.sign(settles[m]! - closes[m]!),
        Math.sign(vwapGap),
      ];
      this.stats.featureLatent.add(ma.feature, z);
    } else features = LEAK_FEATURES.map(() => Number.NaN);
    for (let q = 0; q < features.length; q++) this.stats.leakZ[q]!.add(features[q]!, z);
    const n20 = this.returns.length;
    let mom = Number.NaN;
    if (n20 >= 20) {
      mom = 0;
      for (let q = n20 - 20; q < n20; q++) mom += this.returns[q]!;
    }
    if (n20 > 64) this.returns.splice(0, n20 - 20);
    this.prevMain = { code: states[m]!.code, close: mClose, feature: ma ? ma.feature : Number.NaN, z, momentum: mom, features, k };

    // Carry the state to the next day.
    for (let i = 0; i < states.length; i++) {
      const s = states[i]!;
      s.preSettle = settles[i]! * tick;
      s.prevClose = closes[i]! * tick;
      s.prevOi = oiEnds[i]!;
      if (aggs[i]) s.traded = true;
    }
    for (const [code, s] of this.contracts) if (s.ltd <= day) this.contracts.delete(code);
    this.fair = fairClose;
    this.prevDay = day;
    return rows;
  }

  /** The state of a listed contract, created on its listing day (or on the first simulated day). */
  private contractState(code: string, ltd: number, listing: number, day: number, fairPrev: number, carryPrev: number): ContractState {
    const hit = this.contracts.get(code);
    if (hit) return hit;
    // Listing benchmark: the contract's fair price at the previous close.
    const bench = fairPrev + (carryPrev * (ltd - this.prevDay)) / 91;
    const tick = specFor(this.product, isoDate(day))!.tick;
    const onGrid = Math.round(bench / tick) * tick;
    const isNew = listing === day;
    const d0 = MODEL.openInterest.rollFrom + this.rng.uniform() * (MODEL.openInterest.rollTo - MODEL.openInterest.rollFrom);
    const s: ContractState = {
      code,
      ltd,
      listing,
      preSettle: onGrid,
      prevClose: onGrid,
      prevOi: 0,
      fresh: !isNew,
      traded: !isNew,
      shareMult: Math.exp(0.1 * this.rng.normal()),
      rollD0: d0,
    };
    this.contracts.set(code, s);
    return s;
  }
}

/** Writes a price given in ticks. */
function price(w: CsvBytes, f: PriceFormat, ticks: number): CsvBytes {
  return w.fixed(ticks * f.perTick, f.decimals, f.scale);
}

function clampInt(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Index of the largest value, the earliest on a tie. */
function argMax(xs: readonly number[]): number {
  let m = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[m]!) m = i;
  return m;
}

/** Indices of the two largest values, in contract order (earliest first on ties). */
function topTwo(xs: readonly number[]): number[] {
  const a = argMax(xs);
  let b = -1;
  for (let i = 0; i < xs.length; i++) if (i !== a && (b < 0 || xs[i]! > xs[b]!)) b = i;
  return b < 0 ? [a] : a < b ? [a, b] : [b, a];
}

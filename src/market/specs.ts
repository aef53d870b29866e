// CFFEX treasury-bond futures contract specifications, versioned by the date they took effect.
//
// Sources, checked where we could:
// - Today's values: CFFEX contract pages (TS 2y, TF 5y, T 10y, TL 30y) and DESIGN.md.
// - Morning open 09:15 -> 09:30 for all treasury futures from 2020-07-20 (CFFEX notice of
//   2020-06-12, "amended CGB futures contract specifications ... take effect on July 20, 2020").
// - Tick sizes, from shared/data/cffex-tbf-daily-contracts (every OHLC price tested against the
//   grid; see test/market/specs.test.ts): TF traded in 0.002 steps up to 2015-03-16 and in 0.005
//   steps from 2015-03-17 on; TS traded in 0.005 steps up to 2023-11-06 and its first price off the
//   0.005 grid is on 2023-11-07. We found no exchange notice for either date; they are the data's.
// - TF's daily limit was +/-2% at launch (2013 contract page) and is +/-1.2% today. The last TF move
//   beyond 1.2% of the previous settle (other than a first-trade day) is on 2015-08-27, so the data
//   bound the change to 2015-08-28 .. 2015-11-04; we take the earliest date the data allow.
// - A contract's limit is doubled on its listing day and on every following day until it first
//   trades (CFFEX trading rules; the data show it: T1603 moved 2.9% on its first day, TS1912 0.89%
//   on 2019-05-16, its first day with volume after listing on 2019-03-11).

export const PRODUCTS = ['TS', 'TF', 'T', 'TL'] as const;
export type Product = (typeof PRODUCTS)[number];

export function isProduct(x: string): x is Product {
  return (PRODUCTS as readonly string[]).includes(x);
}

/** A trading session, as minutes after midnight Asia/Shanghai: trades happen in (open, close]. */
export interface Session {
  readonly open: number;
  readonly close: number;
}

export interface SpecVersion {
  readonly product: Product;
  /** First trade date (ISO, inclusive) this version is in force. */
  readonly from: string;
  /** Last trade date (ISO, inclusive), or null while in force. */
  readonly to: string | null;
  readonly underlying: string;
  /** Face value of one contract, CNY. */
  readonly faceValue: number;
  /** Price is quoted per 100 CNY of face value, so one price point is worth faceValue / 100 CNY. */
  readonly multiplier: number;
  readonly tick: number;
  /** CNY value of one tick for one contract. */
  readonly tickValue: number;
  /** Daily limit as a fraction of the previous settlement price. */
  readonly limit: number;
  readonly sessions: readonly Session[];
  /** Sessions on a contract's last trading day (morning only). */
  readonly lastDaySessions: readonly Session[];
  readonly note: string;
}

const hm = (h: number, m: number): number => h * 60 + m;
const OPEN_0915: readonly Session[] = [
  { open: hm(9, 15), close: hm(11, 30) },
  { open: hm(13, 0), close: hm(15, 15) },
];
const OPEN_0930: readonly Session[] = [
  { open: hm(9, 30), close: hm(11, 30) },
  { open: hm(13, 0), close: hm(15, 15) },
];
const LAST_0915: readonly Session[] = [{ open: hm(9, 15), close: hm(11, 30) }];
const LAST_0930: readonly Session[] = [{ open: hm(9, 30), close: hm(11, 30) }];

/** The day trading hours moved from 09:15 to 09:30. */
export const OPEN_0930_FROM = '2020-07-20';

interface Terms {
  underlying: string;
  faceValue: number;
  tick: number;
  limit: number;
  note: string;
}

/** Splits every version at the 2020-07-20 session change, so each row carries its own hours. */
function withSessions(product: Product, from: string, to: string | null, t: Terms): SpecVersion[] {
  const multiplier = t.faceValue / 100;
  const make = (f: string, e: string | null, s: readonly Session[], l: readonly Session[]): SpecVersion => ({
    product,
    from: f,
    to: e,
    underlying: t.underlying,
    faceValue: t.faceValue,
    multiplier,
    tick: t.tick,
    tickValue: Math.round(t.tick * multiplier * 1e6) / 1e6,
    limit: t.limit,
    sessions: s,
    lastDaySessions: l,
    note: t.note,
  });
  const before = '2020-07-17'; // last trade date with the 09:15 open
  if (to !== null && to <= before) return [make(from, to, OPEN_0915, LAST_0915)];
  if (from >= OPEN_0930_FROM) return [make(from, to, OPEN_0930, LAST_0930)];
  return [make(from, before, OPEN_0915, LAST_0915), make(OPEN_0930_FROM, to, OPEN_0930, LAST_0930)];
}

const TS_TERMS = { underlying: '2-year CGB, 3% coupon', faceValue: 2_000_000, limit: 0.005 };
const TF_TERMS = { underlying: '5-year CGB, 3% coupon', faceValue: 1_000_000 };

export const SPEC_VERSIONS: readonly SpecVersion[] = [
  ...withSessions('TS', '2018-08-17', '2023-11-06', { ...TS_TERMS, tick: 0.005, note: 'launch' }),
  ...withSessions('TS', '2023-11-07', null, { ...TS_TERMS, tick: 0.002, note: 'tick 0.005 -> 0.002 (from the data)' }),
  ...withSessions('TF', '2013-09-06', '2015-03-16', { ...TF_TERMS, tick: 0.002, limit: 0.02, note: 'launch' }),
  ...withSessions('TF', '2015-03-17', '2015-08-27', { ...TF_TERMS, tick: 0.005, limit: 0.02, note: 'tick 0.002 -> 0.005 (from the data)' }),
  ...withSessions('TF', '2015-08-28', null, { ...TF_TERMS, tick: 0.005, limit: 0.012, note: 'limit 2% -> 1.2% (from the data)' }),
  ...withSessions('T', '2015-03-20', null, { underlying: '10-year CGB, 3% coupon', faceValue: 1_000_000, tick: 0.005, limit: 0.02, note: 'launch' }),
  ...withSessions('TL', '2023-04-21', null, { underlying: '30-year CGB, 3% coupon', faceValue: 1_000_000, tick: 0.01, limit: 0.035, note: 'launch' }),
];

/** First trade date of each product. */
export const LAUNCH: Readonly<Record<Product, string>> = {
  TS: '2018-08-17',
  TF: '2013-09-06',
  T: '2015-03-20',
  TL: '2023-04-21',
};

/**
 * The first contract of each product. At launch the exchange listed this one and the next two
 * quarterly months, skipping the nearest month (TF1309, T1506 and TS1809 never traded).
 */
export const FIRST_CONTRACT: Readonly<Record<Product, string>> = {
  TS: 'TS1812',
  TF: 'TF1312',
  T: 'T1509',
  TL: 'TL2306',
};

/** The specification in force for `product` on trade date `date` (ISO), or null before launch. */
export function specFor(product: Product, date: string): SpecVersion | null {
  for (const v of SPEC_VERSIONS) {
    if (v.product === product && v.from <= date && (v.to === null || date <= v.to)) return v;
  }
  return null;
}

/** Today's specification of a product (the open-ended version). */
export function currentSpec(product: Product): SpecVersion {
  const v = SPEC_VERSIONS.find((s) => s.product === product && s.to === null);
  if (!v) throw new Error(`no current spec for ${product}`);
  return v;
}

/** Minutes of trading in a day under a session list. */
export function sessionMinutes(sessions: readonly Session[]): number {
  return sessions.reduce((n, s) => n + (s.close - s.open), 0);
}

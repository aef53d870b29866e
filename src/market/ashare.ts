// A-share facts (pure): which exchange and board a stock code belongs to, and the daily price
// limit its board applied on a date. Sources: the SSE and SZSE trading rules. The limits:
//  - main boards (SSE 600/601/603/605, SZSE 000/001/002/003): ±10%, ±5% under special treatment (ST);
//  - SZSE ChiNext (300/301/302): ±10% until 2020-08-21; ±20% from the registration reform of
//    2020-08-24, ST included;
//  - SSE STAR (688/689): ±20% since it opened (2019-07-22);
//  - BSE (Beijing, 8xxxxx/4xxxxx/92xxxx): ±30%.
// Newly listed stocks: STAR, and ChiNext from 2020-08-24, trade without a limit on their first five
// days; so does the main board from its registration reform (2023-04-10). Before that, a main
// board stock's first day was capped at +44% / -36% of its offer price, which the vendor files do
// not carry: the first day is left unchecked.
// A day's limit prices are the reference price (the ex-rights previous close) x (1 ± limit),
// rounded to the fen (0.01 CNY).

export type Exchange = 'SSE' | 'SZSE' | 'BSE';
export type Board = 'main' | 'chinext' | 'star' | 'bse';

export interface StockCodeInfo {
  readonly exchange: Exchange;
  readonly board: Board;
}

const CODE = /^(sh|sz|bj)\.(\d{6})$/;

/**
 * Exchange and board of a vendor code ('sh.600000', 'sz.300750', 'bj.430047'); null for anything
 * else, including a well-formed code of a fund or an index (e.g. 'sh.000300', 'sz.159915').
 */
export function stockCodeInfo(code: string): StockCodeInfo | null {
  const m = CODE.exec(code);
  if (!m) return null;
  const [, ex, digits] = m as unknown as [string, string, string];
  const p3 = digits.slice(0, 3);
  if (ex === 'sh') {
    if (['600', '601', '603', '605'].includes(p3)) return { exchange: 'SSE', board: 'main' };
    if (['688', '689'].includes(p3)) return { exchange: 'SSE', board: 'star' };
    return null;
  }
  if (ex === 'sz') {
    if (['000', '001', '002', '003'].includes(p3)) return { exchange: 'SZSE', board: 'main' };
    if (['300', '301', '302'].includes(p3)) return { exchange: 'SZSE', board: 'chinext' };
    return null;
  }
  if (/^(8[3-9]|4[3-9]|92)/.test(digits)) return { exchange: 'BSE', board: 'bse' };
  return null;
}

const CHINEXT_REFORM = '2020-08-24';
const MAIN_BOARD_REGISTRATION = '2023-04-10';
const FREE_DAYS = 5;

/**
 * The daily price limit as a fraction (0.1 = ±10%) of a stock of `board` on `date` (ISO), under
 * special treatment or not, on its `listedDay`-th trading day (1 = the first); null when no limit
 * applied (the first days of a new listing, see the header).
 */
export function priceLimit(board: Board, date: string, st: boolean, listedDay: number): number | null {
  switch (board) {
    case 'star':
      return listedDay <= FREE_DAYS ? null : 0.2;
    case 'chinext':
      if (date >= CHINEXT_REFORM) return listedDay <= FREE_DAYS ? null : 0.2;
      return listedDay <= 1 ? null : st ? 0.05 : 0.1;
    case 'bse':
      return listedDay <= 1 ? null : 0.3;
    case 'main':
      if (date >= MAIN_BOARD_REGISTRATION ? listedDay <= FREE_DAYS : listedDay <= 1) return null;
      return st ? 0.05 : 0.1;
  }
}

/** Limit-up and limit-down prices: the reference price x (1 ± limit), rounded half up to the fen. */
export function limitPrices(reference: number, limit: number): { readonly up: number; readonly down: number } {
  // A tiny nudge before rounding: 12.345 is stored as 12.3449999..., which the exchange rounds up.
  const fen = (x: number): number => Math.round(x * 100 + 1e-6) / 100;
  return { up: fen(reference * (1 + limit)), down: fen(reference * (1 - limit)) };
}

/** +1 when `close` is at the limit-up price, -1 at limit-down, 0 otherwise (or with no limit). */
export function limitState(close: number, reference: number, limit: number | null): -1 | 0 | 1 {
  if (limit === null || !(reference > 0) || !Number.isFinite(close)) return 0;
  const { up, down } = limitPrices(reference, limit);
  if (close >= up - 0.005) return 1;
  if (close <= down + 0.005) return -1;
  return 0;
}

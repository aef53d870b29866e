// Column layouts of bar files. A file's header is matched against known column names; the
// layout's name is reported, unknown columns are ignored (and listed), `--map column=field`
// overrides any guess.
//
// Recognised:
// - generic  : symbol, date | datetime, open, high, low, close, settle, pre_settle, volume, amount (CNY), open_interest
// - akshare  : CFFEX daily statistics as akshare redistributes them: symbol, date (YYYYMMDD), ..., turnover (10,000 CNY), settle, pre_settle, variety
// - tushare  : ts_code (T2503.CFX), trade_date (20250103) | trade_time, open, high, low, close, settle, pre_settle, vol, amount (10,000 CNY), oi
// - chinese  : 代码, 日期 | 时间, 开盘价, 最高价, 最低价, 收盘价, 结算价, 前结算价, 成交量, 成交额 (CNY), 持仓量
// - splice   : time, open, high, low, close, volume, oi, with no contract column (a vendor's main-contract
//              series); needs --product, and the contract of each day is resolved from the daily bars.
// Amount units differ by vendor, so the scale to CNY is also checked against volume x price x multiplier.

import { BftError } from '../errors.js';

export const FIELDS = [
  'symbol',
  'date',
  'datetime',
  'time',
  'open',
  'high',
  'low',
  'close',
  'settle',
  'pre_settle',
  'volume',
  'amount',
  'open_interest',
] as const;
export type Field = (typeof FIELDS)[number];

export type BarKind = 'daily' | 'minute';
export type LayoutName = 'generic' | 'akshare' | 'tushare' | 'chinese' | 'splice' | 'custom';

const SYNONYMS: Readonly<Record<string, Field>> = {
  symbol: 'symbol', contract: 'symbol', code: 'symbol', instrument: 'symbol', ts_code: 'symbol', 代码: 'symbol', 合约: 'symbol', 合约代码: 'symbol',
  date: 'date', trade_date: 'date', trading_date: 'date', 日期: 'date', 交易日期: 'date',
  datetime: 'datetime', timestamp: 'datetime', trade_time: 'datetime', bar_time: 'datetime', 时间: 'datetime',
  time: 'time',
  open: 'open', 开盘价: 'open', 开盘: 'open',
  high: 'high', 最高价: 'high', 最高: 'high',
  low: 'low', 最低价: 'low', 最低: 'low',
  close: 'close', 收盘价: 'close', 收盘: 'close',
  settle: 'settle', settlement: 'settle', 结算价: 'settle',
  pre_settle: 'pre_settle', presettle: 'pre_settle', 前结算价: 'pre_settle', 昨结算: 'pre_settle',
  volume: 'volume', vol: 'volume', 成交量: 'volume',
  amount: 'amount', turnover: 'amount', 成交额: 'amount', 成交金额: 'amount',
  open_interest: 'open_interest', oi: 'open_interest', openinterest: 'open_interest', 持仓量: 'open_interest',
};

export interface Layout {
  readonly name: LayoutName;
  /** canonical field -> source column (exact header text) */
  readonly columns: Partial<Record<Field, string>>;
  /** source columns we do not use */
  readonly ignored: readonly string[];
  /** the amount unit the layout implies, in CNY (1 or 10,000); checked against the data at ingest */
  readonly amountScale: number;
}

export function normaliseHeader(h: string): string {
  return h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, '_');
}

/** Parses `--map column=field` pairs. */
export function parseMap(pairs: readonly string[]): Record<string, Field> {
  const out: Record<string, Field> = {};
  for (const p of pairs) {
    const i = p.lastIndexOf('=');
    const col = i > 0 ? p.slice(0, i) : '';
    const field = i > 0 ? p.slice(i + 1).trim() : '';
    if (!col || !(FIELDS as readonly string[]).includes(field)) {
      throw new BftError('bad_option', `--map ${p}: expected column=field with field one of ${FIELDS.join(', ')}`);
    }
    out[col] = field as Field;
  }
  return out;
}

/**
 * Picks the layout of a file from its header. `map` (from --map) wins over synonyms; `file` is
 * only used in error messages.
 */
export function detectLayout(
  file: string,
  header: readonly string[],
  kind: BarKind,
  map: Readonly<Record<string, Field>> = {},
  hasProduct = false,
): Layout {
  const columns: Partial<Record<Field, string>> = {};
  const ignored: string[] = [];
  const mapped = new Set(Object.keys(map));
  for (const col of Object.keys(map)) {
    if (!header.includes(col)) throw new BftError('bad_option', `${file}: --map names column "${col}", which the file does not have (columns: ${header.join(', ')})`, { file });
  }
  for (const col of header) {
    const field = mapped.has(col) ? map[col] : SYNONYMS[normaliseHeader(col)];
    if (field && columns[field] === undefined) columns[field] = col;
    else ignored.push(col);
  }
  const norm = new Set(header.map(normaliseHeader));
  let name: LayoutName;
  let amountScale = 1;
  if (Object.keys(map).length > 0) name = 'custom';
  else if (norm.has('ts_code')) {
    name = 'tushare';
    amountScale = 10_000;
  } else if (norm.has('代码') || norm.has('日期') || norm.has('时间')) name = 'chinese';
  else if (norm.has('variety') || norm.has('turnover')) {
    name = 'akshare';
    amountScale = 10_000;
  } else if (!columns.symbol) name = 'splice';
  else name = 'generic';

  // A minute file may give the stamp as one column or as date + time.
  if (kind === 'minute' && !columns.datetime && columns.time && !columns.date) {
    columns.datetime = columns.time;
    delete columns.time;
  }
  const need: Field[] = kind === 'daily' ? ['date', 'close'] : ['close'];
  if (kind === 'minute' && !columns.datetime) need.push('datetime');
  if (!hasProduct) need.push('symbol');
  const missing = need.filter((f) => columns[f] === undefined);
  if (missing.length > 0) {
    const hint = missing.includes('symbol') ? ' (a file without a contract column needs --product)' : '';
    throw new BftError(
      'layout_unknown',
      `${file}: no column for ${missing.join(', ')}${hint}; columns are ${header.join(', ')} (use --map column=field)`,
      { file },
    );
  }
  return { name, columns, ignored, amountScale };
}

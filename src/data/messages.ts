// All user-facing text about rejected rows, in one place. A reject is data (code, field, value,
// detail); these functions turn it into the line a person reads, e.g.
//   bars.csv:1284 low: 101.37 above open 101.2

export const REJECT_CODES = [
  'missing',
  'parse',
  'bad_symbol',
  'product_mismatch',
  'before_launch',
  'not_trading_day',
  'future_date',
  'calendar_unknown',
  'not_listed',
  'outside_session',
  'non_positive',
  'negative',
  'ohlc_order',
  'off_tick',
  'outside_limit',
  'out_of_order',
  'duplicate_conflict',
  'store_conflict',
  'unresolved_contract',
  'malformed_line',
  'bad_stock_code',
  'not_exchange_day',
] as const;
export type RejectCode = (typeof REJECT_CODES)[number];

export interface Reject {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly code: RejectCode;
  readonly value: string | null;
  /**
   * Code-specific facts: the other value, the tick, the band, the other lines. For a
   * store_conflict: the stored value, a space, then the bar's key ('101.25 T2509 2025-05-19').
   */
  readonly detail: string | null;
}

function fmt(v: string | null): string {
  return v === null ? 'empty' : v;
}

/** The reason column of a reject: what is wrong, without the file and line. */
export function rejectReason(r: Pick<Reject, 'field' | 'code' | 'value' | 'detail'>): string {
  const v = fmt(r.value);
  const d = r.detail ?? '';
  switch (r.code) {
    case 'missing':
      return `${r.field} empty${d ? ` while ${d}` : ''}`;
    case 'parse':
      return `${r.field}: cannot read "${v}" as ${d || 'a value'}`;
    case 'bad_symbol':
      // detail: the delivery month of a code shaped like a contract but in a month CFFEX never delivers
      return d
        ? `${r.field}: "${v}" is not a possible contract: delivery month ${d}, but TS/TF/T/TL contracts deliver in Mar, Jun, Sep and Dec`
        : `${r.field}: "${v}" is not a TS/TF/T/TL contract code like T2503`;
    case 'product_mismatch':
      return `${r.field}: ${v} is not a ${d} contract (--product ${d})`;
    case 'before_launch':
      return `${r.field}: ${v} is before the product was listed (${d})`;
    case 'not_trading_day':
      return `${r.field}: ${v} is not a CFFEX trading day (${d})`;
    case 'future_date':
      return `${r.field}: ${v} is in the future (today is ${d} in Asia/Shanghai)`;
    case 'calendar_unknown':
      return `${r.field}: ${v} cannot be checked as a trading day: it is past the known holiday calendar (${d}); extend src/market/holidays.ts`;
    case 'not_listed':
      return `${r.field}: ${v} is outside the contract's trading life (${d})`;
    case 'outside_session':
      return `${r.field}: ${v} is not a bar end inside the trading session (${d})`;
    case 'non_positive':
      return `${r.field}: ${v} is not a positive price`;
    case 'negative':
      return `${r.field}: ${v} is negative`;
    case 'ohlc_order':
      return `${r.field}: ${v} ${d}`;
    case 'off_tick':
      return `${r.field}: ${v} is not a multiple of the tick ${d}`;
    case 'outside_limit':
      return `${r.field}: ${v} is outside the daily limit band ${d}`;
    case 'out_of_order':
      return `${r.field}: ${v} goes back in time ${d}`;
    case 'duplicate_conflict':
      return `${r.field}: ${v} appears again with different values on ${d}`;
    case 'store_conflict': {
      const cut = d.indexOf(' ');
      const stored = cut < 0 ? d : d.slice(0, cut);
      const key = cut < 0 ? '' : `${d.slice(cut + 1)}; `;
      return `${r.field}: ${v} differs from the stored ${stored} (${key}ingest with --replace to overwrite)`;
    }
    case 'unresolved_contract':
      return `${r.field}: no contract could be resolved for ${v} (${d})`;
    case 'malformed_line':
      return `${d || 'malformed line'}`;
    case 'bad_stock_code':
      return `${r.field}: "${v}" is not an A-share stock code like sh.600000, sz.000001, sz.300750 or sh.688981`;
    case 'not_exchange_day':
      return `${r.field}: ${v} is not an SSE/SZSE trading day (${d})`;
  }
}

/** The full line printed for a reject: `file:line field: reason`. */
export function rejectLine(r: Reject): string {
  const base = r.file.split(/[\\/]/).pop() ?? r.file;
  return `${base}:${r.line} ${rejectReason(r)}`;
}

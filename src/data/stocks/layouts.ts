// The A-share file layouts `bft equity ingest` reads, recognised by their header (pure). They are
// BaoStock's, the vendor of the real panel in ../shared/data (and what the synthetic equity market
// writes), so the same ingest reads both. docs/data-formats.md describes each column.

export type StockLayout = 'daily' | 'industry' | 'fundamentals' | 'securities' | 'members';

export interface StockLayoutDef {
  readonly name: StockLayout;
  readonly describe: string;
  /** Columns every file of the layout has. */
  readonly required: readonly string[];
  /** Columns read when present. */
  readonly optional: readonly string[];
  /** Of those, the numeric ones (read as numbers by DuckDB; a cell that does not parse is rejected). */
  readonly numeric: readonly string[];
}

export const STOCK_LAYOUTS: readonly StockLayoutDef[] = [
  {
    name: 'daily',
    describe: 'daily bars: BaoStock query_history_k_data_plus (unadjusted prices, adjustflag 3; pctChg on the ex-rights preclose)',
    required: ['code', 'date', 'open', 'high', 'low', 'close', 'preclose', 'volume', 'amount', 'turn', 'pctChg', 'tradestatus', 'isST'],
    optional: ['peTTM', 'pbMRQ', 'psTTM', 'pcfNcfTTM', 'adjustflag', 'time'],
    numeric: ['open', 'high', 'low', 'close', 'preclose', 'volume', 'amount', 'turn', 'pctChg', 'peTTM', 'pbMRQ', 'psTTM', 'pcfNcfTTM'],
  },
  {
    name: 'industry',
    describe: 'industry classification: BaoStock query_stock_industry (updateDate is the as-of date)',
    required: ['updateDate', 'code', 'industry', 'industryClassification'],
    optional: ['code_name'],
    numeric: [],
  },
  {
    name: 'fundamentals',
    describe: 'quarterly reports keyed by announcement date: BaoStock query_profit_data (pubDate, statDate), with optional balance-sheet columns',
    required: ['code', 'pubDate', 'statDate'],
    optional: ['roeAvg', 'npMargin', 'gpMargin', 'netProfit', 'epsTTM', 'MBRevenue', 'totalShare', 'liqaShare', 'totalAssets', 'totalLiabilities', 'longTermDebt', 'bookEquity'],
    numeric: ['roeAvg', 'npMargin', 'gpMargin', 'netProfit', 'epsTTM', 'MBRevenue', 'totalShare', 'liqaShare', 'totalAssets', 'totalLiabilities', 'longTermDebt', 'bookEquity'],
  },
  {
    name: 'securities',
    describe: 'the securities list: BaoStock query_stock_basic (listing and delisting dates)',
    required: ['code', 'code_name', 'ipoDate', 'outDate'],
    optional: ['type', 'status'],
    numeric: [],
  },
  {
    name: 'members',
    describe: 'index constituents: BaoStock query_hs300_stocks and the like (updateDate is the as-of date; name the index with --index)',
    required: ['updateDate', 'code'],
    optional: ['code_name'],
    numeric: [],
  },
];

/**
 * The layout whose required columns the header has; the most specific wins (a members file's two
 * columns are part of every other layout's header). A byte-order mark on the first name is dropped.
 */
export function detectStockLayout(header: readonly string[]): StockLayoutDef | null {
  const cols = new Set(header.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim()));
  const fits = STOCK_LAYOUTS.filter((l) => l.required.every((c) => cols.has(c)));
  fits.sort((a, b) => b.required.length - a.required.length);
  return fits[0] ?? null;
}

/** Vendor classification names in English (the store keeps these). */
export const CLASSIFICATION_NAMES: Readonly<Record<string, string>> = { 证监会行业分类: 'CSRC', 申万一级行业: 'SW1' };

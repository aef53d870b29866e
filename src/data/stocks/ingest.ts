// Ingest of A-share files (the store edge of ./validate.ts): each file's layout recognised from its
// header (./layouts.ts), every row checked, the rejects kept with their reasons, and everything
// written in one transaction, so a bad file, a failed guard or a crash leaves the store as it was.
// As for futures bars: re-ingesting a file changes nothing, and a stored bar is never overwritten
// with different values unless asked to (`replace`); the differing rows are rejected instead.

import { dateValue as duckDate } from '@duckdb/node-api';
import { BftError } from '../../errors.js';
import { stockCodeInfo } from '../../market/ashare.js';
import { dayNumber } from '../../market/calendar.js';
import { rejectReason, type Reject } from '../messages.js';
import { appendRejects } from '../rejects.js';
import { sqlString, type Store } from '../store.js';
import { CLASSIFICATION_NAMES, detectStockLayout, type StockLayout, type StockLayoutDef } from './layouts.js';
import { dailyBar, limitPass, RowCheck, type RowSource, type StockBarRecord } from './validate.js';

export interface StockIngestOptions {
  readonly files: readonly string[];
  /** The index a members file lists (e.g. CSI300); required with such a file. */
  readonly index?: string | undefined;
  /** A members file is a membership history (true), or one list applied back in time (false, the default: flagged as such). */
  readonly historical?: boolean | undefined;
  /** Overrides the classification name of industry files (default: from the file, CSRC / SW1). */
  readonly classification?: string | undefined;
  /** Overwrite stored bars that differ (default: reject them as store conflicts). */
  readonly replace?: boolean | undefined;
  /** Abort (store untouched) when more than this share of the rows read is rejected. Default 0.2. */
  readonly maxRejectShare?: number | undefined;
}

export interface StockFileSummary {
  readonly path: string;
  readonly layout: StockLayout;
  readonly rowsRead: number;
  readonly rowsLoaded: number;
  readonly rejected: number;
  /** Rows that repeat an earlier row of the file exactly. */
  readonly collapsed: number;
}

export interface StockIngestSummary {
  readonly ingestId: number;
  readonly files: readonly StockFileSummary[];
  /** Daily bars: new, changed (with replace) and unchanged. */
  readonly bars: { readonly inserted: number; readonly updated: number; readonly unchanged: number };
  readonly rejects: readonly Reject[];
}

const DEFAULT_MAX_REJECT_SHARE = 0.2;

interface ParsedFile {
  readonly path: string;
  readonly layout: StockLayout;
  readonly rowsRead: number;
  readonly rejects: Reject[];
  collapsed: number;
  bars: StockBarRecord[];
  /** Stock names the file gives (industry and constituent files carry them). */
  readonly names: Map<string, string>;
  /** Parameter rows of the small tables, in their column order. */
  readonly rows: Cell[][];
}

/** A file's columns as DuckDB read them: numeric columns as numbers (NaN where a cell did not parse), the rest as text. */
interface ColumnarFile {
  readonly n: number;
  readonly header: readonly string[];
  row(i: number): RowSource;
}

const csvSource = (path: string): string => `read_csv(${sqlString(path)}, header = true, all_varchar = true, delim = ',', quote = '"')`;
const ident = (c: string): string => `"${c.replace(/"/g, '""')}"`;

/** The header of a CSV (gzip or not), a byte-order mark dropped. */
async function readHeader(store: Store, path: string): Promise<string[]> {
  try {
    const rows = await store.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${csvSource(path)}`);
    return rows.map((r) => r.column_name);
  } catch (e) {
    throw new BftError('file_unreadable', `${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { path });
  }
}

/**
 * Reads the layout's columns: DuckDB parses the numbers (converting millions of cells to text and
 * back in JavaScript was most of the ingest's time), and keeps the text of any cell that did not
 * parse, for its reject.
 */
async function readColumns(store: Store, path: string, header: readonly string[], layout: StockLayoutDef): Promise<ColumnarFile> {
  const present = (c: string): boolean => header.includes(c);
  const clean = (c: string): string => `NULLIF(trim(${ident(c)}), '')`;
  const numeric = layout.numeric.filter(present);
  const text = [...layout.required, ...layout.optional].filter((c) => present(c) && !numeric.includes(c));
  const parsed = numeric.map((c) => `TRY_CAST(${clean(c)} AS DOUBLE)`);
  const bad = numeric.length === 0 ? 'NULL' : `NULLIF(concat_ws(chr(31), ${numeric.map((c, i) => `CASE WHEN ${clean(c)} IS NOT NULL AND ${parsed[i]} IS NULL THEN '${c}=' || ${clean(c)} END`).join(', ')}), '')`;
  const sql = `SELECT ${[...text.map((c) => `${clean(c)} AS ${ident(c)}`), ...numeric.map((c, i) => `${parsed[i]} AS ${ident(c)}`), `${bad} AS "__bad"`].join(', ')} FROM ${csvSource(path)}`;
  let columns: unknown[][];
  try {
    columns = (await store.conn.runAndReadAll(sql)).getColumnsJS() as unknown[][];
  } catch (e) {
    throw new BftError('file_unreadable', `${path}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, { path });
  }
  const textCol = new Map(text.map((c, i) => [c, columns[i] as (string | null)[]]));
  const numCol = new Map(numeric.map((c, i) => [c, columns[text.length + i] as (number | null)[]]));
  const badCol = columns[text.length + numeric.length] as (string | null)[];
  const n = badCol.length;
  return {
    n,
    header,
    row: (i: number): RowSource => {
      const badCells = badCol[i] ? new Map(badCol[i]!.split('\u001f').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) : null;
      return {
        text: (f) => badCells?.get(f) ?? textCol.get(f)?.[i] ?? null,
        number: (f) => (badCells?.has(f) ? Number.NaN : (numCol.get(f)?.[i] ?? null)),
      };
    },
  };
}

/**
 * Ingests the files in one transaction. Throws BftError 'layout_unknown' for a file whose header
 * fits no layout, 'bad_option' for a members file without --index, and 'too_many_rejects' (store
 * untouched) past the reject share.
 */
export async function ingestStocks(store: Store, opts: StockIngestOptions): Promise<StockIngestSummary> {
  const share = opts.maxRejectShare ?? DEFAULT_MAX_REJECT_SHARE;
  if (!(share >= 0 && share <= 1)) throw new BftError('bad_option', `--max-reject-share ${share}: expected a number from 0 to 1`);
  if (opts.files.length === 0) throw new BftError('usage', 'name at least one file to ingest');
  const parsed: ParsedFile[] = [];
  for (const path of opts.files) parsed.push(await parseFile(store, path, opts));
  await sequencePass(store, parsed);
  const rowsRead = parsed.reduce((n, f) => n + f.rowsRead, 0);
  const rejected = parsed.reduce((n, f) => n + new Set(f.rejects.map((r) => r.line)).size, 0);
  if (rowsRead > 0 && rejected / rowsRead > share) {
    const first = parsed.flatMap((f) => f.rejects).slice(0, 3);
    throw new BftError('too_many_rejects', `${rejected} of ${rowsRead} rows rejected (more than ${Math.round(share * 100)}%); nothing was stored. First: ${first.map((r) => `${r.file.split('/').pop()}:${r.line} ${rejectReason(r)}`).join('; ')}`);
  }
  return store.transaction(() => write(store, opts, parsed, rowsRead));
}

async function parseFile(store: Store, path: string, opts: StockIngestOptions): Promise<ParsedFile> {
  const header = (await readHeader(store, path)).map((h) => h.replace(/^\uFEFF/, '').trim());
  const layout = detectStockLayout(header);
  if (layout === null) {
    throw new BftError('layout_unknown', `${path}: the header (${header.slice(0, 8).join(', ')}${header.length > 8 ? ', ...' : ''}) fits no A-share layout: ${['daily', 'industry', 'fundamentals', 'securities', 'members'].join(', ')} (see docs/data-formats.md)`, { path });
  }
  if (layout.name === 'members' && opts.index === undefined) throw new BftError('bad_option', `${path} lists index members: name the index with --index (e.g. --index CSI300)`, { path });
  const file = await readColumns(store, path, header, layout);
  const f: ParsedFile = { path, layout: layout.name, rowsRead: file.n, rejects: [], collapsed: 0, bars: [], rows: [], names: new Map() };
  // Key -> the kept row's position (in bars or rows); a repeat is compared field by field only then,
  // so millions of rows hold one small entry each.
  const seen = new Map<string, number>();
  for (let i = 0; i < file.n; i++) {
    const check = new RowCheck(path, i + 2, file.row(i));
    const out = parseRow(layout.name, check, opts);
    f.rejects.push(...check.rejects);
    if (out === null) continue;
    if (out.name && out.name[1] !== null) f.names.set(out.name[0], out.name[1]);
    // A key seen before: the same row again collapses, a different one is a conflict.
    const before = seen.get(out.key);
    if (before !== undefined) {
      const kept: object = out.bar ? f.bars[before]! : f.rows[before]!;
      if (sameRow(kept, out.bar ?? out.values!)) f.collapsed++;
      else f.rejects.push({ file: path, line: i + 2, field: 'code', code: 'duplicate_conflict', value: out.key.replace('\t', ' '), detail: 'an earlier line of the file' });
      continue;
    }
    if (out.bar) {
      seen.set(out.key, f.bars.length);
      f.bars.push(out.bar);
    } else {
      seen.set(out.key, f.rows.length);
      f.rows.push(out.values!);
    }
  }
  return f;
}

/** Two parsed rows say the same thing (the line number aside). */
function sameRow(a: object, b: object): boolean {
  const strip = (x: object): string => JSON.stringify(Array.isArray(x) ? x : { ...x, line: 0 });
  return strip(a) === strip(b);
}

type Parsed = { key: string; bar?: StockBarRecord; values?: Cell[]; name?: readonly [code: string, name: string | null] };

function parseRow(layout: StockLayout, c: RowCheck, opts: StockIngestOptions): Parsed | null {
  switch (layout) {
    case 'daily': {
      const bar = dailyBar(c);
      return bar ? { key: `${bar.code}\t${bar.date}`, bar } : null;
    }
    case 'industry': {
      const code = c.code();
      const asOf = c.date('updateDate');
      const vendor = c.text('industryClassification');
      const classification = opts.classification ?? (vendor === null ? null : (CLASSIFICATION_NAMES[vendor] ?? vendor));
      if (classification === null) c.reject('industryClassification', 'missing', null, 'no --classification was given');
      if (c.rejects.length > 0 || code === null || asOf === null || classification === null) return null;
      return { key: `${code}\t${classification}\t${asOf}`, values: [code, classification, asOf, c.text('industry')], name: [code, c.text('code_name')] };
    }
    case 'fundamentals': {
      const code = c.code();
      const announced = c.date('pubDate');
      const period = c.date('statDate');
      const nums = ['roeAvg', 'npMargin', 'gpMargin', 'netProfit', 'epsTTM', 'MBRevenue', 'totalShare', 'liqaShare', 'totalAssets', 'totalLiabilities', 'longTermDebt', 'bookEquity'].map((f) => c.num(f));
      if (announced !== null && period !== null && announced < period) c.reject('pubDate', 'out_of_order', announced, `before the period it reports (${period})`);
      if (c.rejects.length > 0 || code === null || announced === null || period === null) return null;
      return { key: `${code}\t${period}\t${announced}`, values: [code, announced, period, ...nums] };
    }
    case 'securities': {
      const code = c.code();
      const listed = c.date('ipoDate', false);
      const out = c.date('outDate', false);
      if (c.rejects.length > 0 || code === null) return null;
      const info = stockCodeInfo(code)!;
      return { key: code, values: [code, c.text('code_name'), info.exchange, info.board, listed, out] };
    }
    case 'members': {
      const code = c.code();
      const asOf = c.date('updateDate');
      if (c.rejects.length > 0 || code === null || asOf === null) return null;
      return { key: `${code}\t${asOf}`, values: [opts.index ?? '', code, asOf, opts.historical ?? false], name: [code, c.text('code_name')] };
    }
  }
}

/** Per stock across the daily files: dates in order and the limit pass (with listing dates when known). */
async function sequencePass(store: Store, parsed: ParsedFile[]): Promise<void> {
  const listed = new Map<string, string>();
  for (const r of await store.all<{ code: string; list_date: Date | null }>('SELECT code, list_date FROM stock_securities WHERE list_date IS NOT NULL')) listed.set(r.code, isoOf(r.list_date!));
  for (const f of parsed.filter((x) => x.layout === 'securities')) for (const r of f.rows) if (r[4] !== null) listed.set(String(r[0]), String(r[4]));
  for (const f of parsed.filter((x) => x.layout === 'daily' && x.bars.length > 0)) {
    const byCode = new Map<string, StockBarRecord[]>();
    let first = f.bars[0]!.date;
    for (const b of f.bars) {
      if (b.date < first) first = b.date;
      const list = byCode.get(b.code);
      if (list) list.push(b);
      else byCode.set(b.code, [b]);
    }
    const bad = new Set<number>();
    for (const bars of byCode.values()) {
      bars.sort((a, b) => (a.date < b.date ? -1 : 1));
      for (const r of limitPass(bars, f.path, listed.get(bars[0]!.code) ?? null, first)) {
        f.rejects.push(r);
        bad.add(r.line);
      }
    }
    if (bad.size > 0) f.bars = f.bars.filter((b) => !bad.has(b.line));
  }
}

const isoOf = (d: Date): string => d.toISOString().slice(0, 10);
const dateValue = (iso: string): ReturnType<typeof duckDate> => duckDate(dayNumber(iso));

async function write(store: Store, opts: StockIngestOptions, parsed: ParsedFile[], rowsRead: number): Promise<StockIngestSummary> {
  const id = (await store.one<{ id: number }>(`SELECT nextval('ingest_seq') AS id`))!.id;
  let bars = { inserted: 0, updated: 0, unchanged: 0 };
  const loaded = new Map<string, number>();
  for (const f of parsed) {
    if (f.layout === 'daily') {
      const r = await writeBars(store, id, f, opts.replace ?? false);
      bars = { inserted: bars.inserted + r.inserted, updated: bars.updated + r.updated, unchanged: bars.unchanged + r.unchanged };
      loaded.set(f.path, r.inserted + r.updated + r.unchanged);
    } else {
      await writeRows(store, id, f);
      loaded.set(f.path, f.rows.length);
    }
  }
  await listSecurities(store, id, parsed);
  const rejects = parsed.flatMap((f) => f.rejects);
  for (const f of parsed) await store.run(`DELETE FROM rejects WHERE file = $1`, [f.path]);
  await appendRejects(store, id, rejects);
  const collapsed = parsed.reduce((n, f) => n + f.collapsed, 0);
  // Counted again: the write adds store conflicts.
  const rejectedRows = parsed.reduce((n, f) => n + new Set(f.rejects.map((r) => r.line)).size, 0);
  const total = [...loaded.values()].reduce((a, b) => a + b, 0);
  await store.run(`INSERT INTO ingests VALUES ($1, 'stocks', current_timestamp, current_timestamp, $2, $3, $4, $5, $6, $7)`, [
    id, parsed.length, rowsRead, total, rejectedRows, collapsed,
    JSON.stringify({ index: opts.index ?? null, historical: opts.historical ?? false, classification: opts.classification ?? null, replace: opts.replace ?? false, maxRejectShare: opts.maxRejectShare ?? DEFAULT_MAX_REJECT_SHARE }),
  ]);
  const files = parsed.map((f): StockFileSummary => {
    const rejected = new Set(f.rejects.map((r) => r.line)).size;
    return { path: f.path, layout: f.layout, rowsRead: f.rowsRead, rowsLoaded: loaded.get(f.path) ?? 0, rejected, collapsed: f.collapsed };
  });
  for (const [i, f] of files.entries()) {
    await store.run(`INSERT INTO ingest_files VALUES ($1, $2, $3, 'csv', $4, NULL, NULL, NULL, $5, $6, $7, $8)`, [id, i + 1, f.path, f.layout, f.rowsRead, f.rowsLoaded, f.rejected, f.collapsed]);
  }
  return { ingestId: id, files, bars, rejects };
}

const BAR_COLUMNS = ['code', 'trade_date', 'open', 'high', 'low', 'close', 'preclose', 'volume', 'amount', 'turnover', 'ret', 'tradable', 'is_st', 'limit_state', 'float_shares', 'pe_ttm', 'pb_mrq', 'ps_ttm', 'pcf_ttm', 'ingest_id'];

/** Stages the file's bars, rejects those that differ from the store (unless replace), then swaps them in. */
async function writeBars(store: Store, id: number, f: ParsedFile, replace: boolean): Promise<{ inserted: number; updated: number; unchanged: number }> {
  await store.run(`CREATE OR REPLACE TEMP TABLE stock_stage AS SELECT * FROM stock_bars_daily LIMIT 0`);
  await store.run(`ALTER TABLE stock_stage ADD COLUMN line BIGINT`);
  const a = await store.conn.createAppender('stock_stage', 'main', 'temp');
  const num = (x: number | null): void => (x === null ? a.appendNull() : a.appendDouble(x));
  for (const b of f.bars) {
    a.appendVarchar(b.code);
    a.appendDate(dateValue(b.date));
    for (const x of [b.open, b.high, b.low, b.close, b.preclose, b.volume, b.amount, b.turnover, b.ret]) num(x);
    a.appendBoolean(b.tradable);
    a.appendBoolean(b.st);
    a.appendTinyInt(b.limitState);
    for (const x of [b.floatShares, b.peTtm, b.pbMrq, b.psTtm, b.pcfTtm]) num(x);
    a.appendBigInt(BigInt(id));
    a.appendBigInt(BigInt(b.line));
    a.endRow();
  }
  a.flushSync();
  a.closeSync();
  // A stored bar differs when any price, volume, return or flag does (NULLs compared as values).
  const differs = BAR_COLUMNS.filter((c) => !['code', 'trade_date', 'ingest_id'].includes(c)).map((c) => `s.${c} IS DISTINCT FROM b.${c}`).join(' OR ');
  const conflicts = await store.all<{ line: number; code: string; d: Date; close: number | null; stored: number | null }>(
    `SELECT s.line, s.code, s.trade_date AS d, s.close, b.close AS stored FROM stock_stage s JOIN stock_bars_daily b USING (code, trade_date) WHERE ${differs} ORDER BY s.line`,
  );
  if (!replace && conflicts.length > 0) {
    for (const c of conflicts) f.rejects.push({ file: f.path, line: c.line, field: 'close', code: 'store_conflict', value: String(c.close), detail: `${c.stored} ${c.code} ${isoOf(c.d)}` });
    await store.run(`DELETE FROM stock_stage s USING stock_bars_daily b WHERE s.code = b.code AND s.trade_date = b.trade_date AND (${differs})`);
  }
  const unchanged = (await store.one<{ n: number }>(`SELECT count(*) AS n FROM stock_stage s JOIN stock_bars_daily b USING (code, trade_date) WHERE NOT (${differs})`))!.n;
  await store.run(`DELETE FROM stock_stage s USING stock_bars_daily b WHERE s.code = b.code AND s.trade_date = b.trade_date AND NOT (${differs})`);
  const updated = replace ? conflicts.length : 0;
  await store.run(`DELETE FROM stock_bars_daily b USING stock_stage s WHERE s.code = b.code AND s.trade_date = b.trade_date`);
  const staged = (await store.one<{ n: number }>(`SELECT count(*) AS n FROM stock_stage`))!.n;
  await store.run(`INSERT INTO stock_bars_daily SELECT ${BAR_COLUMNS.join(', ')} FROM stock_stage`);
  await store.run(`DROP TABLE temp.stock_stage`);
  return { inserted: staged - updated, updated, unchanged };
}

/**
 * Every stock with bars gets a securities row, from its code (exchange, board) and a name from
 * this ingest's other files, where no securities file listed it: listing and delisting dates stay
 * unknown (NULL), as the vendor's bar files do not carry them.
 */
async function listSecurities(store: Store, id: number, parsed: readonly ParsedFile[]): Promise<void> {
  const codes = new Set(parsed.flatMap((f) => (f.layout === 'daily' ? f.bars.map((b) => b.code) : [])));
  if (codes.size === 0) return;
  const known = new Set((await store.all<{ code: string }>('SELECT code FROM stock_securities')).map((r) => r.code));
  const names = new Map(parsed.flatMap((p) => [...p.names]));
  const f: ParsedFile = { path: '', layout: 'securities', rowsRead: 0, rejects: [], collapsed: 0, bars: [], rows: [], names };
  for (const code of [...codes].sort()) {
    if (known.has(code)) continue;
    const info = stockCodeInfo(code)!;
    f.rows.push([code, names.get(code) ?? null, info.exchange, info.board, null, null]);
  }
  if (f.rows.length > 0) await writeRows(store, id, f);
}

type Cell = string | number | boolean | null;
/** Column kinds of the small tables, in their column order: text, date, double, boolean, the ingest id. */
const ROW_KINDS: Record<Exclude<StockLayout, 'daily'>, { table: string; kinds: string }> = {
  industry: { table: 'stock_industries', kinds: 'ttdti' },
  fundamentals: { table: 'stock_fundamentals', kinds: `tdd${'n'.repeat(12)}i` },
  securities: { table: 'stock_securities', kinds: 'ttttddi' },
  members: { table: 'index_members', kinds: 'ttdbi' },
};

/** The small tables: staged through an appender, then a row with the same key replaced (securities, industries, reports, members). */
async function writeRows(store: Store, id: number, f: ParsedFile): Promise<void> {
  const { table, kinds } = ROW_KINDS[f.layout as Exclude<StockLayout, 'daily'>];
  await store.run(`CREATE OR REPLACE TEMP TABLE stock_rows AS SELECT * FROM ${table} LIMIT 0`);
  const a = await store.conn.createAppender('stock_rows', 'main', 'temp');
  for (const r of f.rows) {
    [...r, id].forEach((v: Cell, k) => {
      if (v === null) return a.appendNull();
      switch (kinds[k]) {
        case 't':
          return a.appendVarchar(String(v));
        case 'd':
          return a.appendDate(dateValue(String(v)));
        case 'n':
          return a.appendDouble(Number(v));
        case 'b':
          return a.appendBoolean(Boolean(v));
        default:
          return a.appendBigInt(BigInt(Number(v)));
      }
    });
    a.endRow();
  }
  a.flushSync();
  a.closeSync();
  await store.run(`INSERT OR REPLACE INTO ${table} SELECT * FROM stock_rows`);
  await store.run(`DROP TABLE temp.stock_rows`);
}


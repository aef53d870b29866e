// Ingest of daily and minute bar files, in phases that each hand a value to the next:
//   read (DuckDB readers -> typed stage) -> stamps & contracts (minute interval, bar-start files,
//   splice days) -> validate (row rules, collapse, sequence rules) -> guard (reject share) ->
//   write (changed rows only) -> log (rejects, instruments, splice resolutions, ingest record).
// All of it runs in one transaction: an unreadable file, a failed guard or a crash leaves the
// store exactly as it was. Re-ingesting a file changes no bar (unchanged rows are not rewritten)
// and replaces that file's earlier rejects. A file updates only the fields it carries, and never
// changes a stored non-null value unless asked to (`replace`; see merge.ts).

import { resolve as resolvePath } from 'node:path';
import { dateValue } from '@duckdb/node-api';
import { DateTime } from 'luxon';
import { BftError } from '../../errors.js';
import { dayNumber, isHoliday, isWeekend, previousTradingDay, weekday } from '../../market/calendar.js';
import { lastTradingDay, listingDay, offCycleMonth, parseContract } from '../../market/contracts.js';
import { HOLIDAYS_KNOWN } from '../../market/holidays.js';
import { dividesSessions } from '../../market/sessions.js';
import { isProduct, LAUNCH, SPEC_VERSIONS, type Product } from '../../market/specs.js';
import type { BarKind, Field, LayoutName } from '../layouts.js';
import { rejectLine, type Reject, type RejectCode } from '../messages.js';
import { appendRejects } from '../rejects.js';
import { resolveSplice, type Resolution } from '../splice.js';
import type { Store } from '../store.js';
import { carriedFields, storeConflicts, writeBars, type BarValue, type FieldCounts } from './merge.js';
import { readFileIntoStage, STAGE_DDL, REJECT_DDL, type FileFormat, type ReadFile } from './read.js';
import { detectInterval, detectStamp, rowRules, sequenceRules, shiftToBarEnd } from './validate.js';

export type StampConvention = 'auto' | 'start' | 'end';
export type IngestPhase = 'read' | 'stamps' | 'contracts' | 'validate' | 'write' | 'log';

export interface IngestOptions {
  readonly kind: BarKind;
  readonly files: readonly string[];
  /** Product of files without a contract column (a main-contract splice); also checks files that have one. */
  readonly product?: Product | undefined;
  /** --map overrides: source column -> field. */
  readonly map?: Readonly<Record<string, Field>> | undefined;
  readonly stamp?: StampConvention | undefined;
  /** Minute-bar interval; detected from the data when absent. */
  readonly intervalMin?: number | undefined;
  /** Abort (store untouched) when more than this share of the rows read is rejected. Default 0.2. */
  readonly maxRejectShare?: number | undefined;
  /**
   * Overwrite stored values that the files' values differ from (only the fields a file carries).
   * Default false: such a row is rejected as store_conflict, each differing field named.
   */
  readonly replace?: boolean | undefined;
  /** Today's date (ISO, Asia/Shanghai); bars after it are rejected. Default: the clock's. */
  readonly today?: string | undefined;
  /** Called as each phase starts; an error thrown here aborts the ingest like any other. */
  readonly onPhase?: ((phase: IngestPhase) => void | Promise<void>) | undefined;
}

export interface FileSummary {
  readonly path: string;
  readonly format: FileFormat;
  readonly layout: LayoutName;
  readonly ignoredColumns: readonly string[];
  readonly intervalMin: number | null;
  readonly stamp: 'start' | 'end' | null;
  readonly amountScale: number;
  readonly rowsRead: number;
  readonly rejected: number;
  readonly collapsed: number;
}

export interface IngestSummary {
  readonly ingestId: number;
  readonly kind: BarKind;
  readonly files: readonly FileSummary[];
  readonly rowsRead: number;
  /** Rows new to the store. */
  readonly inserted: number;
  /** Rows whose key was in the store with other values (a changed or a filled field). */
  readonly updated: number;
  /** Per field, stored non-null values overwritten (only with `replace`). */
  readonly changedFields: FieldCounts;
  /** Per field, stored NULLs given a value by a file that carries the field. */
  readonly filledFields: FieldCounts;
  /** Valid rows already in the store with the same values. */
  readonly unchanged: number;
  /** Rows (file, line) with at least one reject. */
  readonly rejected: number;
  /** Rows identical in every field to an earlier row, dropped. */
  readonly collapsed: number;
  /** Rows (file, line) with at least one reject of each code, as `data status` counts them. */
  readonly rejectsByCode: Readonly<Partial<Record<RejectCode, number>>>;
  /** Up to three rejects per code, for the printed summary. */
  readonly samples: readonly Reject[];
  readonly resolutions: readonly Resolution[];
  readonly products: readonly Product[];
}

const DEFAULT_MAX_REJECT_SHARE = 0.2;
const TEMP_VIEWS = ['v', 'stage'];
const TEMP_TABLES = ['stage_t', 'rej', 'files', 'file_interval', 'ci', 'cal', 'dayspec', 'cday', 'hist', 'first_trade', 'collapsed', 'dupkeys', 'suspects', 'seq', 'dropped', 'changed', 'day_agg'];

function checkOptions(o: IngestOptions): void {
  if (o.files.length === 0) throw new BftError('bad_option', 'no files given');
  if (o.product !== undefined && !isProduct(o.product)) throw new BftError('bad_option', `--product ${String(o.product)}: expected one of TS, TF, T, TL`);
  if (o.intervalMin !== undefined && !SPEC_VERSIONS.every((v) => dividesSessions(o.intervalMin!, v.sessions))) {
    throw new BftError('bad_option', `--interval ${o.intervalMin}: a bar interval must divide the sessions (1, 3, 5 or 15 minutes)`);
  }
  const share = o.maxRejectShare ?? DEFAULT_MAX_REJECT_SHARE;
  if (!(share >= 0 && share <= 1)) throw new BftError('bad_option', `--max-reject-share ${share}: expected a number from 0 to 1`);
  if (o.today !== undefined) {
    try {
      dayNumber(o.today);
    } catch (e) {
      throw new BftError('bad_option', `today: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Today in Asia/Shanghai, where CFFEX trade dates are stamped. */
function shanghaiToday(): string {
  return DateTime.now().setZone('Asia/Shanghai').toISODate()!;
}

export async function ingest(store: Store, opts: IngestOptions): Promise<IngestSummary> {
  checkOptions(opts);
  const phase = async (p: IngestPhase): Promise<void> => {
    await opts.onPhase?.(p);
  };
  try {
    // Reading and validating touch only this connection's temp tables, so they run outside the
    // transaction: DuckDB scans rows a transaction has written (temp tables included) about half
    // as fast as committed ones. Everything the store keeps is written in one transaction.
    const staged = await stageAndValidate(store, opts, phase);
    return await store.transaction(() => writeIngest(store, opts, staged, phase));
  } finally {
    for (const t of TEMP_VIEWS) await store.run(`DROP VIEW IF EXISTS temp.${t}`).catch(() => undefined);
    for (const t of TEMP_TABLES) await store.run(`DROP TABLE IF EXISTS temp.${t}`).catch(() => undefined);
  }
}

/** What the read and validate phases leave for the write: the temp tables plus these facts. */
interface Staged {
  readonly startedAt: Date;
  readonly read: readonly ReadFile[];
  readonly stamps: ReadonlyMap<number, { interval: number | null; stamp: 'start' | 'end' | null }>;
  readonly amountScales: ReadonlyMap<number, number>;
  readonly resolutions: Resolution[];
  readonly perFile: readonly { file_id: number; rejected: number; collapsed: number }[];
  readonly rowsRead: number;
  readonly rejected: number;
  readonly collapsed: number;
  readonly rejects: Reject[];
  readonly maxShare: number;
  readonly today: string;
  /** Per file id, the bar fields its columns carry. */
  readonly carried: ReadonlyMap<number, readonly BarValue[]>;
}

async function stageAndValidate(store: Store, opts: IngestOptions, phase: (p: IngestPhase) => Promise<void>): Promise<Staged> {
  const product = opts.product ?? null;
  const map = opts.map ?? {};
  const startedAt = new Date();
  const today = opts.today ?? shanghaiToday();

  await phase('read');
  for (const ddl of STAGE_DDL) await store.run(ddl);
  await store.run(REJECT_DDL);
  const read: ReadFile[] = [];
  for (const [i, f] of opts.files.entries()) {
    read.push(await readFileIntoStage(store, i + 1, resolvePath(f), { kind: opts.kind, map, product }));
  }
  // An ingest of nothing is a mistake (a truncated export, the wrong file), not an empty success.
  if (read.every((f) => f.rows === 0)) {
    throw new BftError('no_data', `${read.map((f) => f.path).join(', ')}: no data rows (only a header); nothing was written`, { file: read[0]!.path });
  }
  const carried = new Map(read.map((f) => [f.fileId, carriedFields(opts.kind, f.layout)] as const));

  await phase('stamps');
  const stamps = new Map<number, { interval: number | null; stamp: 'start' | 'end' | null }>();
  if (opts.kind === 'minute') {
    await store.run(`CREATE TEMP TABLE file_interval (file_id INTEGER, interval_min SMALLINT)`);
    for (const f of read) {
      const interval = opts.intervalMin ?? (await detectInterval(store, f.fileId));
      if (interval === null) {
        if (f.rows === 0) continue;
        throw new BftError('interval_unknown', `${f.path}: cannot tell the bar interval (no two bars of a day); give --interval`, { file: f.path });
      }
      if (!SPEC_VERSIONS.every((v) => dividesSessions(interval, v.sessions))) {
        throw new BftError('interval_unknown', `${f.path}: bars are ${interval} minutes apart, which does not divide the trading sessions; give --interval`, { file: f.path });
      }
      const stamp = opts.stamp === 'start' || opts.stamp === 'end' ? opts.stamp : await detectStamp(store, f.fileId);
      if (stamp === 'start') await shiftToBarEnd(store, f.fileId, interval);
      await store.run(`INSERT INTO file_interval VALUES (${f.fileId}, ${interval})`);
      stamps.set(f.fileId, { interval, stamp });
    }
  }
  const amountScales = await detectAmountScales(store, read);

  await phase('contracts');
  const resolutions = opts.kind === 'minute' ? await resolveSpliceContracts(store, product) : [];
  await buildContractFacts(store);
  await buildDayFacts(store, today);

  await phase('validate');
  await rowRules(store, opts.kind, product, today);
  const collapsed = await sequenceRules(store, opts.kind);
  await storeConflicts(store, opts.kind, carried, opts.replace ?? false);

  const perFile = await store.all<{ file_id: number; rejected: number; collapsed: number }>(`
    SELECT f.file_id,
      (SELECT count(DISTINCT line) FROM rej r WHERE r.file_id = f.file_id) AS rejected,
      (SELECT count(*) FROM collapsed c WHERE c.file_id = f.file_id) AS collapsed
    FROM files f ORDER BY f.file_id`);
  const rowsRead = read.reduce((n, f) => n + f.rows, 0);
  const rejected = perFile.reduce((n, f) => n + f.rejected, 0);
  const maxShare = opts.maxRejectShare ?? DEFAULT_MAX_REJECT_SHARE;
  if (rowsRead > 0 && rejected / rowsRead > maxShare) {
    const first = (await loadRejects(store, 3)).map(rejectLine).join('; ');
    throw new BftError(
      'too_many_rejects',
      `${rejected} of ${rowsRead} rows rejected (${((100 * rejected) / rowsRead).toFixed(1)}%, limit ${(100 * maxShare).toFixed(0)}%); nothing was written. First: ${first}`,
    );
  }

  const rejects = await loadRejects(store);
  return { startedAt, read, stamps, amountScales, resolutions, perFile, rowsRead, rejected, collapsed, rejects, maxShare, today, carried };
}

async function writeIngest(store: Store, opts: IngestOptions, staged: Staged, phase: (p: IngestPhase) => Promise<void>): Promise<IngestSummary> {
  const { startedAt, read, stamps, amountScales, resolutions, perFile, rowsRead, rejected, collapsed, rejects, maxShare, today, carried } = staged;
  const product = opts.product ?? null;
  const map = opts.map ?? {};
  const ingestId = Number(await store.scalar<bigint | number>(`SELECT nextval('ingest_seq')`));
  await phase('write');
  const counts = await writeBars(store, opts.kind, ingestId, rowsRead - rejected - collapsed, carried);
  await phase('log');
  await writeInstruments(store);
  await writeRejects(store, ingestId, read, rejects);
  if (resolutions.length > 0) await writeResolutions(store, ingestId, product!, stamps);

  const files: FileSummary[] = read.map((f) => {
    const pf = perFile.find((p) => p.file_id === f.fileId);
    const st = stamps.get(f.fileId);
    return {
      path: f.path,
      format: f.format,
      layout: f.layout.name,
      ignoredColumns: f.layout.ignored,
      intervalMin: st?.interval ?? null,
      stamp: st?.stamp ?? null,
      amountScale: amountScales.get(f.fileId) ?? f.layout.amountScale,
      rowsRead: f.rows,
      rejected: pf?.rejected ?? 0,
      collapsed: pf?.collapsed ?? 0,
    };
  });
  // Rows, not rejects: a row breaking one rule on several fields counts once, as in `data status`.
  const rowsByCode = new Map<RejectCode, Set<string>>();
  for (const r of rejects) {
    const rows = rowsByCode.get(r.code) ?? new Set<string>();
    rows.add(`${r.file}\n${r.line}`);
    rowsByCode.set(r.code, rows);
  }
  const rejectsByCode: Partial<Record<RejectCode, number>> = Object.fromEntries([...rowsByCode].map(([code, rows]) => [code, rows.size]));
  const samples = Object.keys(rejectsByCode).flatMap((code) => rejects.filter((r) => r.code === code).slice(0, 3));
  const products = (await store.all<{ product: string }>(`SELECT DISTINCT product FROM stage_t WHERE contract IS NOT NULL AND product IS NOT NULL ORDER BY 1`))
    .map((r) => r.product)
    .filter(isProduct);

  await store.run(
    `INSERT INTO ingests VALUES ($1, $2, $3, current_timestamp, $4, $5, $6, $7, $8, $9)`,
    [ingestId, opts.kind, startedAt.toISOString().replace('T', ' ').slice(0, 19), read.length, rowsRead, counts.inserted + counts.updated, rejected, collapsed, JSON.stringify({ product, map, stamp: opts.stamp ?? 'auto', interval: opts.intervalMin ?? null, maxRejectShare: maxShare, replace: opts.replace ?? false, today })],
  );
  for (const f of files) {
    const id = read.find((r) => r.path === f.path)!.fileId;
    await store.run(`INSERT INTO ingest_files VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
      ingestId, id, f.path, f.format, f.layout, f.intervalMin, f.stamp, f.amountScale, f.rowsRead,
      f.rowsRead - f.rejected - f.collapsed, f.rejected, f.collapsed,
    ]);
  }
  return { ingestId, kind: opts.kind, files, rowsRead, ...counts, rejected, collapsed, rejectsByCode, samples, resolutions, products };
}

/**
 * Amount units differ by vendor (CNY, or 10,000 CNY in CFFEX/akshare/Tushare files), so the scale
 * comes from the data: the median of amount / (volume x price x multiplier) is ~1 in CNY, ~1e-4
 * in 10,000 CNY. The layout's unit is kept when the data cannot tell.
 */
async function detectAmountScales(store: Store, read: readonly ReadFile[]): Promise<Map<number, number>> {
  const rows = await store.all<{ file_id: number; ratio: number | null }>(`
    SELECT s.file_id, median(s.amount / (s.volume * s.close * m.multiplier)) AS ratio
    FROM stage s JOIN (SELECT product, any_value(multiplier) AS multiplier FROM instrument_specs GROUP BY product) m USING (product)
    WHERE s.volume > 0 AND s.amount > 0 AND s.close > 0 AND s.line <= 20000 GROUP BY s.file_id`);
  const out = new Map<number, number>();
  for (const f of read) {
    const r = rows.find((x) => x.file_id === f.fileId)?.ratio ?? null;
    let scale = f.layout.amountScale;
    if (r !== null && r > 0.2 && r < 5) scale = 1;
    else if (r !== null && r > 2e-5 && r < 5e-4) scale = 10_000;
    out.set(f.fileId, scale);
    await store.run(`UPDATE files SET amount_scale = ${scale} WHERE file_id = ${f.fileId}`);
  }
  return out;
}

/**
 * Facts about each contract code seen: valid?, listing day, last trading day, product launch, and
 * for an invalid code shaped like one, its impossible delivery month (bad_month).
 */
async function buildContractFacts(store: Store): Promise<void> {
  await store.run(`CREATE TEMP TABLE ci (contract VARCHAR, product VARCHAR, valid BOOLEAN, listing_date DATE, last_trading_day DATE, launch DATE, bad_month VARCHAR)`);
  const codes = await store.all<{ contract: string }>(`SELECT DISTINCT contract FROM stage_t WHERE contract IS NOT NULL`);
  if (codes.length === 0) return;
  const a = await store.conn.createAppender('ci', 'main', 'temp');
  for (const { contract } of codes) {
    const c = parseContract(contract);
    a.appendVarchar(contract);
    if (!c) {
      a.appendNull();
      a.appendBoolean(false);
      a.appendNull();
      a.appendNull();
      a.appendNull();
    } else {
      a.appendVarchar(c.product);
      a.appendBoolean(true);
      const listed = listingDay(c);
      if (Number.isFinite(listed)) a.appendDate(dateValue(listed));
      else a.appendNull(); // a code before the product's first contract: never listed
      a.appendDate(dateValue(lastTradingDay(c)));
      a.appendDate(dateValue(dayNumber(LAUNCH[c.product])));
    }
    const month = offCycleMonth(contract);
    if (month === null) a.appendNull();
    else a.appendVarchar(String(month).padStart(2, '0'));
    a.endRow();
  }
  a.flushSync();
  a.closeSync();
}

/**
 * What each staged date is, as one reject code or none (day_code), with its reason (why), and the
 * trading day before it. A date after today cannot hold a bar; a weekday past the holiday table's
 * end cannot be told from a holiday, so it is not taken as a trading day either. Only days with
 * no day_code count as trading.
 */
async function buildDayFacts(store: Store, today: string): Promise<void> {
  await store.run(`CREATE TEMP TABLE cal (d DATE, trading BOOLEAN, day_code VARCHAR, why VARCHAR, prev_d DATE)`);
  const days = await store.all<{ d: number }>(`SELECT DISTINCT date_diff('day', DATE '1970-01-01', trade_date) AS d FROM stage_t WHERE trade_date IS NOT NULL`);
  if (days.length === 0) return;
  const names = ['a Sunday', 'a Monday', 'a Tuesday', 'a Wednesday', 'a Thursday', 'a Friday', 'a Saturday'];
  const todayN = dayNumber(today);
  const knownTo = dayNumber(HOLIDAYS_KNOWN.to);
  const a = await store.conn.createAppender('cal', 'main', 'temp');
  for (const { d } of days) {
    const [code, why]: [RejectCode | null, string | null] =
      d > todayN ? ['future_date', today]
      : isWeekend(d) ? ['not_trading_day', names[weekday(d)]!]
      : isHoliday(d) ? ['not_trading_day', 'an exchange holiday']
      : d > knownTo ? ['calendar_unknown', `holidays known to ${HOLIDAYS_KNOWN.to}`]
      : [null, null];
    a.appendDate(dateValue(d));
    a.appendBoolean(code === null);
    if (code === null) a.appendNull();
    else a.appendVarchar(code);
    if (why === null) a.appendNull();
    else a.appendVarchar(why);
    a.appendDate(dateValue(previousTradingDay(d)));
    a.endRow();
  }
  a.flushSync();
  a.closeSync();
}

/** Splice days (minute rows with no contract): resolve each day's contract from the daily bars. */
async function resolveSpliceContracts(store: Store, product: Product | null): Promise<Resolution[]> {
  if (product === null) return [];
  const n = await store.scalar<number>(`SELECT count(*) FROM stage_t WHERE contract IS NULL AND trade_date IS NOT NULL`);
  if (Number(n) === 0) return [];
  const days = await store.all<{ date: string; volume: number; last_close: number; first_oi: number | null; last_oi: number | null }>(`
    SELECT strftime(trade_date, '%Y-%m-%d') AS date, sum(volume) AS volume,
           arg_max(close, ts) AS last_close, arg_min(open_interest, ts) AS first_oi, arg_max(open_interest, ts) AS last_oi
    FROM stage s
    WHERE contract IS NULL AND trade_date IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM rej r WHERE r.file_id = s.file_id AND r.line = s.line)
      AND dayofweek(trade_date) BETWEEN 1 AND 5
    GROUP BY trade_date ORDER BY trade_date`);
  const daily = await store.all<{ date: string; contract: string; volume: number | null; close: number | null; open_interest: number | null }>(`
    SELECT strftime(trade_date, '%Y-%m-%d') AS date, contract, volume, close, open_interest
    FROM bars_daily WHERE product = $1 AND trade_date IN (SELECT DISTINCT trade_date FROM stage_t WHERE contract IS NULL)`, [product]);
  const res = resolveSplice(
    days.map((d) => ({ date: d.date, volume: d.volume, lastClose: d.last_close, firstOi: d.first_oi, lastOi: d.last_oi })),
    daily.map((d) => ({ date: d.date, contract: d.contract, volume: d.volume, close: d.close, openInterest: d.open_interest })),
  );
  await store.run(`CREATE TEMP TABLE day_agg (d DATE, contract VARCHAR, method VARCHAR, detail VARCHAR)`);
  const a = await store.conn.createAppender('day_agg', 'main', 'temp');
  for (const r of res) {
    a.appendDate(dateValue(dayNumber(r.date)));
    if (r.contract === null) a.appendNull();
    else a.appendVarchar(r.contract);
    a.appendVarchar(r.method);
    a.appendVarchar(r.detail);
    a.endRow();
  }
  a.flushSync();
  a.closeSync();
  await store.run(`
    INSERT INTO rej
    SELECT s.file_id, s.line, 'datetime', 'unresolved_contract', strftime(s.trade_date, '%Y-%m-%d'), d.detail
    FROM stage s JOIN day_agg d ON d.d = s.trade_date WHERE s.contract IS NULL AND d.contract IS NULL`);
  await store.run(`UPDATE stage_t SET contract = d.contract FROM day_agg d WHERE stage_t.contract IS NULL AND d.d = stage_t.trade_date AND d.contract IS NOT NULL`);
  return res;
}

async function loadRejects(store: Store, limit?: number): Promise<Reject[]> {
  const rows = await store.all<{ path: string; line: number; field: string; code: RejectCode; value: string | null; detail: string | null }>(`
    SELECT f.path, r.line, r.field, r.code, r.value, r.detail FROM rej r JOIN files f USING (file_id)
    ORDER BY r.file_id, r.line, r.code, r.field ${limit === undefined ? '' : `LIMIT ${limit}`}`);
  return rows.map((r) => ({ file: r.path, line: r.line, field: r.field, code: r.code, value: r.value, detail: r.detail }));
}

/** Contract facts for every contract with a valid row in this ingest. */
async function writeInstruments(store: Store): Promise<void> {
  const anyDropped = Number(await store.scalar<number>('SELECT count(*) FROM dropped')) > 0;
  const landed = anyDropped ? 'stage s ANTI JOIN dropped d ON d.file_id = s.file_id AND d.line = s.line' : 'stage_t';
  await store.run(`
    INSERT INTO instruments
    SELECT ci.contract, ci.product, CAST(substr(ci.contract, length(ci.product) + 1, 2) AS INTEGER) + 2000,
           CAST(right(ci.contract, 2) AS INTEGER), ci.listing_date, ci.last_trading_day
    FROM ci WHERE ci.valid AND ci.contract IN (SELECT DISTINCT contract FROM ${landed})
    ON CONFLICT (contract) DO NOTHING`);
}

async function writeRejects(store: Store, ingestId: number, read: readonly ReadFile[], rejects: readonly Reject[]): Promise<void> {
  for (const f of read) await store.run(`DELETE FROM rejects WHERE file = $1`, [f.path]);
  await appendRejects(store, ingestId, rejects);
}

/** Records each splice day's contract (the day_agg table built by resolveSpliceContracts). */
async function writeResolutions(store: Store, ingestId: number, product: Product, stamps: ReadonlyMap<number, { interval: number | null }>): Promise<void> {
  // one interval per product's splice in practice; the first file's is recorded
  const interval = [...stamps.values()][0]?.interval ?? null;
  await store.run(`DELETE FROM contract_resolution WHERE product = $1 AND interval_min = $2 AND trade_date IN (SELECT d FROM day_agg)`, [product, interval]);
  await store.run(`INSERT INTO contract_resolution SELECT $1, d, $2, contract, method, detail, $3 FROM day_agg`, [product, interval, ingestId]);
}

// Phase 2 of ingest: every validation rule, as set-based SQL over the stage table. A rule adds
// rows to `rej` (file_id, line, field, code, value, detail); the text a person reads comes later
// from data/messages.ts. Rules run in three passes, because later passes look at neighbours:
//   1. row rules     - each row alone: contract, trading day, session, prices, band around settle;
//   2. collapse      - rows identical in every field to an earlier row are dropped (not rejected);
//   3. sequence rules - over the surviving rows of each contract in file order: stamps that step
//      back in time (other than an adjacent swap), then keys that still appear twice with
//      different values (all such rows rejected, each naming the others).
// Each pass scans the stage once: the row rules are one SELECT whose WHERE is the OR of all
// conditions, so only failing rows build their list of reasons. Windows and sorts run only on
// the few rows that share a key.

import type { BarKind } from '../layouts.js';
import type { Store } from '../store.js';

const VALUE_COLS = ['open', 'high', 'low', 'close', 'settle', 'pre_settle', 'volume', 'amount', 'open_interest'];

/** The key of a bar within its contract: trade date (daily) or bar stamp (minute). */
function keyExpr(kind: BarKind): string {
  return kind === 'daily' ? 'trade_date' : 'ts';
}

function keyText(kind: BarKind, col: string): string {
  return kind === 'daily' ? `strftime(${col}, '%Y-%m-%d')` : `strftime(${col}, '%Y-%m-%d %H:%M')`;
}

/** Interval and stamp convention are read off a file's first rows (a month of 1-minute bars). */
const DETECT_ROWS = 20_000;

/**
 * The most common positive step (minutes) between consecutive stamps of one contract within a day,
 * or null when the file has no two bars in a day.
 */
export async function detectInterval(store: Store, fileId: number): Promise<number | null> {
  const row = await store.one<{ step: number | null }>(`
    WITH d AS (
      SELECT date_diff('minute', lag(ts) OVER (PARTITION BY coalesce(contract, ''), trade_date ORDER BY ts), ts) AS step
      FROM stage WHERE file_id = ${fileId} AND ts IS NOT NULL AND line <= ${DETECT_ROWS})
    SELECT mode(step) AS step FROM d WHERE step > 0 AND step <= 60`);
  return row?.step ?? null;
}

/**
 * 'start' when stamps sit on session opens (09:15, 09:30, 13:00) and never on closes (11:30,
 * 15:15), which only a bar-start stamped file does; otherwise 'end'.
 */
export async function detectStamp(store: Store, fileId: number): Promise<'start' | 'end'> {
  const r = await store.one<{ opens: number; closes: number }>(`
    SELECT count(*) FILTER (WHERE m IN (555, 570, 780)) AS opens, count(*) FILTER (WHERE m IN (690, 915)) AS closes
    FROM (SELECT hour(ts) * 60 + minute(ts) AS m FROM stage WHERE file_id = ${fileId} AND ts IS NOT NULL AND line <= ${DETECT_ROWS})`);
  return r && r.opens > 0 && r.closes === 0 ? 'start' : 'end';
}

/** Shifts a bar-start stamped file's bars to their end stamps. */
export async function shiftToBarEnd(store: Store, fileId: number, intervalMin: number): Promise<void> {
  await store.run(`
    UPDATE stage_t SET ts = ts + to_minutes(${intervalMin}), trade_date = CAST(ts + to_minutes(${intervalMin}) AS DATE)
    WHERE file_id = ${fileId} AND ts IS NOT NULL`);
}

interface Rule {
  readonly field: string;
  readonly code: string;
  /** SQL condition over `s` (the row joined with its contract and day facts) */
  readonly when: string;
  readonly value: string;
  readonly detail: string;
}

/**
 * Inserts into rej every rule a row breaks, scanning `from` once. `filter` picks the rows whose
 * reasons are worked out; it must hold for every row that breaks a rule (default: the OR of all).
 */
async function applyRules(store: Store, from: string, rules: readonly Rule[], filter?: string): Promise<void> {
  const items = rules
    .map((r) => `CASE WHEN ${r.when} THEN {field: '${r.field}', code: '${r.code}', value: CAST(${r.value} AS VARCHAR), detail: CAST(${r.detail} AS VARCHAR)} END`)
    .join(',\n      ');
  // `from` exposes row ids (rid); lines are worked out for the failing rows only.
  await store.run(`
    INSERT INTO rej
    SELECT x.file_id, x.rid - f.first_rowid + f.first_line, x.r.field, x.r.code, x.r.value, x.r.detail
    FROM (SELECT file_id, rid, unnest(list_filter([${items}], x -> x IS NOT NULL)) AS r
          FROM ${from} WHERE ${filter ?? rules.map((r) => `(${r.when})`).join(' OR ')}) x
    JOIN files f USING (file_id)`);
}

/**
 * Row rules. Needs temp tables `ci` (contract facts), `cal` (day facts) and, for minute bars,
 * `file_interval` (file_id, interval_min). `product` is --product when given.
 */
export async function rowRules(store: Store, kind: BarKind, product: string | null, today: string): Promise<void> {
  const minute = kind === 'minute';
  // Facts per (product, day) are few; joining them by equality keeps the big scan a hash probe.
  await store.run(`
    CREATE OR REPLACE TEMP TABLE dayspec AS
    SELECT p.product, p.trade_date, sp.tick, sp.limit_pct, sp.am_open, sp.am_close, sp.pm_open, sp.pm_close,
           cal.trading, cal.day_code, cal.why, cal.prev_d
    FROM (SELECT DISTINCT product, trade_date FROM stage_t WHERE trade_date IS NOT NULL) p
    LEFT JOIN instrument_specs sp ON sp.product = p.product
         AND p.trade_date BETWEEN sp.valid_from AND coalesce(sp.valid_to, DATE '9999-12-31')
    LEFT JOIN cal ON cal.d = p.trade_date`);
  await settleHistory(store, kind);

  const live = `s.trade_date IS NOT NULL AND s.contract IS NOT NULL AND s.valid AND s.trading`;
  const dayText = minute ? `strftime(s.ts, '%Y-%m-%d %H:%M')` : `strftime(s.trade_date, '%Y-%m-%d')`;
  const dayField = minute ? 'datetime' : 'date';
  // Rules that look only at the symbol, the product and the day. A day breaks at most one of
  // not_trading_day, future_date and calendar_unknown (cal.day_code).
  const dayRules: Rule[] = [
    { field: 'symbol', code: 'bad_symbol', when: `s.symbol IS NOT NULL AND NOT coalesce(s.valid, false)`, value: 's.symbol', detail: 's.bad_month' },
    ...(['not_trading_day', 'future_date', 'calendar_unknown'] as const).map(
      (code): Rule => ({ field: dayField, code, when: `s.trade_date IS NOT NULL AND s.day_code = '${code}'`, value: dayText, detail: 's.day_why' }),
    ),
    {
      field: dayField,
      code: 'before_launch',
      when: `${live} AND s.trade_date < s.launch`,
      value: dayText,
      detail: `s.product || ' listed ' || strftime(s.launch, '%Y-%m-%d')`,
    },
    {
      field: dayField,
      code: 'not_listed',
      when: `${live} AND s.trade_date >= s.launch AND (s.listing_date IS NULL OR s.trade_date < s.listing_date OR s.trade_date > s.last_trading_day)`,
      value: dayText,
      detail: `CASE WHEN s.listing_date IS NULL THEN s.contract || ' was never listed'
               ELSE s.contract || CASE WHEN s.listing_date > DATE '${today}' THEN ' lists ' ELSE ' listed ' END || strftime(s.listing_date, '%Y-%m-%d')
                    || ', last trading day ' || strftime(s.last_trading_day, '%Y-%m-%d') END`,
    },
  ];
  if (product !== null) {
    dayRules.push({ field: 'symbol', code: 'product_mismatch', when: `s.valid AND s.symbol IS NOT NULL AND s.product <> '${product}'`, value: 's.contract', detail: `'${product}'` });
  }

  // Everything a row rule needs besides the row itself depends only on (contract, product, day):
  // a few thousand keys. Joining those facts once keeps the big scan to one hash probe. The
  // previous settle for the limit band: the file's pre_settle (daily, per row), else the day's
  // daily bar pre_settle (minute), else the contract's settle on the previous trading day.
  // day_flag: some day rule may fail (the symbol stands in for itself: a row with a symbol has a
  // contract). For minute bars the session grid (epoch ms) and the band (lo..hi) are laid out here
  // so the scan compares numbers only.
  await store.run(`
    CREATE OR REPLACE TEMP TABLE cday AS
    SELECT s.*, coalesce(${dayRules.map((r) => `(${r.when})`).join(' OR ')}, false) AS day_flag,
           coalesce(${live} AND s.tick IS NOT NULL, false) AS live_sess,
           epoch_ms(s.trade_date) + s.am_open * 60000 AS am_open_ms, epoch_ms(s.trade_date) + s.am_close * 60000 AS am_close_ms,
           CASE WHEN s.trade_date <> s.last_trading_day OR s.last_trading_day IS NULL THEN epoch_ms(s.trade_date) + s.pm_open * 60000 END AS pm_open_ms,
           epoch_ms(s.trade_date) + s.pm_close * 60000 AS pm_close_ms,
           coalesce(s.valid AND s.lim IS NOT NULL AND s.ps_known > 0, false) AS band,
           s.ps_known - (s.ps_known * s.lim + s.tick + 1e-9) + 1e-10 AS band_lo,
           s.ps_known + (s.ps_known * s.lim + s.tick + 1e-9) - 1e-10 AS band_hi
    FROM (
      SELECT coalesce(k.contract, '') AS ck, coalesce(k.product, '') AS pk, k.contract, k.contract AS symbol, k.product, k.trade_date,
             ci.valid, ci.bad_month, ci.listing_date, ci.last_trading_day, ci.launch,
             d.tick, d.limit_pct, d.am_open, d.am_close, d.pm_open, d.pm_close, d.trading, d.day_code, d.why AS day_why, d.prev_d,
             ${minute ? 'coalesce(td.pre_settle, h.settle)' : 'h.settle'} AS ps_known,
             d.limit_pct * CASE WHEN ft.d IS NULL OR k.trade_date <= ft.d THEN 2 ELSE 1 END AS lim
      FROM (SELECT DISTINCT contract, product, trade_date FROM stage_t) k
      LEFT JOIN ci ON ci.contract = k.contract
      LEFT JOIN dayspec d ON d.product = k.product AND d.trade_date = k.trade_date
      LEFT JOIN hist h ON h.contract = k.contract AND h.trade_date = d.prev_d
      LEFT JOIN first_trade ft ON ft.contract = k.contract
      ${minute ? 'LEFT JOIN hist td ON td.contract = k.contract AND td.trade_date = k.trade_date' : ''}) s`);
  // Bar interval per file: a handful of constants, inlined rather than joined.
  const intervals = minute ? await store.all<{ file_id: number; interval_min: number }>('SELECT file_id, interval_min FROM file_interval') : [];
  const intervalSql = intervals.length > 0 ? `CASE s.file_id ${intervals.map((f) => `WHEN ${f.file_id} THEN ${f.interval_min}`).join(' ')} END` : 'NULL::SMALLINT';
  await store.run(`
    CREATE OR REPLACE TEMP VIEW v AS
    SELECT s.*, s.rowid AS rid, c.valid, c.bad_month, c.listing_date, c.last_trading_day, c.launch,
           c.tick, c.limit_pct, c.am_open, c.am_close, c.pm_open, c.pm_close, c.trading, c.day_code, c.day_why, c.prev_d,
           c.day_flag, c.live_sess, c.am_open_ms, c.am_close_ms, c.pm_open_ms, c.pm_close_ms, c.band, c.band_lo, c.band_hi,
           ${intervalSql} AS interval_min, ${minute ? 'hour(s.ts) * 60 + minute(s.ts)' : 'NULL'} AS m,
           ${minute ? 'c.ps_known' : 'coalesce(s.pre_settle, c.ps_known)'} AS ps, c.lim
    FROM stage_t s
    LEFT JOIN cday c ON c.ck = coalesce(s.contract, '') AND c.pk = coalesce(s.product, '') AND c.trade_date IS NOT DISTINCT FROM s.trade_date`);

  const rules: Rule[] = [...dayRules];
  if (minute) {
    const grid = (open: string, close: string): string => `(s.m > s.${open} AND s.m <= s.${close} AND (s.m - s.${open}) % s.interval_min = 0)`;
    const lastDay = `s.trade_date = s.last_trading_day`;
    rules.push({
      field: 'datetime',
      code: 'outside_session',
      when: `${live} AND s.tick IS NOT NULL AND (second(s.ts) <> 0 OR NOT (${grid('am_open', 'am_close')} OR (NOT ${lastDay} AND ${grid('pm_open', 'pm_close')})))`,
      value: dayText,
      detail: `CASE WHEN ${lastDay} THEN 'last trading day of ' || s.contract || ': morning only, ' ELSE '' END
               || s.interval_min || '-minute bars end on the grid of ' || printf('%02d:%02d', s.am_open // 60, s.am_open % 60) || '-11:30'
               || CASE WHEN ${lastDay} THEN '' ELSE ', 13:00-15:15' END`,
    });
  }
  const prices = minute ? ['open', 'high', 'low', 'close'] : ['open', 'high', 'low', 'close', 'settle', 'pre_settle'];
  for (const p of prices) rules.push({ field: p, code: 'non_positive', when: `s.${p} <= 0`, value: `s.${p}`, detail: 'NULL' });
  for (const q of ['volume', 'open_interest', 'amount']) rules.push({ field: q, code: 'negative', when: `s.${q} < 0`, value: `s.${q}`, detail: 'NULL' });
  // A bar with trades needs its whole OHLC; a no-trade day may carry only close / settle. A price
  // that did not parse is empty here but already rejected (bad), so it is not reported twice.
  if (!minute) {
    rules.push({
      field: 'open/high/low',
      code: 'missing',
      when: `(s.open IS NULL OR s.high IS NULL OR s.low IS NULL) AND s.volume > 0 AND NOT coalesce(s.bad, false)`,
      value: 'NULL',
      detail: `'volume is ' || CAST(CAST(s.volume AS BIGINT) AS VARCHAR)`,
    });
  }
  const order = (a: string, rel: '>' | '<', b: string, words: string): Rule => ({
    field: a,
    code: 'ohlc_order',
    when: `s.${a} > 0 AND s.${b} > 0 AND s.${a} ${rel} s.${b}`,
    value: `s.${a}`,
    detail: `'${words} ' || CAST(s.${b} AS VARCHAR)`,
  });
  rules.push(
    order('low', '>', 'high', 'above high'),
    order('low', '>', 'open', 'above open'),
    order('low', '>', 'close', 'above close'),
    order('high', '<', 'open', 'below open'),
    order('high', '<', 'close', 'below close'),
  );
  for (const p of ['open', 'high', 'low', 'close']) {
    rules.push({
      field: p,
      code: 'off_tick',
      when: `s.${p} > 0 AND s.tick IS NOT NULL AND abs(s.${p} / s.tick - round(s.${p} / s.tick)) > 1e-6`,
      value: `s.${p}`,
      detail: `CAST(s.tick AS VARCHAR) || ' in force on ' || strftime(s.trade_date, '%Y-%m-%d')`,
    });
  }
  // Daily limit band: |price - previous settle| <= limit x previous settle (+ one tick for the
  // exchange's rounding of limit prices), the limit doubled on every day up to and including a
  // contract's first day with volume. Checked only where a previous settle is known.
  for (const p of ['open', 'high', 'low', 'close']) {
    rules.push({
      field: p,
      code: 'outside_limit',
      when: `s.valid AND s.lim IS NOT NULL AND s.ps > 0 AND s.${p} > 0 AND coalesce(s.volume, 1) > 0 AND abs(s.${p} - s.ps) > s.ps * s.lim + s.tick + 1e-9`,
      value: `s.${p}`,
      detail: `printf('%.4f..%.4f (previous settle %s, limit %g%%)', s.ps * (1 - s.lim), s.ps * (1 + s.lim), CAST(s.ps AS VARCHAR), s.lim * 100)`,
    });
  }
  // Minute files are large: the scan tests a cheaper condition that every breaking row meets
  // (the day rules through day_flag, the band as one range), and only the rows it picks are
  // tested rule by rule. Daily files keep the exact OR of all rules.
  const step = 's.interval_min * 60000';
  const t = 'epoch_ms(s.ts)';
  const ohlc = 's.open, s.high, s.low, s.close';
  const minuteFilter = [
    's.day_flag',
    `(s.live_sess AND NOT (coalesce(${t} > s.am_open_ms AND ${t} <= s.am_close_ms AND (${t} - s.am_open_ms) % (${step}) = 0, false)
       OR coalesce(${t} > s.pm_open_ms AND ${t} <= s.pm_close_ms AND (${t} - s.pm_open_ms) % (${step}) = 0, false)))`,
    `least(${ohlc}) <= 0`,
    'least(s.volume, s.open_interest, s.amount) < 0',
    's.low > s.high OR s.low > s.open OR s.low > s.close OR s.high < s.open OR s.high < s.close',
    ...['open', 'high', 'low', 'close'].map((p) => `abs(s.${p} / s.tick - round(s.${p} / s.tick)) > 1e-6`),
    `(s.band AND (least(${ohlc}) < s.band_lo OR greatest(${ohlc}) > s.band_hi))`,
  ].map((c) => `(${c})`).join('\n      OR ');
  await applyRules(store, 'v s', rules, minute ? minuteFilter : undefined);
  // Nothing is dropped silently: a row still without a contract gets a reject of its own.
  await store.run(`
    INSERT INTO rej
    SELECT file_id, line, 'symbol', 'unresolved_contract', ${dayText}, 'no contract column and no splice resolution for the day'
    FROM stage s WHERE s.contract IS NULL AND NOT EXISTS (SELECT 1 FROM rej r WHERE r.file_id = s.file_id AND r.line = s.line)`);
}

/** Each staged contract's daily settles (store and, for daily files, this ingest) and first traded day. */
async function settleHistory(store: Store, kind: BarKind): Promise<void> {
  await store.run(`
    CREATE OR REPLACE TEMP TABLE hist AS
    SELECT contract, trade_date, any_value(settle) AS settle, any_value(pre_settle) AS pre_settle, max(volume) AS volume FROM (
      SELECT contract, trade_date, settle, pre_settle, volume FROM bars_daily WHERE contract IN (SELECT contract FROM ci)
      ${kind === 'daily' ? `UNION ALL SELECT contract, trade_date, settle, pre_settle, volume FROM stage_t WHERE contract IS NOT NULL AND trade_date IS NOT NULL` : ''})
    GROUP BY contract, trade_date`);
  await store.run(`
    CREATE OR REPLACE TEMP TABLE first_trade AS
    SELECT contract, min(trade_date) FILTER (WHERE volume > 0) AS d FROM hist GROUP BY contract`);
}

/** Passes 2 and 3. Returns how many rows collapsed into an identical earlier row. */
export async function sequenceRules(store: Store, kind: BarKind): Promise<number> {
  const k = keyExpr(kind);
  const field = kind === 'daily' ? 'date' : 'datetime';
  const rejected = (codes?: string): string =>
    `EXISTS (SELECT 1 FROM rej r WHERE r.file_id = s.file_id AND r.line = s.line${codes ? ` AND r.code IN (${codes})` : ''})`;

  // Contracts whose rows, in file order (row ids follow it), do not strictly advance: only these
  // can hold a row out of order or (within one file) a repeated key, so the passes below sort
  // only them.
  await store.run(`
    CREATE OR REPLACE TEMP TABLE suspects AS
    SELECT DISTINCT file_id, contract FROM (
      SELECT file_id, contract, ${k} AS k, lag(${k}) OVER (PARTITION BY file_id, contract ORDER BY rowid) AS p
      FROM stage_t WHERE contract IS NOT NULL AND ${k} IS NOT NULL)
    WHERE k <= p`);
  // Keys seen more than once, whatever else is wrong with the rows. With one file they sit in
  // the suspects; several files can repeat each other's keys anywhere.
  const files = Number(await store.scalar<number>('SELECT count(*) FROM files'));
  await store.run(`
    CREATE OR REPLACE TEMP TABLE dupkeys AS
    SELECT DISTINCT contract, k FROM (
      SELECT contract, ${k} AS k, lag(${k}) OVER (PARTITION BY contract ORDER BY ${k}) AS p
      FROM stage_t s ${files > 1 ? '' : 'SEMI JOIN suspects x ON x.file_id = s.file_id AND x.contract = s.contract'}
      WHERE contract IS NOT NULL AND ${k} IS NOT NULL)
    WHERE k = p`);

  // Pass 2: identical copies (the first row of each group is kept).
  await store.run(`
    CREATE OR REPLACE TEMP TABLE collapsed AS
    SELECT file_id, line FROM (
      SELECT s.file_id, s.line, row_number() OVER (PARTITION BY s.contract, s.${k}, ${VALUE_COLS.map((c) => `s.${c}`).join(', ')} ORDER BY s.file_id, s.line) AS copy
      FROM stage s SEMI JOIN dupkeys d ON d.contract = s.contract AND d.k = s.${k}
      WHERE NOT ${rejected()})
    WHERE copy > 1`);
  const collapsed = Number(await store.scalar<number>('SELECT count(*) FROM collapsed'));

  // Pass 3a: stamps stepping back in time. A file written newest-first steps back at every row,
  // so each file is judged in its own direction; an adjacent swap (the row still falls after the
  // one two before it) is kept.
  await store.run(`
    CREATE OR REPLACE TEMP TABLE seq AS
    SELECT file_id, line, contract, ${k} AS k,
           lag(${k}, 1) OVER w AS p1, lag(line, 1) OVER w AS pl1, lag(${k}, 2) OVER w AS p2,
           lead(${k}, 1) OVER w AS n1, lead(line, 1) OVER w AS nl1, lead(${k}, 2) OVER w AS n2
    FROM stage s SEMI JOIN suspects x ON x.file_id = s.file_id AND x.contract = s.contract
    WHERE s.${k} IS NOT NULL AND NOT ${rejected()}
      AND NOT EXISTS (SELECT 1 FROM collapsed c WHERE c.file_id = s.file_id AND c.line = s.line)
    WINDOW w AS (PARTITION BY file_id, contract ORDER BY line)`);
  await store.run(`
    INSERT INTO rej
    WITH dir AS (
      SELECT file_id, count(*) FILTER (WHERE k < p1) > count(*) FILTER (WHERE k > p1) AS descending FROM seq GROUP BY file_id)
    SELECT file_id, line, '${field}', 'out_of_order', ${keyText(kind, 'k')},
           'after line ' || CASE WHEN descending THEN nl1 ELSE pl1 END || ' stamped '
             || ${keyText(kind, 'CASE WHEN descending THEN n1 ELSE p1 END')} || ' (not an adjacent swap)'
    FROM seq JOIN dir USING (file_id)
    WHERE (NOT descending AND k < p1 AND (p2 IS NULL OR k <= p2)) OR (descending AND k < n1 AND (n2 IS NULL OR k <= n2))`);

  // Pass 3b: a key still present twice, with different values: every such row, naming the others.
  await store.run(`
    INSERT INTO rej
    WITH a AS (
      SELECT s.file_id, s.line, s.contract, s.${k} AS k
      FROM stage s SEMI JOIN dupkeys d ON d.contract = s.contract AND d.k = s.${k}
      WHERE NOT ${rejected()} AND NOT EXISTS (SELECT 1 FROM collapsed c WHERE c.file_id = s.file_id AND c.line = s.line)),
    twice AS (SELECT contract, k FROM a GROUP BY ALL HAVING count(*) > 1),
    g AS (
      SELECT a.*, list(CASE WHEN (SELECT count(*) FROM files) > 1 THEN f.path || ':' ELSE '' END || 'line ' || a.line)
                    OVER (PARTITION BY a.contract, a.k ORDER BY a.file_id, a.line ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS lines,
             row_number() OVER (PARTITION BY a.contract, a.k ORDER BY a.file_id, a.line) AS i
      FROM a JOIN files f USING (file_id) WHERE (a.contract, a.k) IN (SELECT * FROM twice))
    SELECT file_id, line, '${field}', 'duplicate_conflict', contract || ' ' || ${keyText(kind, 'k')},
           array_to_string(list_filter(lines, (x, j) -> j <> i), ', ')
    FROM g`);
  return collapsed;
}

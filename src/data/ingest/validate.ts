// Phase 2 of ingest: every validation rule, as set-based SQL over the stage table. A rule adds
// rows to `rej` (file_id, line, field, code, value, detail); the text a person reads comes later
// from data/messages.ts. Rules run in three passes, because later passes look at neighbours:
//   1. row rules     - each row alone: contract, trading day, session, prices, band around settle;
//   2. collapse      - rows identical in every field to an earlier row are dropped (not rejected);
//   3. sequence rules - over the surviving rows of each contract in file order: stamps that step
//      back in time (other than an adjacent swap), then keys that still appear twice with
//      different values (all such rows rejected, each naming the others).

import type { BarKind } from '../layouts.js';
import type { Store } from '../store.js';

/** Rows of a contract, ordered, carry a sort key `k`: the trade date (daily) or the bar stamp (minute). */
export function keyExpr(kind: BarKind): string {
  return kind === 'daily' ? 'CAST(s.trade_date AS TIMESTAMP)' : 's.ts';
}

const VALUE_COLS = ['open', 'high', 'low', 'close', 'settle', 'pre_settle', 'volume', 'amount', 'open_interest'];

/**
 * The most common positive step (minutes) between consecutive stamps of one contract within a day,
 * or null when the file has no two bars in a day.
 */
export async function detectInterval(store: Store, fileId: number): Promise<number | null> {
  const row = await store.one<{ step: number | null }>(`
    WITH d AS (
      SELECT date_diff('minute', lag(ts) OVER (PARTITION BY coalesce(contract, ''), CAST(ts AS DATE) ORDER BY ts), ts) AS step
      FROM stage WHERE file_id = ${fileId} AND ts IS NOT NULL)
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
    FROM (SELECT hour(ts) * 60 + minute(ts) AS m FROM stage WHERE file_id = ${fileId} AND ts IS NOT NULL)`);
  return r && r.opens > 0 && r.closes === 0 ? 'start' : 'end';
}

/** Shifts a start-stamped file's bars to their end stamp and sets every minute row's trade date. */
export async function finishStamps(store: Store, fileId: number, stamp: 'start' | 'end', intervalMin: number): Promise<void> {
  if (stamp === 'start') {
    await store.run(`UPDATE stage SET ts = ts + to_minutes(${intervalMin}) WHERE file_id = ${fileId} AND ts IS NOT NULL`);
  }
  await store.run(`UPDATE stage SET trade_date = CAST(ts AS DATE) WHERE file_id = ${fileId} AND ts IS NOT NULL`);
}

/**
 * Row rules. Needs temp tables `ci` (contract facts), `cal` (day facts) and, for minute bars,
 * `file_interval` (file_id, interval_min). `product` is --product when given.
 */
export async function rowRules(store: Store, kind: BarKind, product: string | null): Promise<void> {
  const minute = kind === 'minute';
  await store.run(`
    CREATE OR REPLACE TEMP TABLE v AS
    SELECT s.*, ${keyExpr(kind)} AS k,
           ci.valid, ci.listing_date, ci.last_trading_day, ci.launch,
           sp.tick, sp.limit_pct, sp.am_open, sp.am_close, sp.pm_open, sp.pm_close,
           cal.trading, cal.why AS day_why, cal.prev_d,
           ${minute ? 'fi.interval_min' : 'NULL::SMALLINT AS interval_min'}
    FROM stage s
    LEFT JOIN ci ON ci.contract = s.contract
    LEFT JOIN instrument_specs sp ON sp.product = s.product
         AND s.trade_date BETWEEN sp.valid_from AND coalesce(sp.valid_to, DATE '9999-12-31')
    LEFT JOIN cal ON cal.d = s.trade_date
    ${minute ? 'LEFT JOIN file_interval fi ON fi.file_id = s.file_id' : ''}`);

  const when = `s.trade_date IS NOT NULL AND s.contract IS NOT NULL AND s.valid`;
  const dayText = minute ? `strftime(s.ts, '%Y-%m-%d %H:%M')` : `strftime(s.trade_date, '%Y-%m-%d')`;
  const dayField = minute ? 'datetime' : 'date';
  const rules: string[] = [
    `SELECT file_id, line, 'symbol', 'bad_symbol', symbol, NULL FROM v s WHERE s.symbol IS NOT NULL AND NOT coalesce(s.valid, false)`,
    `SELECT file_id, line, '${dayField}', 'not_trading_day', ${dayText}, s.day_why FROM v s WHERE s.trade_date IS NOT NULL AND NOT s.trading`,
    `SELECT file_id, line, '${dayField}', 'before_launch', ${dayText}, s.product || ' listed ' || strftime(s.launch, '%Y-%m-%d')
       FROM v s WHERE ${when} AND s.trading AND s.trade_date < s.launch`,
    `SELECT file_id, line, '${dayField}', 'not_listed', ${dayText},
            CASE WHEN s.listing_date IS NULL THEN s.contract || ' was never listed'
                 ELSE s.contract || ' listed ' || strftime(s.listing_date, '%Y-%m-%d') || ', last trading day ' || strftime(s.last_trading_day, '%Y-%m-%d') END
       FROM v s WHERE ${when} AND s.trading AND s.trade_date >= s.launch
        AND (s.listing_date IS NULL OR s.trade_date < s.listing_date OR s.trade_date > s.last_trading_day)`,
  ];
  if (product !== null) {
    rules.push(`SELECT file_id, line, 'symbol', 'product_mismatch', s.contract, '${product}' FROM v s WHERE s.valid AND s.product <> '${product}'`);
  }
  if (minute) {
    const grid = (open: string, close: string): string =>
      `(m > s.${open} AND m <= s.${close} AND (m - s.${open}) % s.interval_min = 0)`;
    rules.push(`
      SELECT file_id, line, 'datetime', 'outside_session', strftime(s.ts, '%Y-%m-%d %H:%M'),
             CASE WHEN s.trade_date = s.last_trading_day THEN 'last trading day of ' || s.contract || ': morning only, ' ELSE '' END
             || s.interval_min || '-minute bars end on the grid of ' || printf('%02d:%02d', s.am_open // 60, s.am_open % 60) || '-11:30'
             || CASE WHEN s.trade_date = s.last_trading_day THEN '' ELSE ', 13:00-15:15' END
      FROM (SELECT *, hour(ts) * 60 + minute(ts) AS m FROM v) s
      WHERE ${when} AND s.trading AND s.tick IS NOT NULL
        AND (second(s.ts) <> 0 OR NOT (${grid('am_open', 'am_close')}
             OR (s.trade_date <> s.last_trading_day AND ${grid('pm_open', 'pm_close')})))`);
  }
  const prices = minute ? ['open', 'high', 'low', 'close'] : ['open', 'high', 'low', 'close', 'settle', 'pre_settle'];
  for (const p of prices) {
    rules.push(`SELECT file_id, line, '${p}', 'non_positive', CAST(s.${p} AS VARCHAR), NULL FROM v s WHERE s.${p} <= 0`);
  }
  for (const q of ['volume', 'open_interest', 'amount']) {
    rules.push(`SELECT file_id, line, '${q}', 'negative', CAST(s.${q} AS VARCHAR), NULL FROM v s WHERE s.${q} < 0`);
  }
  // A bar with trades needs its whole OHLC; a no-trade day may carry only close / settle.
  if (!minute) {
    rules.push(`
      SELECT file_id, line, 'open/high/low', 'missing', NULL, 'volume is ' || CAST(CAST(s.volume AS BIGINT) AS VARCHAR)
      FROM v s WHERE (s.open IS NULL OR s.high IS NULL OR s.low IS NULL) AND s.volume > 0`);
  }
  const order = (a: string, rel: '>' | '<', b: string, words: string): string =>
    `SELECT file_id, line, '${a}', 'ohlc_order', CAST(s.${a} AS VARCHAR), '${words} ' || CAST(s.${b} AS VARCHAR)
     FROM v s WHERE s.${a} > 0 AND s.${b} > 0 AND s.${a} ${rel} s.${b}`;
  rules.push(
    order('low', '>', 'high', 'above high'),
    order('low', '>', 'open', 'above open'),
    order('low', '>', 'close', 'above close'),
    order('high', '<', 'open', 'below open'),
    order('high', '<', 'close', 'below close'),
  );
  for (const p of ['open', 'high', 'low', 'close']) {
    rules.push(`
      SELECT file_id, line, '${p}', 'off_tick', CAST(s.${p} AS VARCHAR),
             CAST(s.tick AS VARCHAR) || ' in force on ' || strftime(s.trade_date, '%Y-%m-%d')
      FROM v s WHERE s.${p} > 0 AND s.tick IS NOT NULL AND abs(s.${p} / s.tick - round(s.${p} / s.tick)) > 1e-6`);
  }
  await store.run(`INSERT INTO rej ${rules.join('\nUNION ALL\n')}`);
  await limitRule(store, kind);
  // Nothing is dropped silently: a row still without a contract gets a reject of its own.
  await store.run(`
    INSERT INTO rej
    SELECT file_id, line, 'symbol', 'unresolved_contract', ${dayText}, 'no contract column and no splice resolution for the day'
    FROM stage s WHERE s.contract IS NULL AND NOT EXISTS (SELECT 1 FROM rej r WHERE r.file_id = s.file_id AND r.line = s.line)`);
}

/**
 * Daily limit band: |price - previous settle| <= limit x previous settle (+ one tick for the
 * exchange's rounding of limit prices), the limit doubled on every day up to and including a
 * contract's first day with volume. The previous settle is the file's pre_settle (daily), else the
 * day's daily bar pre_settle (minute), else the contract's settle on the previous trading day
 * (this ingest or the store). Checked only where one of these is known.
 */
async function limitRule(store: Store, kind: BarKind): Promise<void> {
  await store.run(`
    CREATE OR REPLACE TEMP TABLE hist AS
    SELECT contract, trade_date, settle, volume, pre_settle FROM bars_daily WHERE contract IN (SELECT DISTINCT contract FROM stage)
    ${kind === 'daily' ? `UNION ALL SELECT contract, trade_date, settle, volume, pre_settle FROM stage WHERE contract IS NOT NULL AND trade_date IS NOT NULL` : ''}`);
  await store.run(`
    CREATE OR REPLACE TEMP TABLE first_trade AS
    SELECT contract, min(trade_date) FILTER (WHERE volume > 0) AS d FROM hist GROUP BY contract`);
  const sameDay =
    kind === 'minute'
      ? `LEFT JOIN (SELECT contract, trade_date, any_value(pre_settle) AS pre_settle FROM hist GROUP BY ALL) td
           ON td.contract = s.contract AND td.trade_date = s.trade_date`
      : '';
  const preSettle = kind === 'minute' ? 'coalesce(td.pre_settle, h.settle)' : 'coalesce(s.pre_settle, h.settle)';
  await store.run(`
    CREATE OR REPLACE TEMP TABLE band AS
    SELECT s.file_id, s.line, s.trade_date, s.tick, s.open, s.high, s.low, s.close, s.volume,
           ${preSettle} AS ps,
           s.limit_pct * CASE WHEN ft.d IS NULL OR s.trade_date <= ft.d THEN 2 ELSE 1 END AS lim
    FROM v s
    LEFT JOIN (SELECT contract, trade_date, any_value(settle) AS settle FROM hist GROUP BY ALL) h
      ON h.contract = s.contract AND h.trade_date = s.prev_d
    LEFT JOIN first_trade ft ON ft.contract = s.contract
    ${sameDay}
    WHERE s.limit_pct IS NOT NULL AND s.valid`);
  const rules = ['open', 'high', 'low', 'close'].map(
    (p) => `
      SELECT file_id, line, '${p}', 'outside_limit', CAST(${p} AS VARCHAR),
             printf('%.4f..%.4f (previous settle %s, limit %g%%)', ps * (1 - lim), ps * (1 + lim), CAST(ps AS VARCHAR), lim * 100)
      FROM band WHERE ps > 0 AND ${p} > 0 AND coalesce(volume, 1) > 0 AND abs(${p} - ps) > ps * lim + tick + 1e-9`,
  );
  await store.run(`INSERT INTO rej ${rules.join(' UNION ALL ')}`);
}

/** Passes 2 and 3. Returns how many rows collapsed into an identical earlier row. */
export async function sequenceRules(store: Store, kind: BarKind): Promise<number> {
  const same = VALUE_COLS.map((c) => `s.${c}`).join(', ');
  await store.run(`
    CREATE OR REPLACE TEMP TABLE alive AS
    SELECT s.file_id, s.line, s.contract, ${keyExpr(kind)} AS k,
           row_number() OVER (PARTITION BY s.contract, ${keyExpr(kind)}, ${same} ORDER BY s.file_id, s.line) AS copy
    FROM stage s
    WHERE s.contract IS NOT NULL AND ${keyExpr(kind)} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM rej r WHERE r.file_id = s.file_id AND r.line = s.line)`);
  await store.run(`CREATE OR REPLACE TEMP TABLE collapsed AS SELECT file_id, line FROM alive WHERE copy > 1`);
  const collapsed = await store.scalar<number>('SELECT count(*) FROM collapsed');

  // A file written newest-first steps back at every row; judge order against the file's direction.
  const fmt = kind === 'daily' ? `'%Y-%m-%d'` : `'%Y-%m-%d %H:%M'`;
  await store.run(`
    CREATE OR REPLACE TEMP TABLE seq AS
    WITH a AS (SELECT * FROM alive WHERE copy = 1),
    dir AS (
      SELECT file_id, CASE WHEN count(*) FILTER (WHERE k < p) > count(*) FILTER (WHERE k > p) THEN -1 ELSE 1 END AS dir
      FROM (SELECT file_id, k, lag(k) OVER (PARTITION BY file_id, contract ORDER BY line) AS p FROM a) GROUP BY file_id),
    o AS (
      SELECT a.*, d.dir,
             lag(k, 1) OVER w AS k1, lag(line, 1) OVER w AS l1, lag(k, 2) OVER w AS k2
      FROM a JOIN dir d USING (file_id)
      WINDOW w AS (PARTITION BY a.file_id, a.contract ORDER BY a.line * d.dir))
    SELECT * FROM o`);
  await store.run(`
    INSERT INTO rej
    SELECT file_id, line, '${kind === 'daily' ? 'date' : 'datetime'}', 'out_of_order', strftime(k, ${fmt}),
           'after line ' || l1 || ' stamped ' || strftime(k1, ${fmt}) || ' (not an adjacent swap)'
    FROM seq
    WHERE (dir = 1 AND k < k1 AND (k2 IS NULL OR k <= k2)) OR (dir = -1 AND k > k1 AND (k2 IS NULL OR k >= k2))`);
  await store.run(`
    INSERT INTO rej
    WITH a AS (
      SELECT s.file_id, s.line, s.contract, s.k, f.path
      FROM seq s JOIN files f USING (file_id)
      WHERE NOT EXISTS (SELECT 1 FROM rej r WHERE r.file_id = s.file_id AND r.line = s.line AND r.code = 'out_of_order')),
    g AS (
      SELECT *, count(*) OVER (PARTITION BY contract, k) AS n,
             list(CASE WHEN nfiles > 1 THEN path || ':' ELSE '' END || 'line ' || line) OVER (PARTITION BY contract, k ORDER BY file_id, line) AS upto,
             list(CASE WHEN nfiles > 1 THEN path || ':' ELSE '' END || 'line ' || line) OVER (PARTITION BY contract, k) AS all_lines
      FROM (SELECT *, (SELECT count(*) FROM files) AS nfiles FROM a))
    SELECT file_id, line, '${kind === 'daily' ? 'date' : 'datetime'}', 'duplicate_conflict', contract || ' ' || strftime(k, ${fmt}),
           array_to_string(list_filter(all_lines, x -> x <> upto[-1]), ', ')
    FROM g WHERE n > 1`);
  return collapsed;
}

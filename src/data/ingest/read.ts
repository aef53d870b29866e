// Phase 1 of ingest: read each file with DuckDB's own CSV / Parquet reader into a typed stage
// table, recording fields that do not parse. No row passes through JavaScript.

import { access, constants } from 'node:fs/promises';
import { basename } from 'node:path';
import { DataError, firstLine } from '../errors.js';
import { detectLayout, type BarKind, type Field, type Layout } from '../layouts.js';
import { sqlIdent, sqlString, type Store } from '../store.js';

export type FileFormat = 'csv' | 'parquet';

export interface ReadFile {
  readonly fileId: number;
  readonly path: string;
  readonly format: FileFormat;
  readonly layout: Layout;
  readonly rows: number;
}

export function formatOf(path: string): FileFormat {
  return /\.(parquet|pq)$/i.test(path) ? 'parquet' : 'csv';
}

/** Columns of the stage table, shared by daily and minute bars (minute rows fill ts). */
export const STAGE_DDL = `
  CREATE TEMP TABLE stage (
    file_id INTEGER, line BIGINT, symbol VARCHAR, contract VARCHAR, product VARCHAR,
    trade_date DATE, ts TIMESTAMP,
    open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, settle DOUBLE, pre_settle DOUBLE,
    volume DOUBLE, amount DOUBLE, open_interest DOUBLE,
    bad BOOLEAN)`;

export const REJECT_DDL = `
  CREATE TEMP TABLE rej (file_id INTEGER, line BIGINT, field VARCHAR, code VARCHAR, value VARCHAR, detail VARCHAR)`;

const NUMERIC_TYPES = /^(DOUBLE|FLOAT|REAL|DECIMAL.*|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/i;

interface Col {
  name: string;
  type: string;
}

/** Text of a source column, NULL when empty. */
function rawExpr(c: Col): string {
  return `NULLIF(trim(CAST(${sqlIdent(c.name)} AS VARCHAR)), '')`;
}

// DuckDB's cast skips surrounding blanks and reads '' as NULL, so no trim is needed on the hot path.
function numExpr(c: Col): string {
  return NUMERIC_TYPES.test(c.type) ? `CAST(${sqlIdent(c.name)} AS DOUBLE)` : `TRY_CAST(${sqlIdent(c.name)} AS DOUBLE)`;
}

// ISO and slashed forms go through DuckDB's fast cast; compact YYYYMMDD forms through strptime.
function dateExpr(c: Col): string {
  if (/^DATE$/i.test(c.type)) return sqlIdent(c.name);
  if (/^TIMESTAMP/i.test(c.type)) return `CAST(${sqlIdent(c.name)} AS DATE)`;
  const t = `regexp_replace(${rawExpr(c)}, '\\.0+$', '')`;
  return `COALESCE(TRY_CAST(${t} AS DATE), CAST(TRY_STRPTIME(${t}, '%Y%m%d') AS DATE))`;
}

function stampText(date: Col | undefined, time: Col): string {
  return date ? `${rawExpr(date)} || ' ' || ${rawExpr(time)}` : rawExpr(time);
}

function stampExpr(date: Col | undefined, time: Col): string {
  if (!date && /^TIMESTAMP WITH TIME ZONE$/i.test(time.type)) return `timezone('Asia/Shanghai', ${sqlIdent(time.name)})`;
  if (!date && /^TIMESTAMP/i.test(time.type)) return `CAST(${sqlIdent(time.name)} AS TIMESTAMP)`;
  // The cast skips blanks itself; strptime (compact forms) only sees the rows the cast left NULL.
  const t = date ? stampText(date, time) : sqlIdent(time.name);
  return `COALESCE(TRY_CAST(${t} AS TIMESTAMP), TRY_STRPTIME(trim(${t}), ['%Y%m%d %H:%M:%S', '%Y%m%d %H:%M']))`;
}

/** Normalised contract code: upper case, exchange suffix dropped ('t2503.CFX' -> 'T2503'). */
export function contractExpr(symbolSql: string): string {
  return `CASE WHEN contains(${symbolSql}, '.') THEN regexp_replace(upper(${symbolSql}), '\\.(CFX|CCFX|CFE|CFFEX)$', '') ELSE upper(${symbolSql}) END`;
}

/** Product prefix of a contract code; whether the code is well formed is decided later (ci.valid). */
function productExpr(contractSql: string): string {
  return `CASE WHEN left(${contractSql}, 2) IN ('TS', 'TF', 'TL') THEN left(${contractSql}, 2) WHEN left(${contractSql}, 1) = 'T' THEN 'T' END`;
}

export interface ReadOptions {
  readonly kind: BarKind;
  readonly map: Readonly<Record<string, Field>>;
  readonly product: string | null;
}

interface Check {
  readonly field: Field | 'datetime';
  readonly code: 'parse' | 'missing';
  /** SQL over the raw table: true when the row fails the check */
  readonly fails: string;
  readonly value: string;
  readonly detail: string;
  /** SQL over the raw table: the source text the check looks at */
  readonly text: string;
  /** SQL over the typed row and its text (t<i>): the same test without parsing again */
  readonly flagged: string;
}

/**
 * Loads one file into `stage` (and its unparseable or missing fields into `rej`). Throws
 * DataError naming the file when it cannot be read at all.
 */
export async function readFileIntoStage(store: Store, fileId: number, path: string, opt: ReadOptions): Promise<ReadFile> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new DataError('file_unreadable', `${path}: no such file or not readable`, { file: path });
  }
  const format = formatOf(path);
  const raw = `raw_${fileId}`;
  try {
    // Row order matters here (it gives line numbers) and nowhere after, where dropping it lets
    // DuckDB insert in parallel.
    await store.run('SET preserve_insertion_order = true');
    await store.run(
      format === 'csv'
        ? `CREATE TEMP TABLE ${raw} AS SELECT * FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)`
        : `CREATE TEMP TABLE ${raw} AS SELECT * FROM read_parquet(${sqlString(path)})`,
    );
  } catch (e) {
    throw new DataError('file_unreadable', `${path}: ${firstLine(e)}`, { file: path });
  }
  // A new table keeps the reader's row order (CSV and Parquet readers preserve it) in
  // contiguous row ids, so a row's line is its position + 1 under the one-line header (CSV), or
  // its 1-based row number (Parquet). A blank line inside a CSV is skipped by the reader and
  // shifts the lines reported after it.
  await store.run('SET preserve_insertion_order = false');
  const minRowid = Number((await store.scalar<bigint | number | null>(`SELECT min(rowid) FROM ${raw}`)) ?? 0);
  const line = `(rowid - ${minRowid} + ${format === 'csv' ? 2 : 1})`;
  const cols = (await store.all<{ column_name: string; column_type: string }>(`DESCRIBE ${raw}`)).map((c) => ({ name: c.column_name, type: c.column_type }));
  const layout = detectLayout(basename(path), cols.map((c) => c.name), opt.kind, opt.map, opt.product !== null);
  const col = (f: Field): Col | undefined => {
    const name = layout.columns[f];
    return name === undefined ? undefined : cols.find((c) => c.name === name);
  };

  const dateCol = col('date');
  const timeCol = opt.kind === 'minute' ? (col('datetime') ?? col('time')) : undefined;
  const stampDate = col('datetime') ? undefined : dateCol;
  const tsSql = opt.kind === 'minute' ? stampExpr(stampDate, timeCol!) : 'NULL';
  const dateSql = opt.kind === 'daily' ? dateExpr(dateCol!) : `CAST(${tsSql} AS DATE)`;

  // Parse failures (text that does not read as its type) and empty required fields.
  const checks: Check[] = [];
  const add = (c: Omit<Check, 'flagged'>, typed: string | null): void => {
    const i = checks.length;
    // Cheap on purpose (no trim): the flag only picks rows for the second look below, which
    // applies the exact test; a blank-but-not-empty field is flagged and then cleared there.
    checks.push({ ...c, flagged: typed === null ? `t${i} IS NULL` : `${typed} IS NULL AND t${i} IS NOT NULL` });
  };
  for (const f of ['open', 'high', 'low', 'close', 'settle', 'pre_settle', 'volume', 'amount', 'open_interest'] as const) {
    const c = col(f);
    if (c && !NUMERIC_TYPES.test(c.type)) add({ field: f, code: 'parse', fails: `${rawExpr(c)} IS NOT NULL AND ${numExpr(c)} IS NULL`, value: rawExpr(c), detail: 'a number', text: sqlIdent(c.name) }, f);
  }
  if (opt.kind === 'daily') {
    const t = rawExpr(dateCol!);
    add({ field: 'date', code: 'parse', fails: `${t} IS NOT NULL AND ${dateSql} IS NULL`, value: t, detail: 'a date (YYYYMMDD or YYYY-MM-DD)', text: sqlIdent(dateCol!.name) }, 'parsed_date');
  } else {
    const t = stampText(stampDate, timeCol!);
    add({ field: 'datetime', code: 'parse', fails: `${t} IS NOT NULL AND ${tsSql} IS NULL`, value: t, detail: 'a time stamp (YYYY-MM-DD HH:MM[:SS])', text: stampDate ? t : sqlIdent(timeCol!.name) }, 'ts');
  }
  const required: Field[] = opt.kind === 'daily' ? ['date', 'close'] : ['datetime', 'open', 'high', 'low', 'close'];
  if (opt.product === null) required.push('symbol');
  for (const f of required) {
    const c = f === 'datetime' ? timeCol : col(f);
    if (c) add({ field: f, code: 'missing', fails: `${rawExpr(c)} IS NULL`, value: 'NULL', detail: 'NULL', text: sqlIdent(c.name) }, null);
  }

  const sym = col('symbol');
  const num = (f: Field): string => {
    const c = col(f);
    return c ? numExpr(c) : 'NULL';
  };
  // Three levels so each expression is computed once per row: parse, then derive, then flag.
  const parsed = ['open', 'high', 'low', 'close', 'settle', 'pre_settle', 'volume', 'amount', 'open_interest'] as const;
  const flag = checks.length > 0 ? checks.map((c) => `(${c.flagged})`).join(' OR ') : 'false';
  const given = opt.product === null ? 'NULL' : sqlString(opt.product);
  await store.run(`
    INSERT INTO stage
    SELECT file_id, line, symbol, contract, ${sym ? productExpr('contract') : given} AS product,
           ${opt.kind === 'daily' ? 'parsed_date' : 'CAST(ts AS DATE)'} AS trade_date, ts,
           ${parsed.join(', ')}, ${flag}
    FROM (
      SELECT *, ${sym ? contractExpr('symbol') : 'NULL'} AS contract
      FROM (
        SELECT ${fileId} AS file_id, ${line} AS line, ${sym ? rawExpr(sym) : 'NULL'} AS symbol,
               ${opt.kind === 'daily' ? `${dateSql} AS parsed_date, NULL::TIMESTAMP AS ts` : `${tsSql} AS ts`},
               ${parsed.map((f) => `${num(f)} AS ${f}`).join(', ')},
               ${checks.map((c, i) => `${c.text} AS t${i}`).join(', ') || 'NULL AS t0'}
        FROM ${raw}))`);
  if (checks.length > 0) {
    // Only rows flagged above are looked at again, to say which field failed and why.
    const list = checks.map((c) => `CASE WHEN ${c.fails} THEN {field: '${c.field}', code: '${c.code}', value: ${c.value}, detail: ${c.detail === 'NULL' ? 'NULL' : `'${c.detail}'`}} END`).join(',\n');
    await store.run(`
      INSERT INTO rej
      SELECT ${fileId}, line, r.field, r.code, r.value, r.detail
      FROM (SELECT line, unnest(list_filter([${list}], x -> x IS NOT NULL)) AS r
            FROM (SELECT ${line} AS line, * FROM ${raw}) WHERE line IN (SELECT line FROM stage WHERE file_id = ${fileId} AND bad))`);
  }
  const rows = Number(await store.scalar<number>(`SELECT count(*) FROM ${raw}`));
  await store.run(`DROP TABLE ${raw}`);
  return { fileId, path, format, layout, rows };
}

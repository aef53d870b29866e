// Phase 1 of ingest: read each file with DuckDB's own CSV / Parquet reader into a typed stage
// table, recording fields that do not parse. No row passes through JavaScript.

import { access, constants, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { BftError, firstLine } from '../../errors.js';
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

/**
 * The stage: typed rows of every file of an ingest (minute rows fill ts). Rows of one file are
 * inserted straight from the reader, in file order, so they hold contiguous row ids; the view
 * `stage` adds each row's line from that (`files` keeps each file's first row id). Rows with a
 * field that did not parse keep their source texts for the message; once read, `bad` is true
 * exactly for the rows with a read reject (parse or missing).
 */
export const STAGE_DDL = [
  `CREATE TEMP TABLE files (file_id INTEGER, path VARCHAR, amount_scale DOUBLE, first_rowid BIGINT, first_line INTEGER)`,
  `CREATE TEMP TABLE stage_t (
    file_id INTEGER, symbol VARCHAR, contract VARCHAR, product VARCHAR,
    trade_date DATE, ts TIMESTAMP,
    open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, settle DOUBLE, pre_settle DOUBLE,
    volume DOUBLE, amount DOUBLE, open_interest DOUBLE,
    bad BOOLEAN, texts VARCHAR[])`,
  `CREATE TEMP VIEW stage AS
    SELECT s.*, s.rowid - f.first_rowid + f.first_line AS line FROM stage_t s JOIN files f USING (file_id)`,
];

export const REJECT_DDL = `
  CREATE TEMP TABLE rej (file_id INTEGER, line BIGINT, field VARCHAR, code VARCHAR, value VARCHAR, detail VARCHAR)`;

const NUMERIC_TYPES = /^(DOUBLE|FLOAT|REAL|DECIMAL.*|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/i;

interface Col {
  name: string;
  type: string;
}

/** Text of a source column, NULL when empty. */
function rawExpr(c: Col): string {
  return textOf(sqlIdent(c.name));
}

function textOf(sql: string): string {
  return `NULLIF(trim(CAST(${sql} AS VARCHAR)), '')`;
}

// DuckDB's cast skips surrounding blanks and reads '' as NULL, so no trim is needed on the hot path.
function numExpr(c: Col): string {
  return NUMERIC_TYPES.test(c.type) ? `CAST(${sqlIdent(c.name)} AS DOUBLE)` : `TRY_CAST(${sqlIdent(c.name)} AS DOUBLE)`;
}

// ISO and slashed forms go through DuckDB's fast cast; compact YYYYMMDD forms through strptime.
function dateExpr(c: Col): string {
  if (/^DATE$/i.test(c.type)) return sqlIdent(c.name);
  if (/^TIMESTAMP/i.test(c.type)) return `CAST(${sqlIdent(c.name)} AS DATE)`;
  return dateOfText(rawExpr(c));
}

/** A date from text: ISO and slashed forms by cast, YYYYMMDD (also '20250103.0') by strptime. */
function dateOfText(t: string): string {
  const x = `regexp_replace(${t}, '\\.0+$', '')`;
  return `COALESCE(TRY_CAST(${x} AS DATE), CAST(TRY_STRPTIME(${x}, '%Y%m%d') AS DATE))`;
}

/** A time stamp from text: ISO and slashed forms by cast, compact forms by strptime. */
function stampOfText(t: string): string {
  return `COALESCE(TRY_CAST(${t} AS TIMESTAMP), TRY_STRPTIME(trim(${t}), ['%Y%m%d %H:%M:%S', '%Y%m%d %H:%M']))`;
}

function stampText(date: Col | undefined, time: Col): string {
  return date ? `${rawExpr(date)} || ' ' || ${rawExpr(time)}` : rawExpr(time);
}

function stampExpr(date: Col | undefined, time: Col): string {
  if (!date && /^TIMESTAMP WITH TIME ZONE$/i.test(time.type)) return `timezone('Asia/Shanghai', ${sqlIdent(time.name)})`;
  if (!date && /^TIMESTAMP/i.test(time.type)) return `CAST(${sqlIdent(time.name)} AS TIMESTAMP)`;
  // The cast skips blanks itself; strptime (compact forms) only sees the rows the cast left NULL.
  return stampOfText(date ? stampText(date, time) : sqlIdent(time.name));
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
  /** SQL over the source row: the text the check looks at */
  readonly text: string;
  /** SQL over that text (written $TEXT): true when the row fails the check */
  readonly fails: string;
  /** SQL over that text (written $TEXT): the reject's detail */
  readonly detail: string;
  /** SQL over the typed row and its text (t<i>): a cheap superset of the failures */
  readonly flagged: string;
}

/**
 * Loads one file into the stage (and its unparseable or missing fields into `rej`). Throws
 * BftError naming the file when it cannot be read at all.
 */
export async function readFileIntoStage(store: Store, fileId: number, path: string, opt: ReadOptions): Promise<ReadFile> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new BftError('file_unreadable', `${path}: no such file or not readable`, { file: path });
  }
  // DuckDB reads an empty file as one column named column0, which would surface as a layout error.
  if ((await stat(path)).size === 0) throw new BftError('no_data', `${path}: the file is empty (no header, no rows)`, { file: path });
  const format = formatOf(path);
  const source =
    format === 'csv' ? `read_csv(${sqlString(path)}, header = true, all_varchar = true)` : `read_parquet(${sqlString(path)})`;
  let cols: Col[];
  try {
    cols = (await store.all<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${source}`)).map((c) => ({ name: c.column_name, type: c.column_type }));
  } catch (e) {
    throw await readError(path, format, e);
  }
  const layout = detectLayout(basename(path), cols.map((c) => c.name), opt.kind, opt.map, opt.product !== null);
  // Minute CSVs are large: first let the reader type the columns itself (faster than text plus
  // casts). A field that does not parse stops that read; the file is then read as text, where
  // every such field becomes a reject with its line. Nothing is written by the failed read.
  const typed = format === 'csv' && opt.kind === 'minute' ? typedCsvColumns(cols, layout) : null;
  if (typed) {
    const typedSource = `read_csv(${sqlString(path)}, header = true, types = {${typed.map((c) => `${sqlString(c.name)}: '${c.type}'`).join(', ')}})`;
    try {
      return await stageFile(store, fileId, path, format, layout, typed, typedSource, opt);
    } catch {
      for (const t of ['stage_t', 'files', 'rej']) await store.run(`DELETE FROM ${t} WHERE file_id = ${fileId}`);
    }
  }
  return stageFile(store, fileId, path, format, layout, cols, source, opt);
}

/** Column types for a typed read: mapped numbers DOUBLE, a single stamp column TIMESTAMP, the rest text; null when the stamp is split. */
function typedCsvColumns(cols: readonly Col[], layout: Layout): Col[] | null {
  const stamp = layout.columns.datetime;
  if (stamp === undefined) return null;
  const numeric = new Set(NUMERIC_FIELDS.map((f) => layout.columns[f]).filter((n): n is string => n !== undefined));
  return cols.map((c) => ({ name: c.name, type: c.name === stamp ? 'TIMESTAMP' : numeric.has(c.name) ? 'DOUBLE' : 'VARCHAR' }));
}

const NUMERIC_FIELDS = ['open', 'high', 'low', 'close', 'settle', 'pre_settle', 'volume', 'amount', 'open_interest'] as const;

async function stageFile(store: Store, fileId: number, path: string, format: FileFormat, layout: Layout, cols: readonly Col[], source: string, opt: ReadOptions): Promise<ReadFile> {
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
  const add = (c: Omit<Check, 'flagged'>, typed: string | null, also?: string): void => {
    const i = checks.length;
    // Cheap on purpose (no trim): the flag only picks rows for the second look below, which
    // applies the exact test; a blank-but-not-empty field is flagged and then cleared there.
    const flagged = typed === null ? (also ?? `t${i} IS NULL`) : `(${typed} IS NULL AND t${i} IS NOT NULL)${also ? ` OR ${also}` : ''}`;
    checks.push({ ...c, flagged });
  };
  // Text like 'nan' or 'inf' casts to a double that is not a number: it is a parse failure too,
  // also in typed DOUBLE columns (Parquet, typed minute reads), and is staged as NULL below so no
  // price rule sees it.
  const notFinite = `CASE WHEN TRY_CAST($TEXT AS DOUBLE) IS NULL THEN 'a number' ELSE 'a finite number' END`;
  const finiteFields: (typeof NUMERIC_FIELDS)[number][] = [];
  for (const f of NUMERIC_FIELDS) {
    const c = col(f);
    if (!c) continue;
    const fails = `$TEXT IS NOT NULL AND NOT coalesce(isfinite(TRY_CAST($TEXT AS DOUBLE)), false)`;
    if (!NUMERIC_TYPES.test(c.type)) {
      add({ field: f, code: 'parse', text: sqlIdent(c.name), fails, detail: notFinite }, f, `NOT coalesce(isfinite(${f}), true)`);
      finiteFields.push(f);
    } else if (/^(DOUBLE|FLOAT|REAL)$/i.test(c.type)) {
      add({ field: f, code: 'parse', text: sqlIdent(c.name), fails, detail: notFinite }, null, `NOT coalesce(isfinite(${f}), true)`);
      finiteFields.push(f);
    }
  }
  if (opt.kind === 'daily' && !/^(DATE|TIMESTAMP.*)$/i.test(dateCol!.type)) {
    add({ field: 'date', code: 'parse', text: sqlIdent(dateCol!.name), fails: `$TEXT IS NOT NULL AND ${dateOfText('$TEXT')} IS NULL`, detail: sqlString('a date (YYYYMMDD or YYYY-MM-DD)') }, 'parsed_date');
  } else if (opt.kind === 'minute' && (stampDate || !/^TIMESTAMP/i.test(timeCol!.type))) {
    add({ field: 'datetime', code: 'parse', text: stampDate ? stampText(stampDate, timeCol!) : sqlIdent(timeCol!.name), fails: `$TEXT IS NOT NULL AND ${stampOfText('$TEXT')} IS NULL`, detail: sqlString('a time stamp (YYYY-MM-DD HH:MM[:SS])') }, 'ts');
  }
  const required: Field[] = opt.kind === 'daily' ? ['date', 'close'] : ['datetime', 'open', 'high', 'low', 'close'];
  if (opt.product === null) required.push('symbol');
  for (const f of required) {
    const c = f === 'datetime' ? timeCol : col(f);
    if (c) add({ field: f, code: 'missing', text: sqlIdent(c.name), fails: '$TEXT IS NULL', detail: 'NULL' }, null);
  }

  const sym = col('symbol');
  const num = (f: Field): string => {
    const c = col(f);
    return c ? numExpr(c) : 'NULL';
  };
  // Three levels so each expression is computed once per row: parse, then derive, then flag.
  const parsed = NUMERIC_FIELDS;
  const flag = checks.length > 0 ? checks.map((c) => `(${c.flagged})`).join(' OR ') : 'false';
  const given = opt.product === null ? 'NULL' : sqlString(opt.product);
  const texts = checks.length > 0 ? `[${checks.map((_, i) => `CAST(t${i} AS VARCHAR)`).join(', ')}]` : 'NULL';
  try {
    // Row order gives line numbers: the reader must keep it (DuckDB's default, stated here).
    await store.run('SET preserve_insertion_order = true');
    await store.run(`
      INSERT INTO stage_t
      SELECT file_id, symbol, contract, ${sym ? productExpr('contract') : given} AS product,
             ${opt.kind === 'daily' ? 'parsed_date' : 'CAST(ts AS DATE)'} AS trade_date, ts,
             ${parsed.join(', ')}, bad, CASE WHEN bad THEN ${texts} END
      FROM (
        SELECT *, ${sym ? contractExpr('symbol') : 'NULL'} AS contract, ${flag} AS bad
        FROM (
          SELECT ${fileId} AS file_id, ${sym ? rawExpr(sym) : 'NULL'} AS symbol,
                 ${opt.kind === 'daily' ? `${dateSql} AS parsed_date, NULL::TIMESTAMP AS ts` : `${tsSql} AS ts`},
                 ${parsed.map((f) => `${num(f)} AS ${f}`).join(', ')},
                 ${checks.map((c, i) => `${c.text} AS t${i}`).join(', ') || 'NULL AS t0'}
          FROM ${source}))`);
  } catch (e) {
    throw await readError(path, format, e);
  }
  // A blank line inside a CSV is skipped by the reader and shifts the lines reported after it.
  // Row ids stay in SQL: inside a transaction they start at 2^55, past exact JS numbers.
  await store.run(`
    INSERT INTO files SELECT ${fileId}, ${sqlString(path)}, NULL, min(rowid), ${format === 'csv' ? 2 : 1} FROM stage_t WHERE file_id = ${fileId}`);
  const rows = Number(await store.scalar<number>(`SELECT count(*) FROM stage_t WHERE file_id = ${fileId}`));
  if (checks.length > 0) {
    // Only the flagged rows are looked at again, to say which field failed and why.
    const list = checks
      .map((c, i) => {
        const t = textOf(`texts[${i + 1}]`);
        return `CASE WHEN ${c.fails.replaceAll('$TEXT', t)} THEN {field: '${c.field}', code: '${c.code}', value: ${c.code === 'missing' ? 'NULL' : t}, detail: ${c.detail.replaceAll('$TEXT', t)}} END`;
      })
      .join(',\n');
    await store.run(`
      INSERT INTO rej
      SELECT ${fileId}, line, r.field, r.code, r.value, r.detail
      FROM (SELECT line, unnest(list_filter([${list}], x -> x IS NOT NULL)) AS r FROM stage WHERE file_id = ${fileId} AND bad)`);
    if (finiteFields.length > 0) {
      await store.run(`
        UPDATE stage_t SET ${finiteFields.map((f) => `${f} = CASE WHEN isfinite(${f}) THEN ${f} END`).join(', ')}
        WHERE file_id = ${fileId} AND bad`);
    }
    // From here on `bad` means the row has a reject of its own, so later rules need not repeat it.
    await store.run(`
      UPDATE stage_t SET bad = false
      WHERE file_id = ${fileId} AND bad AND rowid NOT IN (
        SELECT f.first_rowid + r.line - f.first_line FROM rej r JOIN files f USING (file_id) WHERE r.file_id = ${fileId})`);
  }
  return { fileId, path, format, layout, rows };
}

/**
 * The error for a file DuckDB could not read. A CSV that is not UTF-8 (Chinese vendor exports are
 * often GBK / GB18030) gets a message of its own, found from the file's bytes rather than from the
 * reader's wording; anything else keeps the reader's first line.
 */
async function readError(path: string, format: FileFormat, e: unknown): Promise<BftError> {
  const bad = format === 'csv' ? await firstNonUtf8Line(path).catch(() => null) : null;
  if (bad === null) return new BftError('file_unreadable', `${path}: ${firstLine(e)}`, { file: path });
  const gb = bad.gb18030 ? ' and looks like GBK/GB18030' : '';
  const from = bad.gb18030 ? 'GB18030' : '<its encoding>';
  const out = path.replace(/(\.csv)?(\.gz)?$/i, '.utf8.csv');
  const sh = (p: string): string => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replaceAll("'", "'\\''")}'`);
  const cat = /\.gz$/i.test(path) ? `gzip -dc ${sh(path)} | iconv -f ${from} -t UTF-8` : `iconv -f ${from} -t UTF-8 ${sh(path)}`;
  return new BftError(
    'file_unreadable',
    `${path}: not UTF-8 text (line ${bad.line} is not valid UTF-8${gb}); convert it first, e.g. \`${cat} > ${sh(out)}\``,
    { file: path, line: bad.line },
  );
}

/** The first line (1-based) of a CSV (gzip or plain) that is not valid UTF-8, and whether it reads as GB18030; null when all of it is UTF-8. */
async function firstNonUtf8Line(path: string): Promise<{ line: number; gb18030: boolean } | null> {
  let buf = await readFile(path);
  if (/\.gz$/i.test(path)) buf = gunzipSync(buf);
  if (isUtf8(buf)) return null;
  for (let start = 0, line = 1; start < buf.length; line++) {
    const nl = buf.indexOf(10, start);
    const end = nl < 0 ? buf.length : nl;
    const text = buf.subarray(start, end);
    if (!isUtf8(text)) {
      let gb18030 = false;
      try {
        gb18030 = /[\u4e00-\u9fff]/.test(new TextDecoder('gb18030', { fatal: true }).decode(text));
      } catch {
        // not GB18030 either
      }
      return { line, gb18030 };
    }
    start = end + 1;
  }
  return null;
}

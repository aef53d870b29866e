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
    volume DOUBLE, amount DOUBLE, open_interest DOUBLE)`;

export const REJECT_DDL = `
  CREATE TEMP TABLE rej (file_id INTEGER, line BIGINT, field VARCHAR, code VARCHAR, value VARCHAR, detail VARCHAR)`;

const NUMERIC_TYPES = /^(DOUBLE|FLOAT|REAL|DECIMAL.*|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/i;
const DATE_FORMATS = `['%Y%m%d', '%Y-%m-%d', '%Y/%m/%d']`;
const STAMP_FORMATS = `['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y%m%d %H:%M:%S', '%Y%m%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M']`;

interface Col {
  name: string;
  type: string;
}

/** Text of a source column, NULL when empty. */
function rawExpr(c: Col): string {
  return `NULLIF(trim(CAST(${sqlIdent(c.name)} AS VARCHAR)), '')`;
}

function numExpr(c: Col): string {
  return NUMERIC_TYPES.test(c.type) ? `CAST(${sqlIdent(c.name)} AS DOUBLE)` : `TRY_CAST(${rawExpr(c)} AS DOUBLE)`;
}

function dateExpr(c: Col): string {
  if (/^DATE$/i.test(c.type)) return sqlIdent(c.name);
  if (/^TIMESTAMP/i.test(c.type)) return `CAST(${sqlIdent(c.name)} AS DATE)`;
  return `CAST(TRY_STRPTIME(regexp_replace(${rawExpr(c)}, '\\.0+$', ''), ${DATE_FORMATS}) AS DATE)`;
}

function stampText(date: Col | undefined, time: Col): string {
  return date ? `${rawExpr(date)} || ' ' || ${rawExpr(time)}` : rawExpr(time);
}

function stampExpr(date: Col | undefined, time: Col): string {
  if (!date && /^TIMESTAMP WITH TIME ZONE$/i.test(time.type)) return `timezone('Asia/Shanghai', ${sqlIdent(time.name)})`;
  if (!date && /^TIMESTAMP/i.test(time.type)) return `CAST(${sqlIdent(time.name)} AS TIMESTAMP)`;
  return `TRY_STRPTIME(${stampText(date, time)}, ${STAMP_FORMATS})`;
}

/** Normalised contract code: upper case, exchange suffix dropped ('t2503.CFX' -> 'T2503'). */
export function contractExpr(symbolSql: string): string {
  return `regexp_replace(upper(trim(${symbolSql})), '\\.(CFX|CCFX|CFE|CFFEX)$', '')`;
}

export interface ReadOptions {
  readonly kind: BarKind;
  readonly map: Readonly<Record<string, Field>>;
  readonly product: string | null;
}

/**
 * Loads one file into `stage` (and its parse failures into `rej`). Throws DataError naming the
 * file when it cannot be read at all.
 */
export async function readFileIntoStage(store: Store, fileId: number, path: string, opt: ReadOptions): Promise<ReadFile> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new DataError('file_unreadable', `${path}: no such file or not readable`, { file: path });
  }
  const format = formatOf(path);
  const raw = `raw_${fileId}`;
  // CSV rows keep file order (DuckDB preserves insertion order) and a new table's row ids are
  // contiguous, so the n-th row sits on line n + 1 under the one-line header; Parquet numbers its rows.
  try {
    if (format === 'csv') {
      await store.run(`CREATE TEMP TABLE ${raw}_r AS SELECT * FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)`);
      await store.run(`CREATE TEMP TABLE ${raw} AS SELECT *, rowid - (SELECT min(rowid) FROM ${raw}_r) + 2 AS __line FROM ${raw}_r`);
      await store.run(`DROP TABLE ${raw}_r`);
    } else {
      await store.run(
        `CREATE TEMP TABLE ${raw} AS SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __line FROM read_parquet(${sqlString(path)}, file_row_number = true)`,
      );
    }
  } catch (e) {
    throw new DataError('file_unreadable', `${path}: ${firstLine(e)}`, { file: path });
  }
  const cols = (await store.all<{ column_name: string; column_type: string }>(`DESCRIBE ${raw}`))
    .filter((c) => c.column_name !== '__line')
    .map((c) => ({ name: c.column_name, type: c.column_type }));
  const layout = detectLayout(basename(path), cols.map((c) => c.name), opt.kind, opt.map, opt.product !== null);
  const col = (f: Field): Col | undefined => {
    const name = layout.columns[f];
    return name === undefined ? undefined : cols.find((c) => c.name === name);
  };

  // Parse failures: the text is there but does not read as its type.
  const checks: string[] = [];
  const parseCheck = (f: Field, typed: string, what: string, c: Col | undefined, text?: string): void => {
    if (!c) return;
    const t = text ?? rawExpr(c);
    checks.push(`SELECT ${fileId}, __line, '${f}', 'parse', ${t}, '${what}' FROM ${raw} WHERE ${t} IS NOT NULL AND (${typed}) IS NULL`);
  };
  for (const f of ['open', 'high', 'low', 'close', 'settle', 'pre_settle', 'volume', 'amount', 'open_interest'] as const) {
    const c = col(f);
    if (c) parseCheck(f, numExpr(c), 'a number', c);
  }
  const dateCol = col('date');
  const timeCol = opt.kind === 'minute' ? (col('datetime') ?? col('time')) : undefined;
  if (opt.kind === 'daily') parseCheck('date', dateExpr(dateCol!), 'a date (YYYYMMDD or YYYY-MM-DD)', dateCol);
  else {
    const stampDate = col('datetime') ? undefined : dateCol;
    parseCheck('datetime', stampExpr(stampDate, timeCol!), 'a time stamp (YYYY-MM-DD HH:MM[:SS])', timeCol, stampText(stampDate, timeCol!));
  }
  // Required fields that are empty.
  const required: Field[] = opt.kind === 'daily' ? ['date', 'close'] : ['datetime', 'open', 'high', 'low', 'close'];
  if (opt.product === null) required.push('symbol');
  for (const f of required) {
    const c = f === 'datetime' ? timeCol : col(f);
    if (c) checks.push(`SELECT ${fileId}, __line, '${f}', 'missing', NULL, NULL FROM ${raw} WHERE ${rawExpr(c)} IS NULL`);
  }
  if (checks.length > 0) await store.run(`INSERT INTO rej ${checks.join(' UNION ALL ')}`);

  const sym = col('symbol');
  const symbolSql = sym ? rawExpr(sym) : 'NULL';
  const num = (f: Field): string => {
    const c = col(f);
    return c ? numExpr(c) : 'NULL';
  };
  const tsSql = opt.kind === 'minute' ? stampExpr(col('datetime') ? undefined : dateCol, timeCol!) : 'NULL';
  const dateSql = opt.kind === 'daily' ? dateExpr(dateCol!) : 'NULL';
  await store.run(`
    INSERT INTO stage
    SELECT ${fileId}, __line, ${symbolSql}, ${sym ? contractExpr(symbolSql) : 'NULL'}, NULL,
           ${dateSql}, ${tsSql},
           ${num('open')}, ${num('high')}, ${num('low')}, ${num('close')}, ${num('settle')}, ${num('pre_settle')},
           ${num('volume')}, ${num('amount')}, ${num('open_interest')}
    FROM ${raw}`);
  const rows = await store.scalar<number>(`SELECT count(*) FROM ${raw}`);
  await store.run(`DROP TABLE ${raw}`);
  return { fileId, path, format, layout, rows: Number(rows) };
}

// How staged rows meet the bars already in the store, field by field. A file speaks only for the
// columns it carries: a field it has no column for keeps the stored value (a Chinese export without
// 成交额 must not blank the stored amount). A carried field that would change a stored non-null
// value is a conflict: rejected as store_conflict during validation (so it counts toward the reject
// share), or written when the ingest runs with `replace`. Filling a stored NULL is an update, never
// a conflict. Everything here is set-based SQL; per file, the carried fields, the amount scale and
// the bar interval are constants inlined into the query.

import type { BarKind, Layout } from '../layouts.js';
import type { Store } from '../store.js';

export const DAILY_VALUES = ['open', 'high', 'low', 'close', 'settle', 'pre_settle', 'volume', 'amount', 'open_interest'] as const;
export const MINUTE_VALUES = ['open', 'high', 'low', 'close', 'volume', 'amount', 'open_interest'] as const;
export type BarValue = (typeof DAILY_VALUES)[number];

const INTEGER_VALUES: ReadonlySet<BarValue> = new Set(['volume', 'open_interest']);

/** Per-field counts of stored values an ingest changed or filled. */
export type FieldCounts = Partial<Record<BarValue, number>>;

export interface MergeCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Stored non-null values overwritten (only with `replace`). */
  readonly changedFields: FieldCounts;
  /** Stored NULLs given a value. */
  readonly filledFields: FieldCounts;
}

/** The fields of a bar kind that a file with this layout carries. */
export function carriedFields(kind: BarKind, layout: Layout): BarValue[] {
  return valuesOf(kind).filter((f) => layout.columns[f] !== undefined);
}

function valuesOf(kind: BarKind): readonly BarValue[] {
  return kind === 'daily' ? DAILY_VALUES : MINUTE_VALUES;
}

function tableOf(kind: BarKind): string {
  return kind === 'daily' ? 'bars_daily' : 'bars_minute';
}

/** One file's facts for the merge: amount scale, (minute) bar interval, rows dropped by rejects or collapse. */
interface FileFacts {
  readonly file_id: number;
  readonly amount_scale: number;
  readonly interval_min: number | null;
  readonly dropped: number;
}

async function fileFacts(store: Store, kind: BarKind): Promise<FileFacts[]> {
  const minute = kind === 'minute';
  const files = await store.all<FileFacts & Record<string, unknown>>(`
    SELECT f.file_id, f.amount_scale, ${minute ? 'fi.interval_min' : 'NULL AS interval_min'},
           (SELECT count(*) FROM dropped d WHERE d.file_id = f.file_id) AS dropped
    FROM files f ${minute ? 'LEFT JOIN file_interval fi USING (file_id)' : ''} ORDER BY f.file_id`);
  // a minute file without an interval has no rows
  return files.filter((f) => !minute || f.interval_min !== null);
}

/** The value a staged row (alias s) lands with: volumes rounded to integers, amounts in CNY. */
function landed(c: BarValue, amountScale: number): string {
  if (INTEGER_VALUES.has(c)) return `CAST(round(s.${c}) AS BIGINT)`;
  if (c === 'amount') return `s.amount * ${amountScale}`;
  return `s.${c}`;
}

/**
 * Same value, both sides non-null. Prices and amounts are doubles from different vendors and
 * units (10,000 CNY scaled to CNY), so they match within a relative 1e-9.
 */
function same(c: BarValue, g: string, b: string): string {
  return INTEGER_VALUES.has(c) ? `${g} = ${b}` : `(${g} = ${b} OR abs(${g} - ${b}) <= 1e-9 * greatest(abs(${g}), abs(${b})))`;
}

/** The file's value `g` would change the stored bar's (alias b) non-null value of `c`. */
function changes(c: BarValue, g: string): string {
  return `(b.${c} IS NOT NULL AND NOT coalesce(${same(c, g, `b.${c}`)}, false))`;
}

/** The file's value `g` would fill the stored bar's NULL (on a LEFT JOIN miss too: guard with the match). */
function fills(c: BarValue, g: string): string {
  return `(b.${c} IS NULL AND ${g} IS NOT NULL)`;
}

function joinKey(kind: BarKind, intervalMin: number | null): string {
  return kind === 'daily'
    ? 'b.contract = s.contract AND b.trade_date = s.trade_date'
    : `b.contract = s.contract AND b.interval_min = ${intervalMin} AND b.ts = s.ts`;
}

async function overlaps(store: Store, kind: BarKind): Promise<boolean> {
  return Boolean(await store.scalar<boolean>(`SELECT EXISTS (SELECT 1 FROM ${tableOf(kind)} WHERE contract IN (SELECT contract FROM ci))`));
}

/**
 * Rejects (store_conflict, one per field) every surviving row whose carried fields would change a
 * stored non-null value. Needs `files`, `rej`, `collapsed`, `ci` and, for minute bars,
 * `file_interval`. With `replace` there is nothing to reject: the write overwrites.
 */
export async function storeConflicts(store: Store, kind: BarKind, carried: ReadonlyMap<number, readonly BarValue[]>, replace: boolean): Promise<void> {
  if (replace || !(await overlaps(store, kind))) return;
  await store.run(`CREATE OR REPLACE TEMP TABLE dropped AS SELECT DISTINCT file_id, line FROM rej UNION SELECT file_id, line FROM collapsed`);
  const keyText = kind === 'daily' ? `strftime(s.trade_date, '%Y-%m-%d')` : `strftime(s.ts, '%Y-%m-%d %H:%M')`;
  const parts = (await fileFacts(store, kind)).flatMap((f) => {
    const fields = carried.get(f.file_id) ?? [];
    if (fields.length === 0) return [];
    const items = fields.map((c) => {
      const g = landed(c, f.amount_scale);
      return `CASE WHEN ${changes(c, g)} THEN {field: '${c}', value: CAST(${g} AS VARCHAR), detail: CAST(b.${c} AS VARCHAR) || ' ' || s.contract || ' ' || ${keyText}} END`;
    });
    // Row ids, not lines: lines are worked out for the few conflicting rows only.
    return [`
      SELECT s.file_id, s.rowid AS rid, list_filter([${items.join(', ')}], x -> x IS NOT NULL) AS l
      FROM stage_t s JOIN ${tableOf(kind)} b ON ${joinKey(kind, f.interval_min)}
      WHERE s.file_id = ${f.file_id} AND s.contract IS NOT NULL
        AND (${fields.map((c) => changes(c, landed(c, f.amount_scale))).join(' OR ')})`];
  });
  if (parts.length === 0) return;
  await store.run(`
    INSERT INTO rej
    SELECT x.file_id, x.line, x.r.field, 'store_conflict', x.r.value, x.r.detail
    FROM (
      SELECT c.file_id, c.rid - f.first_rowid + f.first_line AS line, unnest(c.l) AS r
      FROM (${parts.join(' UNION ALL ')}) c JOIN files f USING (file_id)) x
    ANTI JOIN dropped d ON d.file_id = x.file_id AND d.line = x.line`);
}

/**
 * Writes the valid rows: new keys are inserted; a stored bar is rewritten only when a carried field
 * changes or fills it, and its fields the file does not carry keep their stored values. Needs
 * `rej`, `collapsed`, `ci`, `files` and, for minute bars, `file_interval`.
 */
export async function writeBars(
  store: Store,
  kind: BarKind,
  ingestId: number,
  validRows: number,
  carried: ReadonlyMap<number, readonly BarValue[]>,
): Promise<MergeCounts> {
  const table = tableOf(kind);
  const minute = kind === 'minute';
  const values = valuesOf(kind);
  const on = minute ? 'b.contract = g.contract AND b.interval_min = g.interval_min AND b.ts = g.ts' : 'b.contract = g.contract AND b.trade_date = g.trade_date';
  await store.run(`CREATE OR REPLACE TEMP TABLE dropped AS SELECT DISTINCT file_id, line FROM rej UNION SELECT file_id, line FROM collapsed`);
  const cols = ['contract', 'product', ...(minute ? ['interval_min', 'ts'] : []), 'trade_date', ...values].join(', ');
  const files = await fileFacts(store, kind);
  // Line numbers (the `stage` view) are needed only to drop rejected or collapsed rows.
  const source = (f: FileFacts): string => (Number(f.dropped) > 0 ? 'stage s ANTI JOIN dropped d ON d.file_id = s.file_id AND d.line = s.line' : 'stage_t s');
  const keyCols = (f: FileFacts): string => `s.contract, s.product, ${minute ? `${f.interval_min}::SMALLINT AS interval_min, s.ts, ` : ''}s.trade_date`;
  const none: MergeCounts = { inserted: 0, updated: 0, unchanged: 0, changedFields: {}, filledFields: {} };
  if (files.length === 0) return none;

  // When the store holds none of these contracts' bars yet, every valid row is new.
  if (!(await overlaps(store, kind))) {
    const rows = files.map((f) => {
      const has = new Set(carried.get(f.file_id) ?? []);
      return `
      SELECT ${keyCols(f)}, ${values.map((c) => `${has.has(c) ? landed(c, f.amount_scale) : 'NULL'} AS ${c}`).join(', ')}
      FROM ${source(f)} WHERE s.file_id = ${f.file_id} AND s.contract IS NOT NULL`;
    });
    await store.run(`INSERT INTO ${table} (${cols}, ingest_id) SELECT ${cols}, ${ingestId} FROM (${rows.join(' UNION ALL ')})`);
    return { ...none, inserted: validRows };
  }

  // Each row with its stored bar: the merged values, and per field whether it changes or fills.
  const rows = files.map((f) => {
    const has = new Set(carried.get(f.file_id) ?? []);
    const existed = 'b.contract IS NOT NULL';
    const merged = values.map((c) => {
      if (!has.has(c)) return `b.${c} AS ${c}`;
      const g = landed(c, f.amount_scale);
      return `CASE WHEN NOT ${existed} OR ${changes(c, g)} OR ${fills(c, g)} THEN ${g} ELSE b.${c} END AS ${c}`;
    });
    const flags = values.flatMap((c) => {
      const g = landed(c, f.amount_scale);
      return has.has(c) ? [`${existed} AND ${changes(c, g)} AS ch_${c}`, `${existed} AND ${fills(c, g)} AS fi_${c}`] : [`false AS ch_${c}`, `false AS fi_${c}`];
    });
    return `
      SELECT ${keyCols(f)}, ${merged.join(', ')}, ${existed} AS existed, ${flags.join(', ')}
      FROM ${source(f)} LEFT JOIN ${table} b ON ${joinKey(kind, f.interval_min)}
      WHERE s.file_id = ${f.file_id} AND s.contract IS NOT NULL`;
  });
  await store.run(`
    CREATE OR REPLACE TEMP TABLE changed AS
    SELECT * FROM (${rows.join(' UNION ALL ')})
    WHERE NOT existed OR ${values.flatMap((c) => [`ch_${c}`, `fi_${c}`]).join(' OR ')}`);
  const c = await store.one<Record<string, number>>(`
    SELECT count(*) FILTER (WHERE NOT existed) AS inserted, count(*) FILTER (WHERE existed) AS updated,
           ${values.flatMap((v) => [`count(*) FILTER (WHERE ch_${v}) AS ch_${v}`, `count(*) FILTER (WHERE fi_${v}) AS fi_${v}`]).join(', ')}
    FROM changed`);
  await store.run(`DELETE FROM ${table} b USING changed g WHERE g.existed AND ${on}`);
  await store.run(`INSERT INTO ${table} (${cols}, ingest_id) SELECT ${cols}, ${ingestId} FROM changed`);
  const inserted = Number(c?.['inserted'] ?? 0);
  const updated = Number(c?.['updated'] ?? 0);
  const counts = (prefix: string): FieldCounts => {
    const out: FieldCounts = {};
    for (const v of values) {
      const n = Number(c?.[`${prefix}_${v}`] ?? 0);
      if (n > 0) out[v] = n;
    }
    return out;
  };
  return { inserted, updated, unchanged: validRows - inserted - updated, changedFields: counts('ch'), filledFields: counts('fi') };
}

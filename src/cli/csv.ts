// CSV as RFC 4180 writes it: a header row, then one record per row, fields separated by commas,
// records ended by CRLF. A field that holds a comma, a double quote, CR or LF is put in double
// quotes with its own quotes doubled; every other field is written as it is. A contract code or a
// drop reason with a comma in it then stays one field in a spreadsheet or in pandas.

/** A cell: text as it is, a number as JavaScript writes it, null or undefined as an empty field. */
export type CsvCell = string | number | null | undefined;

/** One field, quoted when it must be. A non-finite number is an empty field: CSV has no NaN. */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * The whole file: the header, then the rows, each record ended by CRLF. Every row has as many
 * cells as the header (a shorter or longer one is a bug in the caller, and throws).
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const record = (cells: readonly CsvCell[]): string => `${cells.map(csvField).join(',')}\r\n`;
  const records = rows.map((r, i) => {
    if (r.length !== header.length) throw new RangeError(`CSV row ${i + 1} has ${r.length} fields, the header ${header.length}`);
    return record(r);
  });
  return record(header) + records.join('');
}

// The CSV writer: RFC 4180 quoting, a header row, CRLF records.

import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../src/cli/csv.js';

/** A reader of RFC 4180 text, written for this test only: fields of each record. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field, 'text after the last CRLF').toBe('');
  return records;
}

describe('csvField', () => {
  it('writes plain text, numbers and empty cells as they are', () => {
    expect(csvField('T2506')).toBe('T2506');
    expect(csvField(' spaced ')).toBe(' spaced ');
    expect(csvField(0.5194)).toBe('0.5194');
    expect(csvField(-3)).toBe('-3');
    expect(csvField('')).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });

  it('quotes a field with a comma, a quote, CR or LF, doubling its quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "up"')).toBe('"say ""up"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('"')).toBe('""""');
  });

  it('leaves a non-finite number empty: CSV has no NaN', () => {
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(Number.POSITIVE_INFINITY)).toBe('');
  });
});

describe('toCsv', () => {
  it('writes a header row and a CRLF after every record', () => {
    expect(toCsv(['date', 'p_up'], [['2025-01-02', 0.51], ['2025-01-03', null]])).toBe('date,p_up\r\n2025-01-02,0.51\r\n2025-01-03,\r\n');
    expect(toCsv(['date', 'p_up'], [])).toBe('date,p_up\r\n');
  });

  it('reads back field for field, whatever the fields hold', () => {
    const header = ['name', 'note', 'n'];
    const rows = [
      ['plain', 'a, b and c', '1'],
      ['quote "q"', 'line one\r\nline two', ''],
      [',', '"', '\n'],
    ];
    expect(parseCsv(toCsv(header, rows))).toEqual([header, ...rows]);
  });

  it('refuses a row whose field count differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [['1', '2'], ['3']])).toThrow(/row 2 has 1 fields, the header 2/);
  });
});

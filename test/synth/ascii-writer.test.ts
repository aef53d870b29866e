import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsciiCsvWriter } from '../../src/synth/ascii-writer.js';
import { tempDir } from '../helpers/fixtures.js';

const tmp = tempDir('bft-ascii-');
afterAll(() => tmp.cleanup());

describe('ascii csv writer', () => {
  it('formats tick prices like toFixed and integers exactly, row by row', () => {
    const path = join(tmp.dir, 'x.csv');
    const w = new AsciiCsvWriter(path, 'a,b,c');
    // prices as the generator makes them: multiples of a 0.005 / 0.002 / 0.01 tick
    const prices = [100, 99.995, 100.005, 0.01, 123.456, 108.12, 101.002, 99.998];
    for (const p of prices) {
      w.fixed(p, 3).comma().fixed(Math.round(p * 100) / 100, 2).comma().int(p * 1e9);
      w.end();
    }
    w.int(0).comma().int(7).comma().int(1234567890123);
    w.end();
    w.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('a,b,c');
    prices.forEach((p, i) => expect(lines[i + 1]).toBe(`${p.toFixed(3)},${(Math.round(p * 100) / 100).toFixed(2)},${Math.round(p * 1e9)}`));
    expect(lines.at(-1)).toBe('0,7,1234567890123');
    expect(w.rows).toBe(prices.length + 1);
  });

  it('refuses a negative number rather than writing a bad bar', () => {
    const w = new AsciiCsvWriter(join(tmp.dir, 'neg.csv'), 'a');
    expect(() => w.int(-1)).toThrow(/negative/);
    w.close();
  });
});

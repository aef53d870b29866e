// A CSV writer that formats ASCII straight into a reused buffer: the synthetic market writes
// millions of minute rows, and building a string per row made garbage collection half the cost.

import { closeSync, openSync, writeSync } from 'node:fs';

const COMMA = 44;
const NEWLINE = 10;
const DOT = 46;
const ZERO = 48;
const FLUSH_AT = (1 << 22) - 4096;

export class AsciiCsvWriter {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 22);
  private pos = 0;
  rows = 0;

  constructor(
    readonly path: string,
    header: string,
  ) {
    this.fd = openSync(path, 'w');
    this.text(header);
    this.end();
    this.rows = 0;
  }

  /** An ASCII string (contract codes, dates, times). */
  text(s: string): this {
    // a row never comes near the buffer's size, but a long text must not run past it
    if (this.pos + s.length > FLUSH_AT) this.flush();
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
    return this;
  }

  comma(): this {
    this.buf[this.pos++] = COMMA;
    return this;
  }

  /** A non-negative integer (volume, open interest, amount). */
  int(n: number): this {
    let v = Math.round(n);
    if (v < 0) throw new RangeError(`negative value ${n} in a synthetic bar`);
    const start = this.pos;
    do {
      const q = Math.floor(v / 10);
      this.buf[this.pos++] = ZERO + (v - q * 10);
      v = q;
    } while (v > 0);
    for (let a = start, b = this.pos - 1; a < b; a++, b--) {
      const t = this.buf[a]!;
      this.buf[a] = this.buf[b]!;
      this.buf[b] = t;
    }
    return this;
  }

  /** A non-negative number with `dec` decimals: for tick prices (already on a grid of at most
   * `dec` decimals) the same text as toFixed(dec). */
  fixed(x: number, dec: number): this {
    const scale = 10 ** dec;
    const v = Math.round(x * scale);
    const whole = Math.floor(v / scale);
    this.int(whole);
    this.buf[this.pos++] = DOT;
    let frac = v - whole * scale;
    for (let d = scale / 10; d >= 1; d /= 10) {
      const digit = Math.floor(frac / d);
      this.buf[this.pos++] = ZERO + digit;
      frac -= digit * d;
    }
    return this;
  }

  /** Ends a row, flushing a full buffer to the file. */
  end(): void {
    this.buf[this.pos++] = NEWLINE;
    this.rows++;
    if (this.pos > FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.pos > 0) writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

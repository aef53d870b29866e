// A CSV file written from a reused byte buffer: ASCII text, unsigned integers and fixed-decimal
// prices are put straight into the buffer as bytes, so millions of rows make no garbage strings.

import { closeSync, openSync, writeSync } from 'node:fs';

const COMMA = 44;
const NEWLINE = 10;
const DOT = 46;
const ZERO = 48;

export class CsvBytes {
  rows = 0;
  private readonly fd: number;
  private readonly buf: Buffer;
  private pos = 0;
  private readonly digits = new Uint8Array(24);

  constructor(
    readonly path: string,
    header: string,
    capacity = 1 << 22,
  ) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(capacity);
    this.text(header).end();
    this.rows = 0;
  }

  /** Makes room for a row of up to `bytes` bytes. */
  room(bytes = 512): this {
    if (this.pos + bytes > this.buf.length) this.flush();
    return this;
  }

  /** ASCII text (the caller guarantees it has no multi-byte characters). */
  text(s: string): this {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
    return this;
  }

  comma(): this {
    this.buf[this.pos++] = COMMA;
    return this;
  }

  /** Ends a row. */
  end(): this {
    this.buf[this.pos++] = NEWLINE;
    this.rows++;
    return this;
  }

  /** A non-negative integer (below 2^53). */
  uint(n: number): this {
    const b = this.buf;
    if (n < 10) {
      b[this.pos++] = ZERO + n;
      return this;
    }
    const d = this.digits;
    let k = 0;
    while (n > 0) {
      const q = Math.floor(n / 10);
      d[k++] = ZERO + (n - q * 10);
      n = q;
    }
    let p = this.pos;
    while (k > 0) b[p++] = d[--k]!;
    this.pos = p;
    return this;
  }

  /** units / 10^decimals with exactly `decimals` decimals; units a non-negative integer. */
  fixed(units: number, decimals: number, scale: number): this {
    const ip = Math.floor(units / scale);
    this.uint(ip);
    if (decimals === 0) return this;
    const b = this.buf;
    b[this.pos++] = DOT;
    let frac = units - ip * scale;
    const end = this.pos + decimals;
    for (let p = end - 1; p >= this.pos; p--) {
      const q = Math.floor(frac / 10);
      b[p] = ZERO + (frac - q * 10);
      frac = q;
    }
    this.pos = end;
    return this;
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

// Correlation and hit rate of (x, y) pairs, for the realised strengths recorded in truth.json.
// Pairs are kept (a few thousand per product), so a pooled figure can standardise each product
// first: otherwise the product with the largest price moves (TL) would dominate a pooled sum.

export interface CorrSummary {
  n: number;
  corr: number | null;
  ci95: [number | null, number | null];
  hitRate: number | null;
}

export class Corr {
  readonly x: number[] = [];
  readonly y: number[] = [];

  get n(): number {
    return this.x.length;
  }

  add(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    this.x.push(x);
    this.y.push(y);
  }

  corr(): number {
    return pearson(this.x, this.y);
  }

  /** Share of pairs (both non-zero) whose signs agree. */
  hitRate(): number {
    let hits = 0;
    let signed = 0;
    for (let i = 0; i < this.x.length; i++) {
      const a = this.x[i]!;
      const b = this.y[i]!;
      if (a === 0 || b === 0) continue;
      signed++;
      if (a > 0 === b > 0) hits++;
    }
    return signed > 0 ? hits / signed : Number.NaN;
  }

  summary(): CorrSummary {
    return summarise(this.corr(), this.n, this.hitRate());
  }

  /** Pooled over groups, each standardised (mean 0, sd 1 in x and in y) before pooling. */
  static pooled(groups: readonly Corr[]): CorrSummary {
    const all = new Corr();
    for (const g of groups) {
      const zx = standardise(g.x);
      const zy = standardise(g.y);
      for (let i = 0; i < zx.length; i++) all.add(zx[i]!, zy[i]!);
    }
    // Hit rate on the raw signs, pooled.
    let hits = 0;
    let signed = 0;
    for (const g of groups) {
      const h = g.hitRate();
      if (!Number.isFinite(h)) continue;
      const s = g.x.filter((v, i) => v !== 0 && g.y[i] !== 0).length;
      hits += h * s;
      signed += s;
    }
    return summarise(all.corr(), all.n, signed > 0 ? hits / signed : Number.NaN);
  }
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 3) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]! - mx;
    const b = y[i]! - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

function standardise(x: readonly number[]): number[] {
  const n = x.length;
  if (n < 2) return [];
  let m = 0;
  for (const v of x) m += v;
  m /= n;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  const sd = Math.sqrt(s / (n - 1));
  return sd > 0 ? x.map((v) => (v - m) / sd) : x.map(() => 0);
}

function summarise(r: number, n: number, hit: number): CorrSummary {
  // Fisher-z 95% interval.
  const se = n > 3 ? 1 / Math.sqrt(n - 3) : Number.NaN;
  const z = Math.atanh(r);
  return { n, corr: round(r, 4), ci95: [round(Math.tanh(z - 1.96 * se), 4), round(Math.tanh(z + 1.96 * se), 4)], hitRate: round(hit, 4) };
}

function round(x: number, d: number): number | null {
  if (!Number.isFinite(x)) return null;
  const s = 10 ** d;
  return Math.round(x * s) / s;
}

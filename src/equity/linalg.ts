// Small dense linear algebra for the equity factor regressions: weighted least squares through the
// normal equations, solved by a Cholesky factorisation that drops collinear columns.
//
// Why normal equations and not QR: every regression here has at most a few dozen columns
// (country, ~30 industries, ~10 styles) and thousands of rows, and the industry block is one-hot.
// Building X'WX row by row touches only a row's non-zeros (intercept, one industry, the dense
// columns), so a 3,000-stock date costs ~3,000 x 80 multiply-adds instead of 3,000 x 41^2 for a
// dense QR. The price is conditioning squared; standardised exposures and dummies keep
// cond(X'WX) small (the tests check agreement with an independent solver to 1e-9).
//
// Rank deficiency: `cholesky` walks the columns in order and drops a column whose part not
// explained by the kept columns before it is tiny (pivot <= DROP_TOLERANCE x its diagonal, i.e. the
// residual norm is under ~1e-5 of the column's norm). The kept columns give the same fit (same
// projection) as the full, singular design; the dropped coefficients are undetermined and the
// callers report them as NaN. No ridge: a ridge would bias every coefficient a little to hide one
// that is not identified at all.

/** Pivot threshold, relative to the column's own diagonal entry (see the header). */
export const DROP_TOLERANCE = 1e-10;

/**
 * A design matrix described by its structure, columns in this order:
 *   - an intercept (a column of ones) when `intercept`;
 *   - a one-hot block of `group.count` columns: row i has a 1 in column `group.of[i]`;
 *   - the dense `columns`.
 * Rows are chosen by the caller (`rows`), so entries of rows not used may be anything.
 */
export interface Design {
  readonly intercept: boolean;
  readonly group?: { readonly of: Int32Array; readonly count: number };
  readonly columns: readonly ArrayLike<number>[];
}

/** Number of columns of a design. */
export function designWidth(d: Design): number {
  return (d.intercept ? 1 : 0) + (d.group?.count ?? 0) + d.columns.length;
}

/** X'WX (p x p, row-major, symmetric) and X'Wy over the given rows; `w` undefined means unit weights. */
export interface NormalEquations {
  readonly p: number;
  readonly xtwx: Float64Array;
  readonly xtwy: Float64Array;
}

/** The normal equations of the weighted regression of y on the design, over `rows` only. */
export function normalEquations(d: Design, rows: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): NormalEquations {
  const p = designWidth(d);
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  const g0 = d.intercept ? 1 : 0; // first group column
  const d0 = g0 + (d.group?.count ?? 0); // first dense column
  const nd = d.columns.length;
  const v = new Float64Array(nd);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const wi = w === undefined ? 1 : w[i]!;
    const yi = y[i]!;
    for (let k = 0; k < nd; k++) v[k] = d.columns[k]![i]!;
    const gi = d.group === undefined ? -1 : g0 + d.group.of[i]!;
    // Only the upper triangle is accumulated (column index >= row index); mirrored below.
    if (d.intercept) {
      a[0]! += wi;
      b[0]! += wi * yi;
      if (gi >= 0) a[gi]! += wi;
      for (let k = 0; k < nd; k++) a[d0 + k]! += wi * v[k]!;
    }
    if (gi >= 0) {
      a[gi * p + gi]! += wi;
      b[gi]! += wi * yi;
      for (let k = 0; k < nd; k++) a[gi * p + d0 + k]! += wi * v[k]!;
    }
    for (let k = 0; k < nd; k++) {
      const wv = wi * v[k]!;
      b[d0 + k]! += wv * yi;
      const row = (d0 + k) * p + d0;
      for (let l = k; l < nd; l++) a[row + l]! += wv * v[l]!;
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) a[i * p + j] = a[j * p + i]!;
  return { p, xtwx: a, xtwy: b };
}

/** Lower-triangular factor of the kept columns (rows and columns of dropped ones are zero). */
export interface Cholesky {
  readonly p: number;
  /** L, p x p row-major: A restricted to the kept columns equals L L' restricted likewise. */
  readonly l: Float64Array;
  /** 1 where the column was kept, 0 where it was dropped as collinear with the kept ones before it. */
  readonly kept: Uint8Array;
}

/**
 * Cholesky factorisation of a symmetric positive semi-definite p x p matrix, dropping (in column
 * order) each column whose pivot is <= `tolerance` x its diagonal entry. Throws on non-finite input.
 */
export function cholesky(a: Float64Array, p: number, tolerance: number = DROP_TOLERANCE): Cholesky {
  if (a.length !== p * p) throw new RangeError(`cholesky: matrix has ${a.length} entries, expected ${p} x ${p}`);
  const l = new Float64Array(p * p);
  const kept = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    const ajj = a[j * p + j]!;
    if (!Number.isFinite(ajj)) throw new RangeError(`cholesky: diagonal entry ${j} is ${ajj}`);
    let dj = ajj;
    for (let k = 0; k < j; k++) dj -= l[j * p + k]! ** 2; // dropped k have l = 0
    if (!(dj > tolerance * ajj) || ajj <= 0) continue; // collinear (or an all-zero column): drop
    kept[j] = 1;
    const ljj = Math.sqrt(dj);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= l[i * p + k]! * l[j * p + k]!;
      if (!Number.isFinite(s)) throw new RangeError(`cholesky: entry (${i}, ${j}) is not finite`);
      l[i * p + j] = s / ljj;
    }
  }
  return { p, l, kept };
}

/** Solves A x = b for the kept columns; dropped entries of x are 0. */
export function choleskySolve(c: Cholesky, b: ArrayLike<number>): Float64Array {
  const { p, l, kept } = c;
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    if (!kept[i]) continue;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * p + k]! * z[k]!;
    z[i] = s / l[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    if (!kept[i]) continue;
    let s = z[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * x[k]!;
    x[i] = s / l[i * p + i]!;
  }
  return x;
}

/** Inverse of A restricted to the kept columns, embedded in p x p with NaN rows/columns for dropped ones. */
export function choleskyInverse(c: Cholesky): Float64Array {
  const { p, kept } = c;
  const inv = new Float64Array(p * p).fill(Number.NaN);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    if (!kept[j]) continue;
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(c, e);
    for (let i = 0; i < p; i++) if (kept[i]) inv[i * p + j] = col[i]!;
  }
  return inv;
}

/** A fitted weighted least-squares regression. */
export interface LeastSquaresFit {
  /** Coefficients in design column order; 0 for dropped columns (see `kept`). */
  readonly coef: Float64Array;
  readonly kept: Uint8Array;
}

/** Weighted least squares of y on the design over `rows` (w undefined: ordinary least squares). */
export function leastSquares(d: Design, rows: ArrayLike<number>, y: ArrayLike<number>, w?: ArrayLike<number>): LeastSquaresFit {
  const ne = normalEquations(d, rows, y, w);
  const c = cholesky(ne.xtwx, ne.p);
  return { coef: choleskySolve(c, ne.xtwy), kept: c.kept };
}

/** Row i of the design times `coef` (the fitted value of row i). */
export function predictRow(d: Design, coef: ArrayLike<number>, i: number): number {
  let s = d.intercept ? coef[0]! : 0;
  const g0 = d.intercept ? 1 : 0;
  if (d.group !== undefined) s += coef[g0 + d.group.of[i]!]!;
  const d0 = g0 + (d.group?.count ?? 0);
  for (let k = 0; k < d.columns.length; k++) s += coef[d0 + k]! * d.columns[k]![i]!;
  return s;
}

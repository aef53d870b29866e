// Subsets of {0..n-1} of size k as bit masks, in increasing order of the mask (Gosper's hack).

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const m = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= m; i++) r = (r * (n - m + i)) / i;
  return Math.round(r);
}

/** Every k-subset of n items as a bit mask (n <= 30), smallest mask first. */
export function* subsetMasks(n: number, k: number): Generator<number> {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`subsets: n must be an integer in 0..30, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`subsets: k must be an integer in 0..${n}, got ${k}`);
  if (k === 0) {
    yield 0;
    return;
  }
  let m = (1 << k) - 1;
  const limit = 1 << n;
  while (m < limit) {
    yield m;
    const c = m & -m;
    const r = m + c;
    m = (((r ^ m) >>> 2) / c) | r;
  }
}

/** The members of a mask, ascending. */
export function maskMembers(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (mask & (1 << i)) out.push(i);
  return out;
}

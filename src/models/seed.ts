// Seeded randomness for the model layer. tfjs initializers and tf.dropout take a numeric seed;
// everything else (shuffling, per-batch dropout masks) draws from this PRNG so that a run is a
// pure function of its seed. sfc32 with a splitmix32 seeding: small, fast, good enough for
// shuffling and for deriving seeds; not for cryptography.

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit input. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a hash of a label. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const TWO_32 = 4_294_967_296;

/**
 * A distinct, reproducible 31-bit seed for one named consumer (a layer's kernel, a dropout
 * stream...) of a run seeded with `seed`. Positive and below 2^31 so any API accepts it.
 */
export function deriveSeed(seed: number, label: string): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_32) >>> 0;
  const s = splitmix32(lo ^ splitmix32(hi ^ splitmix32(hashLabel(label))));
  return (s & 0x7fffffff) || 1;
}

/** sfc32 generator; `seed` is a non-negative integer, `stream` names an independent sequence. */
export class SeededRng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = '') {
    let s = deriveSeed(seed, stream);
    this.a = s = splitmix32(s);
    this.b = s = splitmix32(s);
    this.c = s = splitmix32(s);
    this.d = splitmix32(s) | 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.u32() / TWO_32;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A fresh positive 31-bit seed for an API that takes one (tf.dropout, initializers). */
  nextSeed(): number {
    return (this.u32() & 0x7fffffff) || 1;
  }
}

/** A permutation of 0..n-1 (Fisher-Yates), drawn from `rng`. */
export function permutation(n: number, rng: SeededRng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

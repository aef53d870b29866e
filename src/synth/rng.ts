// A small seeded PRNG for the synthetic market: sfc32 (Chris Doty-Humphrey's "small fast
// chaotic" generator, 128-bit state, 32-bit output), seeded through splitmix32 from the user's
// seed and a stream name, plus Box-Muller normals. Separate named streams keep parts of the
// market independent of each other: dropping a product does not change the others.

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit counter. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a hash of a stream name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const TWO_32 = 4_294_967_296;

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0;
  private hasSpare = false;

  /** `seed` is a non-negative integer below 2^53; `stream` names an independent sequence. */
  constructor(seed: number, stream: string) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_32) >>> 0;
    const h = hashName(stream);
    let s = splitmix32(lo ^ splitmix32(hi ^ splitmix32(h)));
    this.a = s = splitmix32(s);
    this.b = s = splitmix32(s ^ h);
    this.c = s = splitmix32(s ^ lo);
    this.d = splitmix32(s ^ hi) | 1;
    for (let i = 0; i < 16; i++) this.u32();
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

  /** Uniform in the open interval (0, 1). */
  uniform(): number {
    return (this.u32() + 0.5) / TWO_32;
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const th = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(th);
    this.hasSpare = true;
    return r * Math.cos(th);
  }
}

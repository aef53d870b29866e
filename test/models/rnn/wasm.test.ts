// The WebAssembly SIMD RNN kernel (src/models/rnn/wasm.ts) against a plain float64 scalar
// implementation written here (forward and BPTT), a finite-difference gradient check, and stock
// tfjs-layers LSTM / GRU layers.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackwardOut, Cell, ForwardIn, ForwardOut } from '../../../src/models/rnn/kernel-api.js';
import { wasmKernel, wasmSimdAvailable } from '../../../src/models/rnn/wasm.js';

type RA = 'sigmoid' | 'hardSigmoid';

// ------------------------------------------------------------------ float64 scalar oracle

const ra = (k: RA, x: number): number => (k === 'sigmoid' ? 1 / (1 + Math.exp(-x)) : Math.min(1, Math.max(0, 0.2 * x + 0.5)));
const raGrad = (k: RA, x: number): number => {
  if (k === 'sigmoid') {
    const s = 1 / (1 + Math.exp(-x));
    return s * (1 - s);
  }
  return x > -2.5 && x < 2.5 ? 0.2 : 0;
};

interface Case {
  cell: Cell;
  ra: RA;
  T: number;
  B: number;
  H: number;
  xProj: Float64Array;
  U: Float64Array;
  h0: Float64Array;
  c0: Float64Array;
  mask?: Float64Array;
}

interface Fwd64 {
  h: Float64Array; // [T+1][B][H], index 0 = h0
  c: Float64Array; // [T+1][B][H]
  pre: Float64Array; // [T][B][G*H] pre-activations (GRU candidate uses (r*h)·Uh)
  gates: Float64Array; // [T][B][G*H]
}

const G = (cell: Cell): number => (cell === 'lstm' ? 4 : 3);

function forward64(k: Case): Fwd64 {
  const { T, B, H } = k;
  const g = G(k.cell);
  const GH = g * H;
  const h = new Float64Array((T + 1) * B * H);
  const c = new Float64Array((T + 1) * B * H);
  h.set(k.h0);
  c.set(k.c0);
  const pre = new Float64Array(T * B * GH);
  const gates = new Float64Array(T * B * GH);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const hp = (t * B + b) * H; // h_{t-1} (in the T+1 layout)
      const hn = ((t + 1) * B + b) * H;
      const row = (t * B + b) * GH;
      const on = k.mask === undefined || k.mask[t * B + b] !== 0;
      const dot = (vec: (kk: number) => number, col: number): number => {
        let s = 0;
        for (let kk = 0; kk < H; kk++) s += vec(kk) * k.U[kk * GH + col]!;
        return s;
      };
      if (k.cell === 'lstm') {
        for (let j = 0; j < GH; j++) pre[row + j] = k.xProj[row + j]! + dot((kk) => h[hp + kk]!, j);
        for (let j = 0; j < H; j++) {
          const i = ra(k.ra, pre[row + j]!);
          const f = ra(k.ra, pre[row + H + j]!);
          const gg = Math.tanh(pre[row + 2 * H + j]!);
          const o = ra(k.ra, pre[row + 3 * H + j]!);
          gates[row + j] = i;
          gates[row + H + j] = f;
          gates[row + 2 * H + j] = gg;
          gates[row + 3 * H + j] = o;
          const cn = f * c[hp + j]! + i * gg;
          c[hn + j] = on ? cn : c[hp + j]!;
          h[hn + j] = on ? o * Math.tanh(cn) : h[hp + j]!;
        }
      } else {
        for (let j = 0; j < 2 * H; j++) pre[row + j] = k.xProj[row + j]! + dot((kk) => h[hp + kk]!, j);
        for (let j = 0; j < 2 * H; j++) gates[row + j] = ra(k.ra, pre[row + j]!);
        for (let j = 0; j < H; j++) {
          pre[row + 2 * H + j] = k.xProj[row + 2 * H + j]! + dot((kk) => gates[row + H + kk]! * h[hp + kk]!, 2 * H + j);
        }
        for (let j = 0; j < H; j++) {
          const z = gates[row + j]!;
          const hh = Math.tanh(pre[row + 2 * H + j]!);
          gates[row + 2 * H + j] = hh;
          h[hn + j] = on ? z * h[hp + j]! + (1 - z) * hh : h[hp + j]!;
        }
      }
    }
  }
  return { h, c, pre, gates };
}

interface Bwd64 {
  dxProj: Float64Array;
  dU: Float64Array;
  dh0: Float64Array;
  dc0: Float64Array;
}

/** BPTT for the loss Σ dh ⊙ h_t + Σ dcLast ⊙ c_T. */
function backward64(k: Case, f: Fwd64, dh: Float64Array, dcLast?: Float64Array): Bwd64 {
  const { T, B, H } = k;
  const g = G(k.cell);
  const GH = g * H;
  const dxProj = new Float64Array(T * B * GH);
  const dU = new Float64Array(H * GH);
  const dhN = new Float64Array(B * H); // dL/dh_t flowing back from later steps
  const dcN = new Float64Array(B * H);
  if (dcLast !== undefined && k.cell === 'lstm') dcN.set(dcLast);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = b * H;
      const hp = (t * B + b) * H;
      const row = (t * B + b) * GH;
      for (let j = 0; j < H; j++) dhN[s + j]! += dh[(t * B + b) * H + j]!;
      if (k.mask !== undefined && k.mask[t * B + b] === 0) continue;
      const dz = new Float64Array(GH);
      const dhPrev = new Float64Array(H);
      if (k.cell === 'lstm') {
        for (let j = 0; j < H; j++) {
          const [i, fg, gg, o] = [0, 1, 2, 3].map((q) => f.gates[row + q * H + j]!) as [number, number, number, number];
          const cn = f.c[((t + 1) * B + b) * H + j]!;
          const tc = Math.tanh(cn);
          const dhj = dhN[s + j]!;
          const dc = dcN[s + j]! + dhj * o * (1 - tc * tc);
          dz[j] = dc * gg * raGrad(k.ra, f.pre[row + j]!);
          dz[H + j] = dc * f.c[hp + j]! * raGrad(k.ra, f.pre[row + H + j]!);
          dz[2 * H + j] = dc * i * (1 - gg * gg);
          dz[3 * H + j] = dhj * tc * raGrad(k.ra, f.pre[row + 3 * H + j]!);
          dcN[s + j] = dc * fg;
        }
        for (let kk = 0; kk < H; kk++) {
          for (let j = 0; j < GH; j++) {
            dU[kk * GH + j]! += f.h[hp + kk]! * dz[j]!;
            dhPrev[kk]! += dz[j]! * k.U[kk * GH + j]!;
          }
        }
      } else {
        const drh = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          const z = f.gates[row + j]!;
          const hh = f.gates[row + 2 * H + j]!;
          const dhj = dhN[s + j]!;
          dz[j] = dhj * (f.h[hp + j]! - hh) * raGrad(k.ra, f.pre[row + j]!);
          dz[2 * H + j] = dhj * (1 - z) * (1 - hh * hh);
          dhPrev[j] = dhj * z;
        }
        for (let kk = 0; kk < H; kk++) {
          for (let j = 0; j < H; j++) {
            dU[kk * GH + 2 * H + j]! += f.gates[row + H + kk]! * f.h[hp + kk]! * dz[2 * H + j]!;
            drh[kk]! += dz[2 * H + j]! * k.U[kk * GH + 2 * H + j]!;
          }
        }
        for (let j = 0; j < H; j++) {
          dz[H + j] = drh[j]! * f.h[hp + j]! * raGrad(k.ra, f.pre[row + H + j]!);
          dhPrev[j]! += drh[j]! * f.gates[row + H + j]!;
        }
        for (let kk = 0; kk < H; kk++) {
          for (let j = 0; j < 2 * H; j++) {
            dU[kk * GH + j]! += f.h[hp + kk]! * dz[j]!;
            dhPrev[kk]! += dz[j]! * k.U[kk * GH + j]!;
          }
        }
      }
      dxProj.set(dz, row);
      dhN.set(dhPrev, s);
    }
  }
  return { dxProj, dU, dh0: dhN, dc0: dcN };
}

// ------------------------------------------------------------------ helpers

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(n: number, scale: number, r: () => number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * r() - 1) * scale;
  return a;
}

/** A random case whose values are exactly representable in float32 (so both sides see the same inputs). */
function makeCase(cell: Cell, raKind: RA, T: number, B: number, H: number, masked: boolean, seed: number): Case {
  const r = rng(seed);
  const g = G(cell);
  const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));
  const k: Case = {
    cell, ra: raKind, T, B, H,
    xProj: f32(uniform(T * B * g * H, 1.5, r)),
    U: f32(uniform(H * g * H, 1.2 / Math.sqrt(H), r)),
    h0: f32(uniform(B * H, 0.5, r)),
    c0: cell === 'lstm' ? f32(uniform(B * H, 0.5, r)) : new Float64Array(B * H),
  };
  if (masked) {
    const m = new Float64Array(T * B);
    for (let i = 0; i < T * B; i++) m[i] = r() < 0.3 ? 0 : 1;
    m[0] = 0; // sample 0 masked at t = 0: h0 / c0 carry over
    if (B > 1) for (let t = 0; t < T; t++) m[t * B + 1] = t < T - 2 ? 1 : 0; // trailing padding
    k.mask = m;
  }
  return k;
}

function toIn(k: Case): ForwardIn {
  const a: ForwardIn = {
    cell: k.cell,
    shape: { T: k.T, B: k.B, H: k.H },
    xProj: Float32Array.from(k.xProj),
    U: Float32Array.from(k.U),
    h0: Float32Array.from(k.h0),
    recurrentActivation: k.ra,
  };
  if (k.cell === 'lstm') a.c0 = Float32Array.from(k.c0);
  if (k.mask) a.mask = Float32Array.from(k.mask);
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const stepsOf = (f: Fwd64, T: number, B: number, H: number, which: 'h' | 'c'): Float64Array => f[which].slice(B * H, (T + 1) * B * H);

function dhFor(T: number, B: number, H: number, seed: number): Float64Array {
  return Float64Array.from(Float32Array.from(uniform(T * B * H, 1, rng(seed))));
}

function runBoth(k: Case, seed: number): { out: ForwardOut; f64: Fwd64; bw: BackwardOut; b64: Bwd64 } {
  const kern = wasmKernel();
  const a = toIn(k);
  const out = kern.forward(a);
  const f64 = forward64(k);
  const dh = dhFor(k.T, k.B, k.H, seed);
  const dcLast = k.cell === 'lstm' ? Float64Array.from(Float32Array.from(uniform(k.B * k.H, 1, rng(seed + 1)))) : undefined;
  const bIn = { ...a, out, dh: Float32Array.from(dh), ...(dcLast ? { dcLast: Float32Array.from(dcLast) } : {}) };
  const bw = kern.backward(bIn);
  const b64 = backward64(k, f64, dh, dcLast);
  return { out, f64, bw, b64 };
}

// ------------------------------------------------------------------ tests

describe('wasm rnn kernel', () => {
  beforeAll(() => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  const cells: Cell[] = ['lstm', 'gru'];
  const ras: RA[] = ['hardSigmoid', 'sigmoid'];
  for (const cell of cells) {
    for (const raKind of ras) {
      for (const H of [5, 32]) {
        for (const masked of [false, true]) {
          it(`${cell} ${raKind} T=7 B=3 H=${H}${masked ? ' masked' : ''}: forward and backward match float64`, () => {
            const T = 7, B = 3;
            const k = makeCase(cell, raKind, T, B, H, masked, 1000 + H + (masked ? 7 : 0));
            const { out, f64, bw, b64 } = runBoth(k, 77 + H);
            expect(maxAbsDiff(out.h, stepsOf(f64, T, B, H, 'h'))).toBeLessThan(1e-5);
            expect(maxAbsDiff(out.gates, f64.gates)).toBeLessThan(1e-5);
            if (cell === 'lstm') expect(maxAbsDiff(out.c!, stepsOf(f64, T, B, H, 'c'))).toBeLessThan(1e-5);
            else expect(out.c).toBeUndefined();
            expect(maxAbsDiff(bw.dxProj, b64.dxProj)).toBeLessThan(1e-4);
            expect(maxAbsDiff(bw.dU, b64.dU)).toBeLessThan(1e-4);
            expect(maxAbsDiff(bw.dh0, b64.dh0)).toBeLessThan(1e-4);
            if (cell === 'lstm') expect(maxAbsDiff(bw.dc0!, b64.dc0)).toBeLessThan(1e-4);
            else expect(bw.dc0).toBeUndefined();
            if (masked) {
              // masked steps: output repeats the previous one, no gradient into the projections
              const m = k.mask!;
              for (let t = 0; t < T; t++) {
                for (let b = 0; b < B; b++) {
                  if (m[t * B + b] !== 0) continue;
                  const prev = t === 0 ? Float32Array.from(k.h0).subarray(b * H, b * H + H) : out.h.subarray(((t - 1) * B + b) * H, ((t - 1) * B + b) * H + H);
                  expect(Array.from(out.h.subarray((t * B + b) * H, (t * B + b) * H + H))).toEqual(Array.from(prev));
                  const g = G(cell) * H;
                  expect(bw.dxProj.subarray((t * B + b) * g, (t * B + b) * g + g).every((v) => v === 0)).toBe(true);
                }
              }
            }
          });
        }
      }
    }
  }

  it('sizes not divisible by 4 (H = 1, 2, 3, 6, 7, 13; B = 1, 5) and T = 1', () => {
    for (const cell of cells) {
      for (const [T, B, H] of [[1, 1, 1], [4, 5, 2], [3, 1, 3], [5, 2, 6], [2, 5, 7], [6, 3, 13]] as const) {
        const k = makeCase(cell, 'sigmoid', T, B, H, B > 1, 31 * H + T);
        const { out, f64, bw, b64 } = runBoth(k, H);
        expect(maxAbsDiff(out.h, stepsOf(f64, T, B, H, 'h'))).toBeLessThan(1e-5);
        expect(maxAbsDiff(out.gates, f64.gates)).toBeLessThan(1e-5);
        expect(maxAbsDiff(bw.dxProj, b64.dxProj)).toBeLessThan(1e-4);
        expect(maxAbsDiff(bw.dU, b64.dU)).toBeLessThan(1e-4);
        expect(maxAbsDiff(bw.dh0, b64.dh0)).toBeLessThan(1e-4);
      }
    }
  });

  it('infer (forward only) equals the full forward exactly: whole sequence and last state, masks, odd sizes', () => {
    const kern = wasmKernel();
    for (const cell of cells) {
      for (const raKind of ras) {
        for (const [T, B, H] of [[7, 3, 32], [5, 4, 5], [1, 1, 1], [6, 5, 13]] as const) {
          for (const masked of [false, true]) {
            const k = makeCase(cell, raKind, T, B, H, masked && B > 1, 17 * H + T + (masked ? 1 : 0));
            const a = toIn(k);
            const full = kern.forward(a);
            const seq = kern.infer!({ ...a });
            const last = kern.infer!({ ...a, lastOnly: true });
            const l = (T - 1) * B * H;
            expect(Array.from(seq.h)).toEqual(Array.from(full.h));
            expect(Array.from(last.h)).toEqual(Array.from(full.h.subarray(l, l + B * H)));
            if (cell === 'lstm') {
              expect(Array.from(seq.c!)).toEqual(Array.from(full.c!.subarray(l, l + B * H)));
              expect(Array.from(last.c!)).toEqual(Array.from(full.c!.subarray(l, l + B * H)));
            } else {
              expect(seq.c).toBeUndefined();
              expect(last.c).toBeUndefined();
            }
            // Same results again after a differently sized call (memory reuse) and without c0.
            const b = { ...a };
            delete b.c0;
            const fullNoC0 = kern.forward(b);
            expect(Array.from(kern.infer!({ ...b, lastOnly: true }).h)).toEqual(Array.from(fullNoC0.h.subarray(l, l + B * H)));
          }
        }
      }
    }
  });

  it('without c0 (LSTM) and reuses memory across differently sized calls', () => {
    const kern = wasmKernel();
    const big = makeCase('lstm', 'hardSigmoid', 20, 16, 24, true, 5);
    const small = makeCase('lstm', 'hardSigmoid', 3, 2, 5, false, 6);
    small.c0.fill(0);
    kern.forward(toIn(big));
    const a = toIn(small);
    delete a.c0;
    const out = kern.forward(a);
    expect(maxAbsDiff(out.h, stepsOf(forward64(small), 3, 2, 5, 'h'))).toBeLessThan(1e-5);
    const bw = kern.backward({ ...a, out, dh: new Float32Array(3 * 2 * 5).fill(1) });
    const b64 = backward64(small, forward64(small), new Float64Array(30).fill(1));
    expect(maxAbsDiff(bw.dU, b64.dU)).toBeLessThan(1e-4);
    expect(maxAbsDiff(bw.dc0!, b64.dc0)).toBeLessThan(1e-4);
  });

  it('activations are accurate over a wide range (sigmoid via SIMD exp, tanh)', () => {
    // One step, H = 4, U = 0, h0 = 0: gates are the activations of xProj itself.
    const n = 4000;
    const H = 4, B = n / 16;
    const xs = new Float32Array(B * 4 * H);
    for (let i = 0; i < xs.length; i++) xs[i] = -30 + (60 * i) / xs.length;
    const out = wasmKernel().forward({
      cell: 'lstm', shape: { T: 1, B, H }, xProj: xs, U: new Float32Array(H * 4 * H), h0: new Float32Array(B * H), recurrentActivation: 'sigmoid',
    });
    let errS = 0, errT = 0;
    for (let b = 0; b < B; b++) {
      for (let q = 0; q < 4; q++) {
        for (let j = 0; j < H; j++) {
          const i = b * 4 * H + q * H + j;
          const x = xs[i]!;
          const want = q === 2 ? Math.tanh(x) : 1 / (1 + Math.exp(-x));
          const e = Math.abs(out.gates[i]! - want);
          if (q === 2) errT = Math.max(errT, e);
          else errS = Math.max(errS, e);
        }
      }
    }
    expect(errS).toBeLessThan(1e-6);
    expect(errT).toBeLessThan(1e-6);
  });

  for (const cell of cells) {
    for (const raKind of ras) {
      it(`${cell} ${raKind}: gradients match finite differences`, () => {
        const T = 4, B = 2, H = 3;
        const k = makeCase(cell, raKind, T, B, H, true, 4242);
        // keep hardSigmoid away from its kinks: scale pre-activations down
        if (raKind === 'hardSigmoid') for (let i = 0; i < k.xProj.length; i++) k.xProj[i]! *= 0.5;
        const dh = uniform(T * B * H, 1, rng(9));
        const dcLast = uniform(B * H, 1, rng(10));
        const loss = (kk: Case): number => {
          const f = forward64(kk);
          let L = 0;
          for (let i = 0; i < T * B * H; i++) L += dh[i]! * f.h[B * H + i]!;
          if (cell === 'lstm') for (let i = 0; i < B * H; i++) L += dcLast[i]! * f.c[T * B * H + i]!;
          return L;
        };
        const fd = (arr: Float64Array, i: number): number => {
          const eps = 1e-6;
          const v = arr[i]!;
          arr[i] = v + eps;
          const lp = loss(k);
          arr[i] = v - eps;
          const lm = loss(k);
          arr[i] = v;
          return (lp - lm) / (2 * eps);
        };
        const a = toIn(k);
        const kern = wasmKernel();
        const out = kern.forward(a);
        const bw = kern.backward({ ...a, out, dh: Float32Array.from(dh), ...(cell === 'lstm' ? { dcLast: Float32Array.from(dcLast) } : {}) });
        const b64 = backward64(k, forward64(k), dh, dcLast);
        const checks: [string, Float64Array, Float32Array, Float64Array][] = [
          ['xProj', k.xProj, bw.dxProj, b64.dxProj],
          ['U', k.U, bw.dU, b64.dU],
          ['h0', k.h0, bw.dh0, b64.dh0],
        ];
        if (cell === 'lstm') checks.push(['c0', k.c0, bw.dc0!, b64.dc0]);
        for (const [, arr, got, exact] of checks) {
          for (let i = 0; i < arr.length; i++) {
            const num = fd(arr, i);
            expect(Math.abs(exact[i]! - num)).toBeLessThan(1e-6); // the float64 oracle is right
            expect(Math.abs(got[i]! - num)).toBeLessThan(1e-4); // and so is the wasm kernel
          }
        }
      });
    }
  }

  describe('matches stock tfjs-layers', () => {
    beforeAll(async () => {
      await tf.setBackend('cpu');
      await tf.ready();
    });

    for (const cell of cells) {
      for (const raKind of ras) {
        it(`${cell} recurrentActivation=${raKind} with a mask`, () => {
          const T = 9, B = 4, D = 3, H = 6;
          const g = G(cell);
          const r = rng(123);
          const x = Float32Array.from(uniform(B * T * D, 1.5, r));
          // zero rows are masked by a Masking layer; trailing padding on sample 1, a hole on sample 2
          const maskBT = new Float32Array(B * T).fill(1);
          for (const t of [6, 7, 8]) maskBT[1 * T + t] = 0;
          maskBT[2 * T + 3] = 0;
          for (let i = 0; i < B * T; i++) if (maskBT[i] === 0) x.fill(0, i * D, i * D + D);
          const W = Float32Array.from(uniform(D * g * H, 0.8, r));
          const U = Float32Array.from(uniform(H * g * H, 0.6, r));
          const bias = Float32Array.from(uniform(g * H, 0.3, r));
          const input = tf.input({ shape: [T, D] });
          const masked = tf.layers.masking({ maskValue: 0 }).apply(input) as tf.SymbolicTensor;
          const cfg = { units: H, returnSequences: true, recurrentActivation: raKind, kernelInitializer: 'zeros', recurrentInitializer: 'zeros' } as const;
          const layer = cell === 'lstm' ? tf.layers.lstm(cfg) : tf.layers.gru(cfg);
          const model = tf.model({ inputs: input, outputs: layer.apply(masked) as tf.SymbolicTensor });
          layer.setWeights([tf.tensor2d(W, [D, g * H]), tf.tensor2d(U, [H, g * H]), tf.tensor1d(bias)]);
          const y = (model.predict(tf.tensor3d(x, [B, T, D])) as tf.Tensor).dataSync() as Float32Array; // [B, T, H]
          // time-major xProj = x·W + b, and the mask as [T, B]
          const xProj = new Float32Array(T * B * g * H);
          const mask = new Float32Array(T * B);
          for (let t = 0; t < T; t++) {
            for (let b = 0; b < B; b++) {
              mask[t * B + b] = maskBT[b * T + t]!;
              for (let j = 0; j < g * H; j++) {
                let s = bias[j]!;
                for (let d = 0; d < D; d++) s += x[(b * T + t) * D + d]! * W[d * g * H + j]!;
                xProj[(t * B + b) * g * H + j] = s;
              }
            }
          }
          const out = wasmKernel().forward({ cell, shape: { T, B, H }, xProj, U, h0: new Float32Array(B * H), mask, recurrentActivation: raKind });
          let err = 0;
          for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
            err = Math.max(err, Math.abs(out.h[(t * B + b) * H + j]! - y[(b * T + t) * H + j]!));
          }
          expect(err).toBeLessThan(1e-4);
          model.dispose();
        });
      }
    }
  });
});

describe('the committed modules', () => {
  it('rnn.wasm and rnn-shared.wasm are the build of assembly/rnn.ts (rebuild with npm run build:wasm)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bft-wasm-build-'));
    try {
      const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--out-dir', dir], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      for (const name of ['rnn.wasm', 'rnn-shared.wasm']) {
        const built = readFileSync(join(dir, name));
        expect(built.length).toBeGreaterThan(1000);
        expect(built.equals(readFileSync(new URL(`../../../src/models/rnn/${name}`, import.meta.url))), name).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

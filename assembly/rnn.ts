// WebAssembly (SIMD, f32x4) kernels for the sequential part of tfjs-layers' LSTM and GRU:
// forward over a whole sequence and backpropagation through time. The input projection
// x·W + b is done outside; these take the projected inputs (xProj) and do h·U plus the gate math.
// See src/models/rnn/kernel-api.ts for the layouts and src/models/rnn/wasm.ts for the JS side.
//
// No allocator: the caller (wasm.ts) lays every buffer out in linear memory itself, from
// heapBase() upward, and passes byte pointers. `scratch` is a caller-provided region of
// forwardScratchBytes / backwardScratchBytes bytes (16-byte aligned).
//
// Internally every gate block is padded from H to Hp = roundup(H, 4) columns so that each block
// starts on a vector boundary; padding lanes hold zeros and stay zero. Outputs are written
// unpadded (scalar stores: O(G·H) per step against O(G·H²) for the products).

// ---------------------------------------------------------------- vector math

@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** exp(x) for f32x4: Cephes expf (range reduction by ln2 split in two, degree-6 polynomial), ~1 ulp. */
@inline function vexp(x0: v128): v128 {
  const x = f32x4.min(f32x4.max(x0, splat(-87.0)), splat(88.0));
  const fx = f32x4.nearest(f32x4.mul(x, splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(fx, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, splat(-2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), splat(1.0));
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const pow2n = i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

@inline function vsigmoid(x: v128): v128 {
  return f32x4.div(splat(1.0), f32x4.add(splat(1.0), vexp(f32x4.neg(x))));
}

/** tfjs hardSigmoid: clip(0.2 x + 0.5, 0, 1). */
@inline function vhard(x: v128): v128 {
  return f32x4.min(f32x4.max(f32x4.add(f32x4.mul(x, splat(0.2)), splat(0.5)), splat(0.0)), splat(1.0));
}

/** tanh(x) = sign(x) (1 - 2 / (exp(2|x|) + 1)); absolute error ~2e-7. */
@inline function vtanh(x: v128): v128 {
  const a = f32x4.abs(x);
  const e = vexp(f32x4.min(f32x4.add(a, a), splat(88.0)));
  const t = f32x4.sub(splat(1.0), f32x4.div(splat(2.0), f32x4.add(e, splat(1.0))));
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}

/** Recurrent activation: hardSigmoid when hard, else the logistic sigmoid. */
@inline function vra(x: v128, hard: bool): v128 {
  return hard ? vhard(x) : vsigmoid(x);
}

/** Derivative of the recurrent activation from its output s. hardSigmoid: 0.2 where 0 < s < 1. */
@inline function vraGrad(s: v128, hard: bool): v128 {
  if (hard) return v128.and(v128.and(f32x4.gt(s, splat(0.0)), f32x4.lt(s, splat(1.0))), splat(0.2));
  return f32x4.mul(s, f32x4.sub(splat(1.0), s));
}

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// ---------------------------------------------------------------- helpers

@inline function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

@inline function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** dst[0 .. 4·nv) += Σ_{k<K} src[k] · M[k·stride + 0 .. 4·nv)  (M row-major, stride in bytes). */
function gemvAcc(dst: usize, src: usize, K: i32, M: usize, stride: usize, nv: i32): void {
  let j = 0;
  for (; j + 8 <= nv; j += 8) {
    const d = dst + (<usize>j << 4);
    let a0 = v128.load(d, 0), a1 = v128.load(d, 16), a2 = v128.load(d, 32), a3 = v128.load(d, 48);
    let a4 = v128.load(d, 64), a5 = v128.load(d, 80), a6 = v128.load(d, 96), a7 = v128.load(d, 112);
    let m = M + (<usize>j << 4);
    for (let k = 0; k < K; k++) {
      const s = f32x4.splat(load<f32>(src + (<usize>k << 2)));
      a0 = f32x4.add(a0, f32x4.mul(s, v128.load(m, 0)));
      a1 = f32x4.add(a1, f32x4.mul(s, v128.load(m, 16)));
      a2 = f32x4.add(a2, f32x4.mul(s, v128.load(m, 32)));
      a3 = f32x4.add(a3, f32x4.mul(s, v128.load(m, 48)));
      a4 = f32x4.add(a4, f32x4.mul(s, v128.load(m, 64)));
      a5 = f32x4.add(a5, f32x4.mul(s, v128.load(m, 80)));
      a6 = f32x4.add(a6, f32x4.mul(s, v128.load(m, 96)));
      a7 = f32x4.add(a7, f32x4.mul(s, v128.load(m, 112)));
      m += stride;
    }
    v128.store(d, a0, 0); v128.store(d, a1, 16); v128.store(d, a2, 32); v128.store(d, a3, 48);
    v128.store(d, a4, 64); v128.store(d, a5, 80); v128.store(d, a6, 96); v128.store(d, a7, 112);
  }
  for (; j + 4 <= nv; j += 4) {
    const d = dst + (<usize>j << 4);
    let a0 = v128.load(d, 0), a1 = v128.load(d, 16), a2 = v128.load(d, 32), a3 = v128.load(d, 48);
    let m = M + (<usize>j << 4);
    for (let k = 0; k < K; k++) {
      const s = f32x4.splat(load<f32>(src + (<usize>k << 2)));
      a0 = f32x4.add(a0, f32x4.mul(s, v128.load(m, 0)));
      a1 = f32x4.add(a1, f32x4.mul(s, v128.load(m, 16)));
      a2 = f32x4.add(a2, f32x4.mul(s, v128.load(m, 32)));
      a3 = f32x4.add(a3, f32x4.mul(s, v128.load(m, 48)));
      m += stride;
    }
    v128.store(d, a0, 0); v128.store(d, a1, 16); v128.store(d, a2, 32); v128.store(d, a3, 48);
  }
  for (; j < nv; j++) {
    const d = dst + (<usize>j << 4);
    let a0 = v128.load(d);
    let m = M + (<usize>j << 4);
    for (let k = 0; k < K; k++) {
      a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(src + (<usize>k << 2))), v128.load(m)));
      m += stride;
    }
    v128.store(d, a0);
  }
}

/**
 * For one sample: dst[k] = base[k] + dz·M[k, :]ᵀ and dM[k, :] += src[k] · dz, for k < K,
 * over 4·nv columns (M, dM row-major with byte stride `stride`). base may alias dst.
 */
function backRows(dst: usize, base: usize, src: usize, dz: usize, K: i32, M: usize, dM: usize, stride: usize, nv: i32): void {
  for (let k = 0; k < K; k++) {
    const m = M + <usize>k * stride;
    const dm = dM + <usize>k * stride;
    const s = f32x4.splat(load<f32>(src + (<usize>k << 2)));
    let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
    let j = 0;
    for (; j + 2 <= nv; j += 2) {
      const o = <usize>j << 4;
      const d0 = v128.load(dz + o, 0), d1 = v128.load(dz + o, 16);
      acc0 = f32x4.add(acc0, f32x4.mul(d0, v128.load(m + o, 0)));
      acc1 = f32x4.add(acc1, f32x4.mul(d1, v128.load(m + o, 16)));
      v128.store(dm + o, f32x4.add(v128.load(dm + o, 0), f32x4.mul(s, d0)), 0);
      v128.store(dm + o, f32x4.add(v128.load(dm + o, 16), f32x4.mul(s, d1)), 16);
    }
    if (j < nv) {
      const o = <usize>j << 4;
      const d0 = v128.load(dz + o);
      acc0 = f32x4.add(acc0, f32x4.mul(d0, v128.load(m + o)));
      v128.store(dm + o, f32x4.add(v128.load(dm + o), f32x4.mul(s, d0)));
    }
    const p = <usize>k << 2;
    store<f32>(dst + p, load<f32>(base + p) + hsum(f32x4.add(acc0, acc1)));
  }
}

/** dst[0 .. n) = src[0 .. n) (f32), inline: memory.copy is a runtime call in V8, too slow for rows this short. */
@inline function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, v128.load(src + o));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(src + o));
  }
}

/** Copies n floats from src to dst and zeroes dst[n .. np) (the padding lanes). */
@inline function loadPadded(dst: usize, src: usize, n: i32, np: i32): void {
  copyF32(dst, src, n);
  for (let i = n; i < np; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** Unpadded [G blocks of n] <- padded [G blocks of np]. */
function storeBlocks(dst: usize, src: usize, G: i32, n: i32, np: i32): void {
  for (let g = 0; g < G; g++) copyF32(dst + (<usize>(g * n) << 2), src + (<usize>(g * np) << 2), n);
}

/** Padded [G blocks of np] <- unpadded [G blocks of n], padding zeroed. */
function loadBlocks(dst: usize, src: usize, G: i32, n: i32, np: i32): void {
  for (let g = 0; g < G; g++) loadPadded(dst + (<usize>(g * np) << 2), src + (<usize>(g * n) << 2), n, np);
}

/** Padded copy of a weight matrix [rows x G·H] -> [rows x G·Hp] (U: rows = H; W: rows = D). */
function padRows(dst: usize, M: usize, rows: i32, G: i32, H: i32, Hp: i32): void {
  for (let k = 0; k < rows; k++) loadBlocks(dst + (<usize>(k * G * Hp) << 2), M + (<usize>(k * G * H) << 2), G, H, Hp);
}

@inline function present(mask: usize, row: i32): bool {
  return mask == 0 || load<f32>(mask + (<usize>row << 2)) != 0;
}

// ---------------------------------------------------------------- exports

export function heapBase(): usize {
  return __heap_base;
}

export function forwardScratchBytes(lstm: i32, B: i32, H: i32): usize {
  const Hp = roundUp4(H);
  const GHp = (lstm ? 4 : 3) * Hp;
  return align16(<usize>(H * GHp) << 2) + 2 * align16(<usize>(B * Hp) << 2) + align16(<usize>GHp << 2) + align16(<usize>Hp << 2);
}

/** D: the input width when backward also differentiates the input projection (x != 0), else 0. */
export function backwardScratchBytes(lstm: i32, B: i32, H: i32, D: i32): usize {
  const Hp = roundUp4(H);
  const GHp = (lstm ? 4 : 3) * Hp;
  const proj = D > 0 ? 2 * align16(<usize>(D * GHp) << 2) + align16(<usize>GHp << 2) + align16(<usize>D << 2) : 0;
  return 2 * align16(<usize>(H * GHp) << 2) + 2 * align16(<usize>(B * Hp) << 2) + 2 * align16(<usize>GHp << 2) + 5 * align16(<usize>Hp << 2) + proj;
}

// Per-call configuration, shared by the entry points and their per-row step functions. The
// steps are separate (exported, so Binaryen does not inline them back) because V8 only tiers a
// wasm function up from its baseline compiler between calls: a step called T·B times reaches the
// optimising tier during the first call, a loop inside one long-running call would not.
let isHard = false;
let nH = 0; // H
let nHp = 0; // H rounded up to a multiple of 4
let nG = 0; // gates
let nB = 0; // batch
let hv = 0; // vectors per padded gate block
let strideU: usize = 0; // bytes per padded row of U
let gf: usize = 0; // byte offsets of gate blocks 1, 2, 3 in a padded row
let gc: usize = 0;
let go: usize = 0;
let pMask: usize = 0;
let pUp: usize = 0; // padded U [H x G·Hp]
let pdUp: usize = 0; // padded dU accumulator
let pS: usize = 0; // padded state h / carry dh [B x Hp]
let pC: usize = 0; // padded state c / carry dc [B x Hp]
let pPre: usize = 0; // padded row [G·Hp]: pre-activations, then gates (forward); gates (backward)
let pDz: usize = 0; // padded row [G·Hp]: gradient w.r.t. the pre-activations
let pRh: usize = 0; // [Hp] GRU r*h (forward and backward); zeros for the LSTM backward
let pHp: usize = 0; // [Hp] h_{t-1}
let pCp: usize = 0; // [Hp] c_{t-1}
let pCt: usize = 0; // [Hp] c_t
let pDrh: usize = 0; // [Hp] GRU d(r*h)
// Backward with the input projection (xProj = x·W + b) differentiated here too; pX == 0 otherwise.
let nD = 0; // input width D
let pX: usize = 0; // x [T·B x D], time-major rows
let pDx: usize = 0; // out: dx [T·B x D]
let pWp: usize = 0; // padded W [D x G·Hp]
let pdWp: usize = 0; // padded dW accumulator [D x G·Hp]
let pdBp: usize = 0; // padded db accumulator [G·Hp]
let pZeroD: usize = 0; // [D] zeros: the base term of dx
// The samples [bLo, bHi) the next entry call computes (setSamples; by default all B). Threads
// (src/models/rnn/threads.ts) split a batch this way: rows keep their full-batch layout, each
// instance touches only its samples' rows, and the backward's dU, dW and db are its samples'
// partial sums.
let nextLo = 0;
let nextHi = 0;
let bLo = 0;
let bHi = 0;

/** Limits the next forward / infer / backward call to samples [b0, b1) (b1 = 0: every sample). */
export function setSamples(b0: i32, b1: i32): void {
  nextLo = b0;
  nextHi = b1;
}

/** dst[0 .. n) += src[0 .. n): the sum of per-thread partial gradients. */
export function addInto(n: i32, dst: usize, src: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

function configure(lstm: i32, hard: i32, B: i32, H: i32): void {
  bLo = nextLo;
  bHi = nextHi > 0 && nextHi < B ? nextHi : B;
  nextLo = 0;
  nextHi = 0;
  isHard = hard != 0;
  nG = lstm ? 4 : 3;
  nB = B;
  nH = H;
  nHp = roundUp4(H);
  hv = nHp >> 2;
  strideU = <usize>(nG * nHp) << 2;
  gf = <usize>nHp << 2;
  gc = <usize>(2 * nHp) << 2;
  go = <usize>(3 * nHp) << 2;
}

/**
 * Forward over T steps. Pointers are byte offsets of f32 arrays; c0 and mask may be 0 (absent).
 * Writes hOut [T·B·H], cOut [T·B·H] (LSTM), gOut [T·B·G·H].
 */
export function forward(
  lstm: i32, hard: i32, T: i32, B: i32, H: i32,
  xProj: usize, U: usize, h0: usize, c0: usize, mask: usize,
  hOut: usize, cOut: usize, gOut: usize, scratch: usize,
): void {
  configure(lstm, hard, B, H);
  const Hp = nHp, G = nG, GHp = G * Hp;
  pMask = mask;
  // scratch: Up [H x GHp] | hS [B x Hp] | cS [B x Hp] | pre [GHp] | rh [Hp]
  pUp = scratch;
  pS = pUp + align16(<usize>(H * GHp) << 2);
  pC = pS + align16(<usize>(B * Hp) << 2);
  pPre = pC + align16(<usize>(B * Hp) << 2);
  pRh = pPre + align16(<usize>GHp << 2);
  padRows(pUp, U, H, G, H, Hp);
  for (let b = bLo; b < bHi; b++) {
    const off = <usize>(b * Hp) << 2;
    loadPadded(pS + off, h0 + (<usize>(b * H) << 2), H, Hp);
    if (c0 != 0) loadPadded(pC + off, c0 + (<usize>(b * H) << 2), H, Hp);
    else memory.fill(pC + off, 0, <usize>Hp << 2);
  }
  for (let t = 0; t < T; t++) {
    for (let b = bLo; b < bHi; b++) {
      const row = t * B + b;
      const rowG = <usize>(row * G * H) << 2, rowH = <usize>(row * H) << 2;
      if (lstm) _fwdLstmRow(b, row, xProj + rowG, gOut + rowG, hOut + rowH, cOut + rowH);
      else _fwdGruRow(b, row, xProj + rowG, gOut + rowG, hOut + rowH);
    }
  }
}

/** One LSTM step for sample b (row = t·B + b). */
export function _fwdLstmRow(b: i32, row: i32, xRow: usize, gRow: usize, hRow: usize, cRow: usize): void {
  const H = nH, Hp = nHp;
  const hb = pS + (<usize>(b * Hp) << 2);
  const cb = pC + (<usize>(b * Hp) << 2);
  const pre = pPre;
  const on = present(pMask, row);
  loadBlocks(pre, xRow, 4, H, Hp);
  gemvAcc(pre, hb, H, pUp, strideU, 4 * hv);
  for (let v = 0; v < hv; v++) {
    const o = <usize>v << 4;
    const p = pre + o;
    const i = vra(v128.load(p), isHard);
    const f = vra(v128.load(p + gf), isHard);
    const g = vtanh(v128.load(p + gc));
    const og = vra(v128.load(p + go), isHard);
    v128.store(p, i); v128.store(p + gf, f); v128.store(p + gc, g); v128.store(p + go, og);
    if (on) {
      const c = f32x4.add(f32x4.mul(f, v128.load(cb + o)), f32x4.mul(i, g));
      v128.store(cb + o, c);
      v128.store(hb + o, f32x4.mul(og, vtanh(c)));
    }
  }
  storeBlocks(gRow, pre, 4, H, Hp);
  copyF32(hRow, hb, H);
  copyF32(cRow, cb, H);
}

/** One GRU step for sample b (row = t·B + b). */
export function _fwdGruRow(b: i32, row: i32, xRow: usize, gRow: usize, hRow: usize): void {
  const H = nH, Hp = nHp;
  const hb = pS + (<usize>(b * Hp) << 2);
  const pre = pPre, rh = pRh;
  const on = present(pMask, row);
  loadBlocks(pre, xRow, 3, H, Hp);
  gemvAcc(pre, hb, H, pUp, strideU, 2 * hv);
  for (let v = 0; v < hv; v++) {
    const o = <usize>v << 4;
    const p = pre + o;
    const z = vra(v128.load(p), isHard);
    const r = vra(v128.load(p + gf), isHard);
    v128.store(p, z); v128.store(p + gf, r);
    v128.store(rh + o, f32x4.mul(r, v128.load(hb + o)));
  }
  gemvAcc(pre + gc, rh, H, pUp + gc, strideU, hv);
  for (let v = 0; v < hv; v++) {
    const o = <usize>v << 4;
    const p = pre + o;
    const hh = vtanh(v128.load(p + gc));
    v128.store(p + gc, hh);
    if (on) {
      const z = v128.load(p);
      const hp = v128.load(hb + o);
      v128.store(hb + o, f32x4.add(f32x4.mul(z, hp), f32x4.mul(f32x4.sub(splat(1.0), z), hh)));
    }
  }
  storeBlocks(gRow, pre, 3, H, Hp);
  copyF32(hRow, hb, H);
}

/**
 * Backpropagation through time. hOut/cOut/gOut are the forward outputs; dh [T·B·H]; dcLast,
 * c0 and mask may be 0. Writes dU [H·G·H], dh0 [B·H], dc0 [B·H] (LSTM), and either
 *  - x == 0: dxProj [T·B·G·H], the gradient w.r.t. the projected inputs, or
 *  - x != 0 (the forward's xProj was x·W + b, x [T·B·D], W [D·G·H]): dx [T·B·D], dW [D·G·H] and,
 *    when db != 0, db [G·H], accumulated from each row's gate gradient while it is in cache
 *    (dxProj is never materialised). Scratch: backwardScratchBytes(lstm, B, H, x ? D : 0).
 */
export function backward(
  lstm: i32, hard: i32, T: i32, B: i32, H: i32,
  U: usize, h0: usize, c0: usize, mask: usize,
  hOut: usize, cOut: usize, gOut: usize, dh: usize, dcLast: usize,
  dxProj: usize, dUOut: usize, dh0: usize, dc0: usize, scratch: usize,
  D: i32, x: usize, W: usize, dx: usize, dWOut: usize, db: usize,
): void {
  configure(lstm, hard, B, H);
  const Hp = nHp, G = nG, GH = G * H, GHp = G * Hp;
  pMask = mask;
  // scratch: Up | dUp [H x GHp] | dhc | dcc [B x Hp] | gs | dz [GHp] | hp | cp | ct | rh | drh [Hp]
  //          (x != 0:) Wp | dWp [D x GHp] | dbp [GHp] | zeroD [D]
  const uBytes = align16(<usize>(H * GHp) << 2);
  const sBytes = align16(<usize>(B * Hp) << 2);
  const gBytes = align16(<usize>GHp << 2);
  const vBytes = align16(<usize>Hp << 2);
  pUp = scratch;
  pdUp = pUp + uBytes;
  pS = pdUp + uBytes;
  pC = pS + sBytes;
  pPre = pC + sBytes;
  pDz = pPre + gBytes;
  pHp = pDz + gBytes;
  pCp = pHp + vBytes;
  pCt = pCp + vBytes;
  pRh = pCt + vBytes;
  pDrh = pRh + vBytes;
  pX = x;
  if (x != 0) {
    const wBytes = align16(<usize>(D * GHp) << 2);
    nD = D;
    pDx = dx;
    pWp = pDrh + vBytes;
    pdWp = pWp + wBytes;
    pdBp = pdWp + wBytes;
    pZeroD = pdBp + gBytes;
    padRows(pWp, W, D, G, H, Hp);
    memory.fill(pdWp, 0, wBytes + gBytes + align16(<usize>D << 2));
  }
  padRows(pUp, U, H, G, H, Hp);
  memory.fill(pdUp, 0, uBytes + 2 * sBytes);
  memory.fill(pPre, 0, 2 * gBytes + 5 * vBytes);
  if (lstm && dcLast != 0) {
    for (let b = bLo; b < bHi; b++) memory.copy(pC + (<usize>(b * Hp) << 2), dcLast + (<usize>(b * H) << 2), <usize>H << 2);
  }
  const c0z = c0 != 0 ? c0 : pRh; // LSTM: pRh stays all zeros, a stand-in for an absent c0
  for (let t = T - 1; t >= 0; t--) {
    for (let b = bLo; b < bHi; b++) {
      const row = t * B + b;
      const rowG = <usize>(row * GH) << 2, rowH = <usize>(row * H) << 2, bH = <usize>(b * H) << 2;
      const prevH = t == 0 ? h0 + bH : hOut + rowH - (<usize>(B * H) << 2);
      const dxRow = x != 0 ? 0 : dxProj + rowG;
      if (lstm) {
        const prevC = t == 0 ? (c0 != 0 ? c0z + bH : c0z) : cOut + rowH - (<usize>(B * H) << 2);
        _bwdLstmRow(b, row, dh + rowH, dxRow, gOut + rowG, prevH, prevC, cOut + rowH);
      } else _bwdGruRow(b, row, dh + rowH, dxRow, gOut + rowG, prevH);
    }
  }
  for (let k = 0; k < H; k++) storeBlocks(dUOut + (<usize>(k * GH) << 2), pdUp + (<usize>(k * GHp) << 2), G, H, Hp);
  if (x != 0) {
    for (let k = 0; k < D; k++) storeBlocks(dWOut + (<usize>(k * GH) << 2), pdWp + (<usize>(k * GHp) << 2), G, H, Hp);
    if (db != 0) storeBlocks(db, pdBp, G, H, Hp);
  }
  for (let b = bLo; b < bHi; b++) {
    memory.copy(dh0 + (<usize>(b * H) << 2), pS + (<usize>(b * Hp) << 2), <usize>H << 2);
    if (lstm && dc0 != 0) memory.copy(dc0 + (<usize>(b * H) << 2), pC + (<usize>(b * Hp) << 2), <usize>H << 2);
  }
}

/**
 * The row's gate gradient dz (padded, in pDz) leaves the step: stored as dxProj[row], or, with
 * the projection, turned into dx[row] = dz·Wᵀ, dW += x[row]ᵀ dz and db += dz.
 */
@inline function emitDz(row: i32, dxRow: usize): void {
  if (pX == 0) {
    storeBlocks(dxRow, pDz, nG, nH, nHp);
    return;
  }
  const D = nD;
  const off = <usize>(row * D) << 2;
  backRows(pDx + off, pZeroD, pX + off, pDz, D, pWp, pdWp, strideU, nG * hv);
  for (let v = 0; v < nG * hv; v++) {
    const o = <usize>v << 4;
    v128.store(pdBp + o, f32x4.add(v128.load(pdBp + o), v128.load(pDz + o)));
  }
}

/** Adds dh_t to the carried gradient; on a masked row zeroes dxProj (or dx) and returns false. */
@inline function bwdEnter(db: usize, dhRow: usize, dxRow: usize, row: i32, GH: i32): bool {
  const H = nH;
  for (let j = 0; j < H; j++) {
    const p = <usize>j << 2;
    store<f32>(db + p, load<f32>(db + p) + load<f32>(dhRow + p));
  }
  if (present(pMask, row)) return true;
  if (pX != 0) memory.fill(pDx + (<usize>(row * nD) << 2), 0, <usize>nD << 2);
  else for (let j = 0; j < GH; j++) store<f32>(dxRow + (<usize>j << 2), 0);
  return false;
}

/** One LSTM BPTT step for sample b. */
export function _bwdLstmRow(b: i32, row: i32, dhRow: usize, dxRow: usize, gRow: usize, prevH: usize, prevC: usize, cRow: usize): void {
  const H = nH, Hp = nHp;
  const db = pS + (<usize>(b * Hp) << 2);
  const dcb = pC + (<usize>(b * Hp) << 2);
  if (!bwdEnter(db, dhRow, dxRow, row, 4 * H)) return;
  const gs = pPre, dz = pDz, hp = pHp, cp = pCp, ct = pCt;
  loadPadded(hp, prevH, H, Hp);
  loadPadded(cp, prevC, H, Hp);
  loadPadded(ct, cRow, H, Hp);
  loadBlocks(gs, gRow, 4, H, Hp);
  for (let v = 0; v < hv; v++) {
    const o = <usize>v << 4;
    const i = v128.load(gs + o);
    const f = v128.load(gs + o + gf);
    const g = v128.load(gs + o + gc);
    const og = v128.load(gs + o + go);
    const tc = vtanh(v128.load(ct + o));
    const dhv = v128.load(db + o);
    const dc = f32x4.add(v128.load(dcb + o), f32x4.mul(f32x4.mul(dhv, og), f32x4.sub(splat(1.0), f32x4.mul(tc, tc))));
    v128.store(dz + o, f32x4.mul(f32x4.mul(dc, g), vraGrad(i, isHard)));
    v128.store(dz + o + gf, f32x4.mul(f32x4.mul(dc, v128.load(cp + o)), vraGrad(f, isHard)));
    v128.store(dz + o + gc, f32x4.mul(f32x4.mul(dc, i), f32x4.sub(splat(1.0), f32x4.mul(g, g))));
    v128.store(dz + o + go, f32x4.mul(f32x4.mul(dhv, tc), vraGrad(og, isHard)));
    v128.store(dcb + o, f32x4.mul(dc, f));
  }
  emitDz(row, dxRow);
  // dU += h_{t-1}ᵀ dz ; dh_{t-1} = dz·Uᵀ  (pRh is all zeros for the LSTM: the base term)
  backRows(db, pRh, hp, dz, H, pUp, pdUp, strideU, 4 * hv);
}

/** One GRU BPTT step for sample b. */
export function _bwdGruRow(b: i32, row: i32, dhRow: usize, dxRow: usize, gRow: usize, prevH: usize): void {
  const H = nH, Hp = nHp;
  const db = pS + (<usize>(b * Hp) << 2);
  if (!bwdEnter(db, dhRow, dxRow, row, 3 * H)) return;
  const gs = pPre, dz = pDz, hp = pHp, rh = pRh, drh = pDrh;
  loadPadded(hp, prevH, H, Hp);
  loadBlocks(gs, gRow, 3, H, Hp);
  for (let v = 0; v < hv; v++) {
    const o = <usize>v << 4;
    const z = v128.load(gs + o);
    const r = v128.load(gs + o + gf);
    const hh = v128.load(gs + o + gc);
    const dhv = v128.load(db + o);
    const hpv = v128.load(hp + o);
    v128.store(dz + o, f32x4.mul(f32x4.mul(dhv, f32x4.sub(hpv, hh)), vraGrad(z, isHard)));
    v128.store(dz + o + gc, f32x4.mul(f32x4.mul(dhv, f32x4.sub(splat(1.0), z)), f32x4.sub(splat(1.0), f32x4.mul(hh, hh))));
    v128.store(rh + o, f32x4.mul(r, hpv));
    v128.store(drh + o, f32x4.splat(0));
  }
  // Candidate branch: d(r*h) = dhh_pre·Uhᵀ ; dUh += (r*h)ᵀ dhh_pre.
  backRows(drh, drh, rh, dz + gc, H, pUp + gc, pdUp + gc, strideU, hv);
  for (let v = 0; v < hv; v++) {
    const o = <usize>v << 4;
    const r = v128.load(gs + o + gf);
    v128.store(dz + o + gf, f32x4.mul(f32x4.mul(v128.load(drh + o), v128.load(hp + o)), vraGrad(r, isHard)));
    // the direct paths into dh_{t-1}: dh*z + d(r*h)*r
    v128.store(db + o, f32x4.add(f32x4.mul(v128.load(db + o), v128.load(gs + o)), f32x4.mul(v128.load(drh + o), r)));
  }
  emitDz(row, dxRow);
  // z and r branches: dU[:, 0:2Hp] += h_{t-1}ᵀ [dz, dr] ; dh_{t-1} += [dz, dr]·[Uz | Ur]ᵀ
  backRows(db, db, hp, dz, H, pUp, pdUp, strideU, 2 * hv);
}

// ---------------------------------------------------------------- forward only (inference)

/**
 * Forward over T steps without saving anything for a backward pass: no gates, no c sequence.
 * hOut is [T·B·H] (every step) when hSeq != 0, else [B·H] (the state after the last step, which
 * with a mask is the last unmasked output). cOut (LSTM, may be 0): the last c [B·H].
 * Scratch: forwardScratchBytes.
 */
export function infer(
  lstm: i32, hard: i32, T: i32, B: i32, H: i32,
  xProj: usize, U: usize, h0: usize, c0: usize, mask: usize,
  hOut: usize, hSeq: i32, cOut: usize, scratch: usize,
): void {
  configure(lstm, hard, B, H);
  const Hp = nHp, G = nG, GHp = G * Hp;
  pMask = mask;
  pUp = scratch;
  pS = pUp + align16(<usize>(H * GHp) << 2);
  pC = pS + align16(<usize>(B * Hp) << 2);
  pPre = pC + align16(<usize>(B * Hp) << 2);
  pRh = pPre + align16(<usize>GHp << 2);
  padRows(pUp, U, H, G, H, Hp);
  for (let b = bLo; b < bHi; b++) {
    const off = <usize>(b * Hp) << 2;
    loadPadded(pS + off, h0 + (<usize>(b * H) << 2), H, Hp);
    if (c0 != 0) loadPadded(pC + off, c0 + (<usize>(b * H) << 2), H, Hp);
    else memory.fill(pC + off, 0, <usize>Hp << 2);
  }
  for (let t = 0; t < T; t++) {
    for (let b = bLo; b < bHi; b++) {
      const row = t * B + b;
      const xRow = xProj + (<usize>(row * G * H) << 2);
      const hRow = hSeq != 0 ? hOut + (<usize>(row * H) << 2) : 0;
      if (lstm) _infLstmRow(b, row, xRow, hRow);
      else _infGruRow(b, row, xRow, hRow);
    }
  }
  for (let b = bLo; b < bHi; b++) {
    const off = <usize>(b * Hp) << 2, offH = <usize>(b * H) << 2;
    if (hSeq == 0) copyF32(hOut + offH, pS + off, H);
    if (lstm && cOut != 0) copyF32(cOut + offH, pC + off, H);
  }
}

/** One forward-only LSTM step for sample b; writes h_t to hRow unless hRow is 0. */
export function _infLstmRow(b: i32, row: i32, xRow: usize, hRow: usize): void {
  const H = nH, Hp = nHp;
  const hb = pS + (<usize>(b * Hp) << 2);
  const cb = pC + (<usize>(b * Hp) << 2);
  const pre = pPre;
  if (present(pMask, row)) {
    loadBlocks(pre, xRow, 4, H, Hp);
    gemvAcc(pre, hb, H, pUp, strideU, 4 * hv);
    for (let v = 0; v < hv; v++) {
      const o = <usize>v << 4;
      const p = pre + o;
      const i = vra(v128.load(p), isHard);
      const f = vra(v128.load(p + gf), isHard);
      const g = vtanh(v128.load(p + gc));
      const og = vra(v128.load(p + go), isHard);
      const c = f32x4.add(f32x4.mul(f, v128.load(cb + o)), f32x4.mul(i, g));
      v128.store(cb + o, c);
      v128.store(hb + o, f32x4.mul(og, vtanh(c)));
    }
  }
  if (hRow != 0) copyF32(hRow, hb, H);
}

/** One forward-only GRU step for sample b; writes h_t to hRow unless hRow is 0. */
export function _infGruRow(b: i32, row: i32, xRow: usize, hRow: usize): void {
  const H = nH, Hp = nHp;
  const hb = pS + (<usize>(b * Hp) << 2);
  const pre = pPre, rh = pRh;
  if (present(pMask, row)) {
    loadBlocks(pre, xRow, 3, H, Hp);
    gemvAcc(pre, hb, H, pUp, strideU, 2 * hv);
    for (let v = 0; v < hv; v++) {
      const o = <usize>v << 4;
      const p = pre + o;
      const z = vra(v128.load(p), isHard);
      const r = vra(v128.load(p + gf), isHard);
      v128.store(p, z);
      v128.store(rh + o, f32x4.mul(r, v128.load(hb + o)));
    }
    gemvAcc(pre + gc, rh, H, pUp + gc, strideU, hv);
    for (let v = 0; v < hv; v++) {
      const o = <usize>v << 4;
      const p = pre + o;
      const hh = vtanh(v128.load(p + gc));
      const z = v128.load(p);
      const hp = v128.load(hb + o);
      v128.store(hb + o, f32x4.add(f32x4.mul(z, hp), f32x4.mul(f32x4.sub(splat(1.0), z), hh)));
    }
  }
  if (hRow != 0) copyF32(hRow, hb, H);
}

// ---------------------------------------------------------------- Adam (the optimiser's update)

/**
 * One Adam step over n floats, in place on m and v, the new value into pOut (which may be p):
 * tfjs's AdamOptimizer.applyGradients operation by operation, each an IEEE-rounded f32 operation
 * as tfjs's own kernels are (no fused multiply-add), so the result is tfjs's to the bit:
 *   m' = m·b1 + g·c1        v' = v·b2 + g²·c2        (c1 = 1 − b1, c2 = 1 − b2, as f32)
 *   p' = ((m' / a1) / (sqrt(v' / a2) + eps))·(−lr) + p   (a1 = 1 − b1^t, a2 = 1 − b2^t)
 * One call per variable replaces about fourteen tfjs kernels.
 */
export function adamStep(n: i32, p: usize, g: usize, m: usize, v: usize, pOut: usize, b1: f32, c1: f32, b2: f32, c2: f32, a1: f32, a2: f32, eps: f32, negLr: f32): void {
  const vb1 = splat(b1), vc1 = splat(c1), vb2 = splat(b2), vc2 = splat(c2), va1 = splat(a1), va2 = splat(a2), veps = splat(eps), vlr = splat(negLr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(gi, vc1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(gi, gi), vc2));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const step = f32x4.div(f32x4.div(mi, va1), f32x4.add(f32x4.sqrt(f32x4.div(vi, va2)), veps));
    v128.store(pOut + o, f32x4.add(f32x4.mul(step, vlr), v128.load(p + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = load<f32>(m + o) * b1 + gi * c1;
    const vi = load<f32>(v + o) * b2 + gi * gi * c2;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(pOut + o, ((mi / a1) / (Mathf.sqrt(vi / a2) + eps)) * negLr + load<f32>(p + o));
  }
}

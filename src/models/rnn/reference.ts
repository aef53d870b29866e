// The reference recurrent kernel: a plain scalar TypeScript implementation of the RnnKernel API
// (kernel-api.ts), forward and backpropagation through time, over float32 typed arrays. It is
// the fallback when no faster kernel is plugged in and the oracle the WASM kernel is tested
// against, so it favours clarity over speed (loops are only ordered for cache-friendly access).
//
// What it computes is exactly what tfjs-layers' LSTMCell / GRUCell compute per step (tfjs 4.22,
// "implementation 2"), with the input projection x·W + b already done by the caller (xProj):
//
//   LSTM (G = 4, gate order i, f, c, o):
//     z = xProj_t + h_{t-1}·U
//     i = ra(z_i)  f = ra(z_f)  g = tanh(z_c)  o = ra(z_o)
//     c_t = f * c_{t-1} + i * g          h_t = o * tanh(c_t)
//   GRU (G = 3, gate order z, r, h; reset applied before the recurrent product, no reset_after):
//     z = ra(xz + h_{t-1}·Uz)   r = ra(xr + h_{t-1}·Ur)
//     hh = tanh(xh + (r * h_{t-1})·Uh)  h_t = z * h_{t-1} + (1 - z) * hh
//
// ra is the recurrent activation: 'hardSigmoid' (tfjs's default: clip(0.2 x + 0.5, 0, 1)) or
// 'sigmoid'. Masking follows Keras/tfjs: at a step whose mask is 0 the state (h, and c for the
// LSTM) carries over unchanged and the output repeats the previous output; the gates are still
// computed and stored there (so every kernel's `gates` agree) but receive no gradient.
//
// Layouts (all row-major, time-major): xProj and gates [T, B, G*H]; h and c [T, B, H];
// U [H, G*H]; h0, c0 [B, H]; mask [T, B]. Arithmetic runs in JS doubles and every stored value
// is rounded to float32, so results agree with tfjs's float32 ops to a few ulps per step.

import type { BackwardIn, BackwardOut, Cell, ForwardIn, ForwardOut, InferIn, InferOut, RnnKernel } from './kernel-api.js';
import { inferFromForward } from './kernel-api.js';

type RecurrentActivation = 'sigmoid' | 'hardSigmoid';

/** Gates per cell: 4 for the LSTM (i, f, c, o), 3 for the GRU (z, r, h). */
export function gateCount(cell: Cell): number {
  return cell === 'lstm' ? 4 : 3;
}

function activate(kind: RecurrentActivation, x: number): number {
  if (kind === 'sigmoid') return 1 / (1 + Math.exp(-x));
  const y = 0.2 * x + 0.5;
  return y < 0 ? 0 : y > 1 ? 1 : y;
}

/** d ra / d pre-activation, from the post-activation value s. hardSigmoid: 0.2 inside (0, 1). */
function activateGrad(kind: RecurrentActivation, s: number): number {
  if (kind === 'sigmoid') return s * (1 - s);
  return s > 0 && s < 1 ? 0.2 : 0;
}

function check(a: ForwardIn): { G: number; ra: RecurrentActivation } {
  const { T, B, H } = a.shape;
  for (const [k, v] of Object.entries({ T, B, H })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`rnn kernel: ${k} must be a positive integer (got ${String(v)})`);
  }
  if (a.cell !== 'lstm' && a.cell !== 'gru') throw new Error(`rnn kernel: unknown cell "${String(a.cell)}"`);
  const G = gateCount(a.cell);
  const ra = a.recurrentActivation ?? 'hardSigmoid';
  if (ra !== 'sigmoid' && ra !== 'hardSigmoid') throw new Error(`rnn kernel: unsupported recurrent activation "${String(ra)}"`);
  const size = (name: string, arr: Float32Array | undefined, n: number): void => {
    if (arr !== undefined && arr.length !== n) throw new Error(`rnn kernel: ${name} holds ${arr.length} values, expected ${n}`);
  };
  size('xProj', a.xProj, T * B * G * H);
  size('U', a.U, H * G * H);
  size('h0', a.h0, B * H);
  size('c0', a.c0, B * H);
  size('mask', a.mask, T * B);
  return { G, ra };
}

function forward(a: ForwardIn): ForwardOut {
  const { G, ra } = check(a);
  const { T, B, H } = a.shape;
  const GH = G * H;
  const { xProj, U, mask } = a;
  const h = new Float32Array(T * B * H);
  const gates = new Float32Array(T * B * GH);
  const lstm = a.cell === 'lstm';
  const c = lstm ? new Float32Array(T * B * H) : undefined;
  const c0 = a.c0 ?? new Float32Array(B * H);
  const pre = new Float64Array(GH); // pre-activations of one sample
  const rh = new Float64Array(H); // GRU: r * h_{t-1}

  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const hPrev = t === 0 ? a.h0 : h;
      const hp = t === 0 ? b * H : ((t - 1) * B + b) * H; // offset of h_{t-1} in hPrev
      const row = (t * B + b) * GH;
      const out = (t * B + b) * H;
      const present = mask === undefined || mask[t * B + b] !== 0;

      if (lstm) {
        // z = xProj + h_{t-1}·U over all four gates at once.
        for (let j = 0; j < GH; j++) pre[j] = xProj[row + j]!;
        for (let k = 0; k < H; k++) {
          const hk = hPrev[hp + k]!;
          if (hk === 0) continue;
          const u = k * GH;
          for (let j = 0; j < GH; j++) pre[j]! += hk * U[u + j]!;
        }
        const cPrev = t === 0 ? c0 : c!;
        for (let j = 0; j < H; j++) {
          const i = Math.fround(activate(ra, pre[j]!));
          const f = Math.fround(activate(ra, pre[H + j]!));
          const g = Math.fround(Math.tanh(pre[2 * H + j]!));
          const o = Math.fround(activate(ra, pre[3 * H + j]!));
          gates[row + j] = i;
          gates[row + H + j] = f;
          gates[row + 2 * H + j] = g;
          gates[row + 3 * H + j] = o;
          if (present) {
            const ct = Math.fround(f * cPrev[hp + j]! + i * g);
            c![out + j] = ct;
            h[out + j] = o * Math.tanh(ct);
          } else {
            c![out + j] = cPrev[hp + j]!;
            h[out + j] = hPrev[hp + j]!;
          }
        }
      } else {
        // z and r from h_{t-1}·[Uz | Ur]; the candidate from (r * h_{t-1})·Uh.
        for (let j = 0; j < GH; j++) pre[j] = xProj[row + j]!;
        for (let k = 0; k < H; k++) {
          const hk = hPrev[hp + k]!;
          if (hk === 0) continue;
          const u = k * GH;
          for (let j = 0; j < 2 * H; j++) pre[j]! += hk * U[u + j]!;
        }
        for (let j = 0; j < H; j++) {
          const z = Math.fround(activate(ra, pre[j]!));
          const r = Math.fround(activate(ra, pre[H + j]!));
          gates[row + j] = z;
          gates[row + H + j] = r;
          rh[j] = Math.fround(r * hPrev[hp + j]!);
        }
        for (let k = 0; k < H; k++) {
          const rk = rh[k]!;
          if (rk === 0) continue;
          const u = k * GH + 2 * H;
          for (let j = 0; j < H; j++) pre[2 * H + j]! += rk * U[u + j]!;
        }
        for (let j = 0; j < H; j++) {
          const hh = Math.fround(Math.tanh(pre[2 * H + j]!));
          gates[row + 2 * H + j] = hh;
          const z = gates[row + j]!;
          const prev = hPrev[hp + j]!;
          h[out + j] = present ? z * prev + (1 - z) * hh : prev;
        }
      }
    }
  }
  return lstm ? { h, c: c!, gates } : { h, gates };
}

function backward(a: BackwardIn): BackwardOut {
  const { G, ra } = check(a);
  const { T, B, H } = a.shape;
  const GH = G * H;
  const { U, mask, out } = a;
  const lstm = a.cell === 'lstm';
  if (a.dh.length !== T * B * H) throw new Error(`rnn kernel: dh holds ${a.dh.length} values, expected ${T * B * H}`);
  if (out.h.length !== T * B * H || out.gates.length !== T * B * GH) throw new Error('rnn kernel: forward output does not match the shape');
  if (lstm && (out.c === undefined || out.c.length !== T * B * H)) throw new Error('rnn kernel: LSTM backward needs the forward c');
  if (a.dcLast !== undefined && a.dcLast.length !== B * H) throw new Error(`rnn kernel: dcLast holds ${a.dcLast.length} values, expected ${B * H}`);

  const { h, gates } = out;
  const c = out.c ?? new Float32Array(0);
  const c0 = a.c0 ?? new Float32Array(B * H);
  const dxProj = new Float32Array(T * B * GH);
  const dUacc = new Float64Array(H * GH);
  // Gradient flowing into h_t (and c_t) from step t+1, per sample; ends as dh0 / dc0.
  const dhCarry = new Float64Array(B * H);
  const dcCarry = new Float64Array(B * H);
  if (lstm && a.dcLast !== undefined) for (let i = 0; i < B * H; i++) dcCarry[i] = a.dcLast[i]!;
  const dz = new Float64Array(GH); // gradient w.r.t. the pre-activations of one sample
  const drh = new Float64Array(H); // GRU: gradient w.r.t. r * h_{t-1}

  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const s = b * H; // offset in the carries
      const at = (t * B + b) * H;
      // Total gradient on h_t: from the output at t and from step t+1.
      for (let j = 0; j < H; j++) dhCarry[s + j]! += a.dh[at + j]!;
      if (mask !== undefined && mask[t * B + b] === 0) continue; // h_t = h_{t-1}, c_t = c_{t-1}: the carries pass through

      const hPrev = t === 0 ? a.h0 : h;
      const hp = t === 0 ? s : ((t - 1) * B + b) * H;
      const row = (t * B + b) * GH;

      if (lstm) {
        const cPrev = t === 0 ? c0 : c;
        for (let j = 0; j < H; j++) {
          const i = gates[row + j]!;
          const f = gates[row + H + j]!;
          const g = gates[row + 2 * H + j]!;
          const o = gates[row + 3 * H + j]!;
          const tc = Math.tanh(c[at + j]!);
          const dhj = dhCarry[s + j]!;
          const dc = dcCarry[s + j]! + dhj * o * (1 - tc * tc);
          dz[j] = dc * g * activateGrad(ra, i);
          dz[H + j] = dc * cPrev[hp + j]! * activateGrad(ra, f);
          dz[2 * H + j] = dc * i * (1 - g * g);
          dz[3 * H + j] = dhj * tc * activateGrad(ra, o);
          dcCarry[s + j] = dc * f;
        }
        for (let j = 0; j < GH; j++) dxProj[row + j] = dz[j]!;
        // dU += h_{t-1}ᵀ dz ; dh_{t-1} = dz·Uᵀ
        for (let k = 0; k < H; k++) {
          const u = k * GH;
          const hk = hPrev[hp + k]!;
          let acc = 0;
          for (let j = 0; j < GH; j++) {
            const d = dz[j]!;
            dUacc[u + j]! += hk * d;
            acc += d * U[u + j]!;
          }
          dhCarry[s + k] = acc;
        }
      } else {
        for (let j = 0; j < H; j++) {
          const z = gates[row + j]!;
          const hh = gates[row + 2 * H + j]!;
          const dhj = dhCarry[s + j]!;
          dz[j] = dhj * (hPrev[hp + j]! - hh) * activateGrad(ra, z);
          dz[2 * H + j] = dhj * (1 - z) * (1 - hh * hh);
        }
        // Candidate branch: d(r*h) = dhh_pre·Uhᵀ, dUh += (r*h)ᵀ dhh_pre.
        for (let k = 0; k < H; k++) {
          const u = k * GH + 2 * H;
          const rhk = Math.fround(gates[row + H + k]! * hPrev[hp + k]!);
          let acc = 0;
          for (let j = 0; j < H; j++) {
            const d = dz[2 * H + j]!;
            dUacc[u + j]! += rhk * d;
            acc += d * U[u + j]!;
          }
          drh[k] = acc;
        }
        for (let j = 0; j < H; j++) {
          const r = gates[row + H + j]!;
          dz[H + j] = drh[j]! * hPrev[hp + j]! * activateGrad(ra, r);
        }
        for (let j = 0; j < GH; j++) dxProj[row + j] = dz[j]!;
        // z and r branches: dU[:, 0:2H] += h_{t-1}ᵀ [dz, dr]; dh_{t-1} = dh*z + d(r*h)*r + [dz, dr]·[Uz | Ur]ᵀ.
        for (let k = 0; k < H; k++) {
          const u = k * GH;
          const hk = hPrev[hp + k]!;
          let acc = dhCarry[s + k]! * gates[row + k]! + drh[k]! * gates[row + H + k]!;
          for (let j = 0; j < 2 * H; j++) {
            const d = dz[j]!;
            dUacc[u + j]! += hk * d;
            acc += d * U[u + j]!;
          }
          dhCarry[s + k] = acc;
        }
      }
    }
  }
  const result: BackwardOut = { dxProj, dU: Float32Array.from(dUacc), dh0: Float32Array.from(dhCarry) };
  if (lstm) result.dc0 = Float32Array.from(dcCarry);
  return result;
}

/** The scalar TypeScript kernel (see the top of this file). */
/** Forward-only: by definition the full forward's h (all steps, or the last with lastOnly) and last c. */
function infer(a: InferIn): InferOut {
  return inferFromForward(a, forward(a));
}

export const referenceKernel: RnnKernel = { forward, backward, infer };

// The wasm RNN kernel run in place on the tfjs wasm backend's heap. The kernel module is
// instantiated a second time over the backend's own WebAssembly.Memory, so it reads xProj, U,
// the mask and dy where tfjs keeps them and writes h, c, the gates, dxProj and dU straight into
// tensors tfjs allocated: no copy in or out of the kernel, no fresh multi-MB JS arrays (whose
// page faults cost as much as the recurrence, measured with scratch profiles), and no upload of
// the results. On tfjs's threaded build (backend.ts, kernel threads > 1) the heap is shared and
// each call is split by samples over the kernel's threads (threads.ts), every part in place too.
//
// This reads tfjs-backend-wasm internals (the emscripten module's `asm.memory` or `wasmMemory`, `makeOutput`,
// `getMemoryOffset`); tfjsHeapRnn() returns null when they are not as expected, and the layers
// fall back to the copying kernel (wasm.ts), which computes the same numbers.

import * as tf from '@tensorflow/tfjs';
import { kernelThreads } from '../backend.js';
import type { Cell } from './kernel-api.js';
import { splitSamples, startKernelThreads, type KernelThreads, type ThreadEntry, type ThreadPart } from './threads.js';
import { isSharedMemory, kernelModuleFor, wasmInstanceOn, wasmSimdAvailable, type RnnExports, type WasmMemory } from './wasm.js';

interface WasmBackendInternals {
  // asm.memory: the ordinary build's own memory; wasmMemory: the threaded build's imported, shared one.
  wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown } | null;
  makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo;
  getMemoryOffset?(dataId: object): number;
}

/** The sizes and activations of one recurrence. */
export interface HeapSeq {
  readonly cell: Cell;
  readonly hard: boolean;
  readonly T: number;
  readonly B: number;
  readonly H: number;
}

/** Forward results, all tfjs tensors on the wasm heap: h and c time-major [T, B, H], gates [T*B, G*H]. */
export interface HeapForward {
  readonly h: tf.Tensor3D;
  readonly c: tf.Tensor | null;
  readonly gates: tf.Tensor;
}

/** The input projection xProj = x·W + b: x time-major [T*B, D], W [D, G*H], b [G*H] or null. */
export interface HeapProjection {
  readonly x: tf.Tensor;
  readonly W: tf.Tensor;
  readonly b: tf.Tensor | null;
}

/** Gradients of the projection's inputs and of U (the initial states are constants). */
export interface HeapGrads {
  readonly dx: tf.Tensor2D;
  readonly dW: tf.Tensor2D;
  readonly db: tf.Tensor1D | null;
  readonly dU: tf.Tensor2D;
}

export interface HeapRnn {
  /** Forward over the sequence keeping what backward needs. xProj [T*B, G*H], U [H, G*H], h0 [B, H], mask [T, B] (1 present) or null. */
  forward(s: HeapSeq, xProj: tf.Tensor, U: tf.Tensor, h0: tf.Tensor, mask: tf.Tensor | null): HeapForward;
  /**
   * Backpropagation from dy [T, B, H] through the recurrence and the projection whose output
   * was the forward's xProj, in one pass: each row's gate gradient goes into dx, dW and db while
   * it is in cache, so the [T*B, G*H] gradient of xProj is never written out.
   */
  backward(s: HeapSeq, p: HeapProjection, U: tf.Tensor, h0: tf.Tensor, mask: tf.Tensor | null, fwd: HeapForward, dy: tf.Tensor): HeapGrads;
  /** Forward only: h [T, B, H] for every step, or with lastOnly the final state [B, H]. */
  infer(s: HeapSeq, xProj: tf.Tensor, U: tf.Tensor, h0: tf.Tensor, mask: tf.Tensor | null, lastOnly: boolean): tf.Tensor;
  /** h[T-1] of a time-major [T, B, H] as a new [B, H] (a heap copy: tfjs's wasm slice costs in proportion to the whole input). */
  lastStep(h: tf.Tensor3D): tf.Tensor2D;
  /** A new [T, B, H] of zeros but for its last step, which is dLast [B, H]: the gradient of lastStep. */
  intoLastStep(dLast: tf.Tensor, T: number): tf.Tensor3D;
  /**
   * One Adam step for one variable (src/models/adam.ts): m and v (tensors the optimiser owns, no
   * other tensor sharing their memory) updated in place, the new value returned as a new tensor.
   */
  adamStep(value: tf.Tensor, gradient: tf.Tensor, m: tf.Tensor, v: tf.Tensor, c: AdamConstants): tf.Tensor;
}

/** The f32 constants of one Adam step (see assembly/rnn.ts adamStep). */
export interface AdamConstants {
  readonly b1: number;
  readonly c1: number;
  readonly b2: number;
  readonly c2: number;
  readonly a1: number;
  readonly a2: number;
  readonly eps: number;
  readonly negLr: number;
}

/** The in-place kernel when the active backend is tfjs's wasm one and exposes what it needs; else null. */
export function tfjsHeapRnn(): HeapRnn | null {
  if (tf.getBackend() !== 'wasm' || !wasmSimdAvailable()) return null;
  const be = tf.backend() as unknown as WasmBackendInternals;
  const memory = be.wasm?.asm?.memory ?? be.wasm?.wasmMemory;
  if (!isMemory(memory) || typeof be.makeOutput !== 'function' || typeof be.getMemoryOffset !== 'function') return null;
  const k = wasmInstanceOn(memory);
  return heapRnn(k, memory, be as Required<WasmBackendInternals>, threadsOn(memory, k));
}

const pools = new WeakMap<WasmMemory, KernelThreads>();

/** The kernel's thread pool over a shared heap (started once per memory and count), or null for one thread. */
function threadsOn(memory: WasmMemory, self: RnnExports): KernelThreads | null {
  const n = kernelThreads();
  if (n <= 1 || !isSharedMemory(memory)) return null;
  let pool = pools.get(memory);
  if (pool === undefined || pool.count !== n) {
    pool?.close();
    pool = startKernelThreads(kernelModuleFor(memory), memory, self, n);
    pools.set(memory, pool);
  }
  return pool;
}

/**
 * Samples per thread below which a call is not split: the handoff costs two thread wake-ups
 * (tens of microseconds), a sample's forward a few to a few hundred.
 */
const MIN_SAMPLES_PER_THREAD = 4;

function isMemory(m: unknown): m is WasmMemory {
  const Memory = (globalThis as unknown as { WebAssembly?: { Memory?: new (...a: never[]) => unknown } }).WebAssembly?.Memory;
  return Memory !== undefined && m instanceof Memory;
}

function heapRnn(k: RnnExports, memory: WasmMemory, be: Required<WasmBackendInternals>, pool: KernelThreads | null): HeapRnn {
  /** A float32 tensor on the heap whose memory is not initialised (the kernel writes all of it). */
  const alloc = (shape: number[]): tf.Tensor => tf.engine().makeTensorFromTensorInfo(be.makeOutput(shape, 'float32'));
  const ptr = (t: tf.Tensor | null): number => {
    if (t === null) return 0;
    if (t.dtype !== 'float32') throw new Error(`rnn heap kernel: expected a float32 tensor, got ${t.dtype}`);
    return be.getMemoryOffset(t.dataId);
  };
  const gates = (s: HeapSeq): number => (s.cell === 'lstm' ? 4 : 3);
  const lstm = (s: HeapSeq): number => (s.cell === 'lstm' ? 1 : 0);
  // Scratch is allocated (and so its offset taken) before any other pointer is read: an
  // allocation may grow the memory, which keeps offsets but not views.
  const scratch = (bytes: number): tf.Tensor => alloc([Math.ceil(bytes / 4) + 4]);
  const aligned = (t: tf.Tensor): number => (ptr(t) + 15) & ~15;
  /** The sample ranges one call is split into (one range without threads). */
  const parts = (B: number): Array<readonly [number, number]> => (pool === null ? [[0, B]] : splitSamples(B, pool.count, MIN_SAMPLES_PER_THREAD));
  /**
   * Runs a kernel entry over the batch: split over the threads when there are any, each part with
   * scratch of its own. `args(i, scratch)` gives part i's arguments; it is called after every
   * allocation of this call, so the pointers it reads are final.
   */
  const run = (entry: ThreadEntry, B: number, scratchBytes: number, args: (part: number, scratch: number) => number[]): void => {
    const ranges = parts(B);
    const scratches = ranges.map(() => scratch(scratchBytes));
    try {
      const calls: ThreadPart[] = ranges.map(([b0, b1], i) => ({ b0, b1, args: args(i, aligned(scratches[i]!)) }));
      if (pool === null || calls.length === 1) {
        k.setSamples(0, 0);
        (k[entry] as (...a: number[]) => void)(...calls[0]!.args);
      } else pool.run(entry, calls);
    } finally {
      tf.dispose(scratches);
    }
  };
  /** Copies n floats between heap tensors (offsets in floats); the view is made after every allocation. */
  const copy = (dst: tf.Tensor, dstAt: number, src: tf.Tensor, srcAt: number, n: number): void => {
    const heap = new Float32Array(memory.buffer);
    const from = ptr(src) / 4 + srcAt;
    heap.copyWithin(ptr(dst) / 4 + dstAt, from, from + n);
  };

  return {
    forward(s, xProj, U, h0, mask) {
      const { T, B, H } = s;
      const G = gates(s);
      const h = alloc([T, B, H]) as tf.Tensor3D;
      const c = s.cell === 'lstm' ? alloc([T, B, H]) : null;
      const g = alloc([T * B, G * H]);
      const bytes = k.forwardScratchBytes(lstm(s), B, H);
      run('forward', B, bytes, (_, sc) => [lstm(s), s.hard ? 1 : 0, T, B, H, ptr(xProj), ptr(U), ptr(h0), 0, ptr(mask), ptr(h), ptr(c), ptr(g), sc]);
      return { h, c, gates: g };
    },
    backward(s, p, U, h0, mask, fwd, dy) {
      const { T, B, H } = s;
      const G = gates(s);
      const D = p.x.shape[1]!;
      const dx = alloc([T * B, D]) as tf.Tensor2D;
      const dW = alloc([D, G * H]) as tf.Tensor2D;
      const db = p.b === null ? null : (alloc([G * H]) as tf.Tensor1D);
      const dU = alloc([H, G * H]) as tf.Tensor2D;
      const dStates = alloc([2, B, H]); // dh0, dc0: computed by the kernel, unused here
      const bytes = k.backwardScratchBytes(lstm(s), B, H, D);
      // Each part past the first sums its samples' dU, dW and db into a buffer of its own.
      const nParts = parts(B).length;
      const sums = Array.from({ length: nParts - 1 }, () => [alloc([H, G * H]), alloc([D, G * H]), p.b === null ? null : alloc([G * H])] as const);
      const d0 = ptr(dStates);
      run('backward', B, bytes, (i, sc) => {
        const [pdU, pdW, pdb] = i === 0 ? [dU, dW, db] : sums[i - 1]!;
        return [
          lstm(s), s.hard ? 1 : 0, T, B, H, ptr(U), ptr(h0), 0, ptr(mask), ptr(fwd.h), ptr(fwd.c), ptr(fwd.gates), ptr(dy), 0,
          0, ptr(pdU), d0, s.cell === 'lstm' ? d0 + 4 * B * H : 0, sc,
          D, ptr(p.x), ptr(p.W), ptr(dx), ptr(pdW), ptr(pdb),
        ];
      });
      for (const [pdU, pdW, pdb] of sums) {
        k.addInto(dU.size, ptr(dU), ptr(pdU));
        k.addInto(dW.size, ptr(dW), ptr(pdW));
        if (db !== null && pdb !== null) k.addInto(db.size, ptr(db), ptr(pdb));
      }
      tf.dispose([dStates, ...sums.flat().filter((t): t is tf.Tensor => t !== null)]);
      return { dx, dW, db, dU };
    },
    infer(s, xProj, U, h0, mask, lastOnly) {
      const { T, B, H } = s;
      const h = alloc(lastOnly ? [B, H] : [T, B, H]);
      const bytes = k.forwardScratchBytes(lstm(s), B, H);
      run('infer', B, bytes, (_, sc) => [lstm(s), s.hard ? 1 : 0, T, B, H, ptr(xProj), ptr(U), ptr(h0), 0, ptr(mask), ptr(h), lastOnly ? 0 : 1, 0, sc]);
      return h;
    },
    lastStep(h) {
      const [T, B, H] = h.shape;
      const last = alloc([B, H]) as tf.Tensor2D;
      copy(last, 0, h, (T - 1) * B * H, B * H);
      return last;
    },
    intoLastStep(dLast, T) {
      const [B, H] = dLast.shape as [number, number];
      const d = tf.zeros([T, B, H]) as tf.Tensor3D;
      copy(d, (T - 1) * B * H, dLast, 0, B * H);
      return d;
    },
    adamStep(value, gradient, m, v, c) {
      const out = alloc([...value.shape]);
      k.adamStep(value.size, ptr(value), ptr(gradient), ptr(m), ptr(v), ptr(out), c.b1, c.c1, c.b2, c.c2, c.a1, c.a2, c.eps, c.negLr);
      return out;
    },
  };
}

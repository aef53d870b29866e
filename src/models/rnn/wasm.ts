// The WebAssembly RNN kernel: loads rnn.wasm (built from assembly/rnn.ts by
// `node scripts/build-wasm.mjs`: SIMD f32x4; its only import is its linear memory; rnn-shared.wasm
// is the same code importing a shared memory, for tfjs's threaded heap and threads.ts)
// and wraps it as an RnnKernel (kernel-api.ts) over a memory of its own. wasmInstanceOn() binds
// the same module to another memory (tfjs-heap.ts: the tfjs wasm backend's heap, in place). Same semantics as the scalar reference kernel (reference.ts): tfjs-layers'
// LSTMCell / GRUCell recurrences over projected inputs, Keras masking, float32 throughout.
//
// Memory: the module has no allocator. Each call lays its buffers out in linear memory from the
// module's heap base upward (16-byte aligned), grows the memory when a call needs more, copies
// the inputs in, runs, and copies the outputs out. Memory is never shrunk (it is reused).

import { readFileSync } from 'node:fs';
import type { BackwardIn, BackwardOut, ForwardIn, ForwardOut, InferIn, InferOut, RnnKernel } from './kernel-api.js';

// The WebAssembly JS API, typed here because the project's lib (ES2023, no DOM) does not declare it.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The module's exports (pointers are byte offsets into the memory it was instantiated with). */
export interface RnnExports {
  heapBase(): number;
  /** Limits the next forward / infer / backward call to samples [b0, b1) (threads.ts). */
  setSamples(b0: number, b1: number): void;
  /** dst[0 .. n) += src[0 .. n) (floats; byte pointers). */
  addInto(n: number, dst: number, src: number): void;
  /** One Adam step in place (assembly/rnn.ts adamStep): m, v updated, the new value into pOut. */
  adamStep(n: number, p: number, g: number, m: number, v: number, pOut: number, b1: number, c1: number, b2: number, c2: number, a1: number, a2: number, eps: number, negLr: number): void;
  forwardScratchBytes(lstm: number, B: number, H: number): number;
  backwardScratchBytes(lstm: number, B: number, H: number, D: number): number;
  forward(
    lstm: number, hard: number, T: number, B: number, H: number,
    xProj: number, U: number, h0: number, c0: number, mask: number,
    hOut: number, cOut: number, gOut: number, scratch: number,
  ): void;
  infer(
    lstm: number, hard: number, T: number, B: number, H: number,
    xProj: number, U: number, h0: number, c0: number, mask: number,
    hOut: number, hSeq: number, cOut: number, scratch: number,
  ): void;
  backward(
    lstm: number, hard: number, T: number, B: number, H: number,
    U: number, h0: number, c0: number, mask: number,
    hOut: number, cOut: number, gOut: number, dh: number, dcLast: number,
    dxProj: number, dU: number, dh0: number, dc0: number, scratch: number,
    D: number, x: number, W: number, dx: number, dW: number, db: number,
  ): void;
}

// A minimal module using one v128 instruction (from wasm-feature-detect): validates iff SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

let simd: boolean | undefined;

/** Whether this runtime supports WebAssembly fixed-width SIMD (needed by the kernel). */
export function wasmSimdAvailable(): boolean {
  if (simd === undefined) {
    try {
      simd = wasmApi !== undefined && wasmApi.validate(SIMD_PROBE);
    } catch {
      simd = false;
    }
  }
  return simd;
}

interface Exports extends RnnExports {
  memory: WasmMemory;
}

let compiled: object | undefined;
let compiledShared: object | undefined;
let instance: Exports | undefined;
const boundInstances = new WeakMap<WasmMemory, RnnExports>();

function api(): WasmApi {
  if (wasmApi === undefined || !wasmSimdAvailable()) throw new Error('rnn wasm kernel: this runtime has no WebAssembly SIMD support');
  return wasmApi;
}

/** Whether `memory` is a shared one (a threaded wasm heap), which only rnn-shared.wasm can import. */
export function isSharedMemory(memory: WasmMemory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** The compiled kernel module that can be instantiated over `memory` (shared or not). */
export function kernelModuleFor(memory: WasmMemory): object {
  if (isSharedMemory(memory)) return (compiledShared ??= new (api().Module)(readFileSync(new URL('./rnn-shared.wasm', import.meta.url))));
  return (compiled ??= new (api().Module)(readFileSync(new URL('./rnn.wasm', import.meta.url))));
}

function instantiate(memory: WasmMemory): RnnExports {
  return new (api().Instance)(kernelModuleFor(memory), { env: { memory } }).exports as RnnExports;
}

function load(): Exports {
  if (instance === undefined) {
    const memory = new (api().Memory)({ initial: 1 });
    instance = { ...instantiate(memory), memory };
  }
  return instance;
}

/**
 * The kernel module instantiated over `memory` (memoised per memory). The module has no data
 * segments and no start function, so instantiating it writes nothing; each call touches only the
 * buffers and scratch it is given.
 */
export function wasmInstanceOn(memory: WasmMemory): RnnExports {
  let bound = boundInstances.get(memory);
  if (bound === undefined) {
    bound = instantiate(memory);
    boundInstances.set(memory, bound);
  }
  return bound;
}

/** Bump layout over linear memory for one call. */
class Arena {
  private end: number;
  constructor(private readonly wasm: Exports) {
    this.end = align(wasm.heapBase());
  }
  /** Reserves `floats` f32 (or `bytes` when given) and returns the byte offset. */
  take(floats: number, bytes = floats * 4): number {
    const p = this.end;
    this.end = align(p + bytes);
    return p;
  }
  /** Grows the memory to cover everything taken; call before making views. */
  commit(): void {
    const mem = this.wasm.memory;
    const need = this.end - mem.buffer.byteLength;
    if (need > 0) mem.grow(Math.ceil(need / 65536));
  }
  put(ptr: number, src: Float32Array): void {
    new Float32Array(this.wasm.memory.buffer, ptr, src.length).set(src);
  }
  get(ptr: number, n: number): Float32Array {
    return new Float32Array(this.wasm.memory.buffer, ptr, n).slice();
  }
}

function align(n: number): number {
  return (n + 15) & ~15;
}

interface Checked {
  lstm: boolean;
  G: number;
  hard: number;
}

function check(a: ForwardIn): Checked {
  const { T, B, H } = a.shape;
  for (const [k, v] of Object.entries({ T, B, H })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`rnn wasm kernel: ${k} must be a positive integer (got ${String(v)})`);
  }
  if (a.cell !== 'lstm' && a.cell !== 'gru') throw new Error(`rnn wasm kernel: unknown cell "${String(a.cell)}"`);
  const lstm = a.cell === 'lstm';
  const G = lstm ? 4 : 3;
  const ra = a.recurrentActivation ?? 'hardSigmoid';
  if (ra !== 'sigmoid' && ra !== 'hardSigmoid') throw new Error(`rnn wasm kernel: unsupported recurrent activation "${String(ra)}"`);
  const size = (name: string, arr: Float32Array | undefined, n: number): void => {
    if (arr !== undefined && arr.length !== n) throw new Error(`rnn wasm kernel: ${name} holds ${arr.length} values, expected ${n}`);
  };
  size('xProj', a.xProj, T * B * G * H);
  size('U', a.U, H * G * H);
  size('h0', a.h0, B * H);
  size('c0', a.c0, B * H);
  size('mask', a.mask, T * B);
  return { lstm, G, hard: ra === 'hardSigmoid' ? 1 : 0 };
}

function forward(a: ForwardIn): ForwardOut {
  const { lstm, G, hard } = check(a);
  const { T, B, H } = a.shape;
  const wasm = load();
  const ar = new Arena(wasm);
  const xProj = ar.take(T * B * G * H);
  const U = ar.take(H * G * H);
  const h0 = ar.take(B * H);
  const c0 = lstm && a.c0 !== undefined ? ar.take(B * H) : 0;
  const mask = a.mask !== undefined ? ar.take(T * B) : 0;
  const h = ar.take(T * B * H);
  const c = lstm ? ar.take(T * B * H) : 0;
  const gates = ar.take(T * B * G * H);
  const scratch = ar.take(0, wasm.forwardScratchBytes(lstm ? 1 : 0, B, H));
  ar.commit();
  ar.put(xProj, a.xProj);
  ar.put(U, a.U);
  ar.put(h0, a.h0);
  if (c0 !== 0) ar.put(c0, a.c0!);
  if (mask !== 0) ar.put(mask, a.mask!);
  wasm.forward(lstm ? 1 : 0, hard, T, B, H, xProj, U, h0, c0, mask, h, c, gates, scratch);
  const out: ForwardOut = { h: ar.get(h, T * B * H), gates: ar.get(gates, T * B * G * H) };
  if (lstm) out.c = ar.get(c, T * B * H);
  return out;
}

/**
 * Forward only: no gates and no c sequence are stored, and with lastOnly only the last h [B·H]
 * leaves the module (the sequence stays in scratch that is never written: the kernel keeps only
 * the running state). The returned arrays are fresh copies of just what is returned.
 */
function infer(a: InferIn): InferOut {
  const { lstm, G, hard } = check(a);
  const { T, B, H } = a.shape;
  const seq = a.lastOnly !== true;
  const wasm = load();
  const ar = new Arena(wasm);
  const xProj = ar.take(T * B * G * H);
  const U = ar.take(H * G * H);
  const h0 = ar.take(B * H);
  const c0 = lstm && a.c0 !== undefined ? ar.take(B * H) : 0;
  const mask = a.mask !== undefined ? ar.take(T * B) : 0;
  const hN = seq ? T * B * H : B * H;
  const h = ar.take(hN);
  const c = lstm ? ar.take(B * H) : 0;
  const scratch = ar.take(0, wasm.forwardScratchBytes(lstm ? 1 : 0, B, H));
  ar.commit();
  ar.put(xProj, a.xProj);
  ar.put(U, a.U);
  ar.put(h0, a.h0);
  if (c0 !== 0) ar.put(c0, a.c0!);
  if (mask !== 0) ar.put(mask, a.mask!);
  wasm.infer(lstm ? 1 : 0, hard, T, B, H, xProj, U, h0, c0, mask, h, seq ? 1 : 0, c, scratch);
  const out: InferOut = { h: ar.get(h, hN) };
  if (lstm) out.c = ar.get(c, B * H);
  return out;
}

function backward(a: BackwardIn): BackwardOut {
  const { lstm, G, hard } = check(a);
  const { T, B, H } = a.shape;
  const { out } = a;
  if (a.dh.length !== T * B * H) throw new Error(`rnn wasm kernel: dh holds ${a.dh.length} values, expected ${T * B * H}`);
  if (out.h.length !== T * B * H || out.gates.length !== T * B * G * H) throw new Error('rnn wasm kernel: forward output does not match the shape');
  if (lstm && (out.c === undefined || out.c.length !== T * B * H)) throw new Error('rnn wasm kernel: LSTM backward needs the forward c');
  if (a.dcLast !== undefined && a.dcLast.length !== B * H) throw new Error(`rnn wasm kernel: dcLast holds ${a.dcLast.length} values, expected ${B * H}`);
  const wasm = load();
  const ar = new Arena(wasm);
  const U = ar.take(H * G * H);
  const h0 = ar.take(B * H);
  const c0 = lstm && a.c0 !== undefined ? ar.take(B * H) : 0;
  const mask = a.mask !== undefined ? ar.take(T * B) : 0;
  const h = ar.take(T * B * H);
  const c = lstm ? ar.take(T * B * H) : 0;
  const gates = ar.take(T * B * G * H);
  const dh = ar.take(T * B * H);
  const dcLast = lstm && a.dcLast !== undefined ? ar.take(B * H) : 0;
  const dxProj = ar.take(T * B * G * H);
  const dU = ar.take(H * G * H);
  const dh0 = ar.take(B * H);
  const dc0 = lstm ? ar.take(B * H) : 0;
  const scratch = ar.take(0, wasm.backwardScratchBytes(lstm ? 1 : 0, B, H, 0));
  ar.commit();
  ar.put(U, a.U);
  ar.put(h0, a.h0);
  if (c0 !== 0) ar.put(c0, a.c0!);
  if (mask !== 0) ar.put(mask, a.mask!);
  ar.put(h, out.h);
  if (c !== 0) ar.put(c, out.c!);
  ar.put(gates, out.gates);
  ar.put(dh, a.dh);
  if (dcLast !== 0) ar.put(dcLast, a.dcLast!);
  wasm.backward(lstm ? 1 : 0, hard, T, B, H, U, h0, c0, mask, h, c, gates, dh, dcLast, dxProj, dU, dh0, dc0, scratch, 0, 0, 0, 0, 0, 0);
  const res: BackwardOut = { dxProj: ar.get(dxProj, T * B * G * H), dU: ar.get(dU, H * G * H), dh0: ar.get(dh0, B * H) };
  if (lstm) res.dc0 = ar.get(dc0, B * H);
  return res;
}

const kernel: RnnKernel = { forward, backward, infer };

/** The WebAssembly SIMD kernel (memoised; the module is compiled on first use). */
export function wasmKernel(): RnnKernel {
  load();
  return kernel;
}

/** Whether `k` is this module's kernel (which tfjs-heap.ts can run in place on the tfjs wasm heap). */
export function isWasmKernel(k: RnnKernel): boolean {
  return k === kernel;
}

// The fused kernel on threads: a batch split by samples over worker threads that share the
// memory. The split calls give the single call's forward and inference to the bit and its
// gradients within float rounding (the weight gradients are sums of per-thread partials), and
// the fused layers on tfjs's threaded heap still match the stock layers.

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, kernelThreads, setKernelThreads } from '../../../src/models/backend.js';
import { splitSamples, startKernelThreads, type KernelThreads, type ThreadPart } from '../../../src/models/rnn/threads.js';
import { tfjsHeapRnn } from '../../../src/models/rnn/tfjs-heap.js';
import { isSharedMemory, kernelModuleFor, wasmInstanceOn, type RnnExports, type WasmMemory } from '../../../src/models/rnn/wasm.js';
import { checkForward, checkGradients, label, variants } from './nets.js';

describe('splitSamples', () => {
  it('covers [0, B) with contiguous near-equal parts, none below the minimum', () => {
    expect(splitSamples(64, 2, 4)).toEqual([[0, 32], [32, 64]]);
    expect(splitSamples(11, 2, 4)).toEqual([[0, 5], [5, 11]]);
    expect(splitSamples(10, 4, 4)).toEqual([[0, 5], [5, 10]]);
    expect(splitSamples(7, 2, 4)).toEqual([[0, 7]]);
    expect(splitSamples(3, 1, 4)).toEqual([[0, 3]]);
    for (const [B, n] of [[13, 3], [64, 5], [100, 7]] as const) {
      const parts = splitSamples(B, n, 1);
      expect(parts.length).toBe(n);
      parts.forEach(([a, b], i) => {
        expect(a).toBe(i === 0 ? 0 : parts[i - 1]![1]);
        expect(b - a).toBeGreaterThanOrEqual(Math.floor(B / n));
      });
      expect(parts.at(-1)![1]).toBe(B);
    }
  });
});

/** Float buffers laid out in a shared memory, filled with a seeded uniform in [-0.5, 0.5) · scale. */
class Layout {
  private end = 1 << 16;
  private seed = 7;
  constructor(private readonly memory: WasmMemory) {}
  take(n: number, scale = 0): number {
    const p = this.end;
    this.end = (p + 4 * n + 15) & ~15;
    const pages = Math.ceil(this.end / 65536) - this.memory.buffer.byteLength / 65536;
    if (pages > 0) this.memory.grow(pages);
    const view = new Float32Array(this.memory.buffer, p, n);
    for (let i = 0; i < n; i++) view[i] = scale === 0 ? 0 : ((this.seed = (this.seed * 16807) % 2147483647) / 2147483647 - 0.5) * scale;
    return p;
  }
  read(p: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, p, n).slice();
  }
}

describe.each(['lstm', 'gru'] as const)('kernel threads over a shared memory: %s', (cell) => {
  const T = 9;
  const B = 11;
  const H = 6;
  const D = 3;
  const G = cell === 'lstm' ? 4 : 3;
  const lstm = cell === 'lstm' ? 1 : 0;
  let memory: WasmMemory;
  let k: RnnExports;
  let pool: KernelThreads;
  let m: Layout;
  beforeAll(() => {
    const WA = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => WasmMemory } }).WebAssembly;
    memory = new WA.Memory({ initial: 2, maximum: 65536, shared: true });
    expect(isSharedMemory(memory)).toBe(true);
    k = wasmInstanceOn(memory);
    pool = startKernelThreads(kernelModuleFor(memory), memory, k, 3);
    m = new Layout(memory);
  });
  afterAll(() => pool.close());

  const parts = splitSamples(B, 3, 2);
  it('splits the batch over three threads', () => expect(parts.length).toBe(3));

  it('forward and inference: the split calls equal the single call to the bit, with a mask', () => {
    const xProj = m.take(T * B * G * H, 3);
    const U = m.take(H * G * H, 1);
    const h0 = m.take(B * H, 1);
    const mask = m.take(T * B, 0);
    new Float32Array(memory.buffer, mask, T * B).forEach((_, i, a) => (a[i] = i % 7 === 3 ? 0 : 1));
    const outs = (n: number) => ({ h: m.take(T * B * H), c: m.take(T * B * H), g: m.take(T * B * G * H), last: m.take(B * H), scratch: Array.from({ length: n }, () => m.take(k.forwardScratchBytes(lstm, B, H) / 4 + 4)) });
    const one = outs(1);
    const split = outs(parts.length);
    const fwdArgs = (o: ReturnType<typeof outs>, i: number) => [lstm, 1, T, B, H, xProj, U, h0, 0, mask, o.h, lstm ? o.c : 0, o.g, (o.scratch[i]! + 15) & ~15];
    const infArgs = (o: ReturnType<typeof outs>, i: number) => [lstm, 0, T, B, H, xProj, U, h0, 0, mask, o.last, 0, 0, (o.scratch[i]! + 15) & ~15];
    k.setSamples(0, 0);
    k.forward(...(fwdArgs(one, 0) as Parameters<RnnExports['forward']>));
    k.setSamples(0, 0);
    k.infer(...(infArgs(one, 0) as Parameters<RnnExports['infer']>));
    const call = (args: (i: number) => number[]): ThreadPart[] => parts.map(([b0, b1], i) => ({ b0, b1, args: args(i) }));
    pool.run('forward', call((i) => fwdArgs(split, i)));
    pool.run('infer', call((i) => infArgs(split, i)));
    for (const [a, b, n] of [[one.h, split.h, T * B * H], [one.g, split.g, T * B * G * H], [one.last, split.last, B * H], ...(lstm ? [[one.c, split.c, T * B * H] as const] : [])] as const) {
      const x = m.read(a, n);
      expect(m.read(b, n)).toEqual(x);
      expect(x.some((v) => Math.abs(v) > 0.05)).toBe(true);
    }
  });

  it('backward with the input projection: dx to the bit, dW, db and dU as sums of the parts within rounding', () => {
    const x = m.take(T * B * D, 2);
    const W = m.take(D * G * H, 1);
    const xProj = m.take(T * B * G * H, 3); // stands in for x·W + b: the backward reads only gates, h and c
    const U = m.take(H * G * H, 1);
    const h0 = m.take(B * H, 1);
    const dy = m.take(T * B * H, 1);
    const h = m.take(T * B * H);
    const c = m.take(T * B * H);
    const g = m.take(T * B * G * H);
    const fsc = m.take(k.forwardScratchBytes(lstm, B, H) / 4 + 4);
    k.setSamples(0, 0);
    k.forward(lstm, 0, T, B, H, xProj, U, h0, 0, 0, h, lstm ? c : 0, g, (fsc + 15) & ~15);
    const grads = () => ({ dx: m.take(T * B * D), dW: m.take(D * G * H), db: m.take(G * H), dU: m.take(H * G * H), dStates: m.take(2 * B * H), scratch: m.take(k.backwardScratchBytes(lstm, B, H, D) / 4 + 4) });
    const args = (o: ReturnType<typeof grads>) => [lstm, 0, T, B, H, U, h0, 0, 0, h, lstm ? c : 0, g, dy, 0, 0, o.dU, o.dStates, lstm ? o.dStates + 4 * B * H : 0, (o.scratch + 15) & ~15, D, x, W, o.dx, o.dW, o.db];
    const one = grads();
    k.setSamples(0, 0);
    k.backward(...(args(one) as Parameters<RnnExports['backward']>));
    const split = parts.map(() => grads());
    pool.run('backward', parts.map(([b0, b1], i) => ({ b0, b1, args: args(split[i]!) })));
    for (const p of split.slice(1)) {
      k.addInto(D * G * H, split[0]!.dW, p.dW);
      k.addInto(G * H, split[0]!.db, p.db);
      k.addInto(H * G * H, split[0]!.dU, p.dU);
    }
    // dx rows belong to one part each: part i wrote its samples' rows into its own dx buffer.
    const dx = new Float32Array(T * B * D);
    parts.forEach(([b0, b1], i) => {
      const part = m.read(split[i]!.dx, T * B * D);
      for (let t = 0; t < T; t++) for (let b = b0; b < b1; b++) for (let d = 0; d < D; d++) dx[(t * B + b) * D + d] = part[(t * B + b) * D + d]!;
    });
    expect(dx).toEqual(m.read(one.dx, T * B * D));
    for (const [name, n] of [['dW', D * G * H], ['db', G * H], ['dU', H * G * H]] as const) {
      const want = m.read(one[name], n);
      const got = m.read(split[0]![name], n);
      const scale = Math.max(...want.map(Math.abs));
      expect(scale).toBeGreaterThan(0.01);
      for (let i = 0; i < n; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * scale);
    }
  });

  it('a failure in a worker is reported to the caller, and the pool stays usable', () => {
    const fresh = () => {
      const xProj = m.take(2 * G * 2, 1);
      const U = m.take(2 * G * 2, 1);
      const h0 = m.take(4);
      const outs = [m.take(4), lstm ? m.take(4) : 0, m.take(2 * G * 2)] as const;
      return (scratch: number): number[] => [lstm, 0, 1, 2, 2, xProj, U, h0, 0, 0, ...outs, scratch];
    };
    const scratch = () => (m.take(k.forwardScratchBytes(lstm, 2, 2) / 4 + 4) + 15) & ~15;
    const args = fresh();
    // The second part's scratch lies past the end of the memory: its first store traps.
    const bad: ThreadPart[] = [{ b0: 0, b1: 1, args: args(scratch()) }, { b0: 1, b1: 2, args: args(0xfffffff0) }];
    expect(() => pool.run('forward', bad)).toThrow(/thread 1 failed in forward/);
    const ok: ThreadPart[] = [{ b0: 0, b1: 1, args: args(scratch()) }, { b0: 1, b1: 2, args: args(scratch()) }];
    expect(() => pool.run('forward', ok)).not.toThrow();
  });
});

describe('fused layers on tfjs threaded wasm heap, two kernel threads', () => {
  beforeAll(async () => {
    setKernelThreads(2);
    const info = await initBackend('wasm');
    expect(info.detail).toMatch(/fused kernel on 2 threads/);
    expect(kernelThreads()).toBe(2);
    expect(tfjsHeapRnn()).not.toBeNull();
  });
  // A batch of 11: split 5 + 6 over the two threads.
  const some = variants.filter((v) => v.layers === 2 || v.masking);
  it.each(some.map((v) => [label(v), v] as const))('forward: %s', (_name, net) => checkForward(net, 11));
  it.each(some.map((v) => [label(v), v] as const))('gradients: %s', (_name, net) => checkGradients(net, 11));

  it('rejects a thread count that is not a positive integer', () => {
    expect(() => setKernelThreads(0)).toThrow(/positive integer/);
    expect(() => setKernelThreads(1.5)).toThrow(/positive integer/);
    expect(tf.getBackend()).toBe('wasm');
  });
});

// Threads for the fused kernel: one call's batch split by samples, each part run by an instance
// of the kernel module over the same shared memory (tfjs's threaded wasm heap: backend.ts).
// The calling thread runs the first part; worker threads, started once per memory and blocked
// in Atomics.wait between calls, run the others. A part reads and writes only its samples' rows
// (assembly/rnn.ts setSamples), so the parts never write the same bytes; the backward's weight
// gradients are per-part partial sums that the caller adds (tfjs-heap.ts).
//
// The handoff is a slot of shared integers per worker: the caller writes the entry and its
// arguments, sets the state to GO and notifies; the worker runs and sets DONE (or FAILED) and
// notifies. Nothing goes through postMessage after start-up, so a call costs two wake-ups.

import { Worker } from 'node:worker_threads';
import type { RnnExports, WasmMemory } from './wasm.js';

/** The kernel entries a worker can run (their order is the worker's table below). */
export const THREAD_ENTRIES = ['forward', 'infer', 'backward'] as const;
export type ThreadEntry = (typeof THREAD_ENTRIES)[number];

/** One part of a call: samples [b0, b1) of the batch, and the entry's arguments (pointers into the shared memory). */
export interface ThreadPart {
  readonly b0: number;
  readonly b1: number;
  readonly args: readonly number[];
}

export interface KernelThreads {
  /** Threads a call is split over, the calling one included. */
  readonly count: number;
  /** Runs `entry` on every part, parts[0] on this thread; returns when all have finished. */
  run(entry: ThreadEntry, parts: readonly ThreadPart[]): void;
  /** Stops the workers (the pool is unusable after). */
  close(): void;
}

// Slot layout, per worker: int32 [state, entry, b0, b1], then float64 arguments.
const SLOT_BYTES = 512;
const MAX_ARGS = (SLOT_BYTES - 16) / 8;
const enum State {
  Starting = 0,
  Go = 1,
  Done = 2,
  Close = 3,
  Failed = 4,
}
/** How long a call waits for a worker to start (instantiating the module) before giving up. */
const START_TIMEOUT_MS = 20_000;

// CommonJS, evaluated as the worker's script: no imports from the project, so it runs the same
// from source (tsx) and from dist/.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, sab, slot } = workerData;
const ctl = new Int32Array(sab, slot * ${SLOT_BYTES}, 4);
const args = new Float64Array(sab, slot * ${SLOT_BYTES} + 16, ${MAX_ARGS});
let ex;
try {
  ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  Atomics.store(ctl, 0, ${State.Done});
} catch (e) {
  Atomics.store(ctl, 0, ${State.Failed});
}
Atomics.notify(ctl, 0);
const entries = [${THREAD_ENTRIES.map((e) => `ex && ex.${e}`).join(', ')}];
while (ex) {
  let s;
  while ((s = Atomics.load(ctl, 0)) !== ${State.Go} && s !== ${State.Close}) Atomics.wait(ctl, 0, s);
  if (s === ${State.Close}) break;
  try {
    const fn = entries[ctl[1]];
    ex.setSamples(ctl[2], ctl[3]);
    fn(...args.subarray(0, fn.length));
    Atomics.store(ctl, 0, ${State.Done});
  } catch (e) {
    Atomics.store(ctl, 0, ${State.Failed});
  }
  Atomics.notify(ctl, 0);
}
`;

/**
 * A pool of `count - 1` workers running `module` over `memory` (a shared WebAssembly.Memory),
 * with `self` the calling thread's instance of the same module over the same memory.
 */
export function startKernelThreads(module: object, memory: WasmMemory, self: RnnExports, count: number): KernelThreads {
  const n = Math.max(1, Math.floor(count));
  const sab = new SharedArrayBuffer(SLOT_BYTES * Math.max(1, n - 1));
  const slots = Array.from({ length: n - 1 }, (_, slot) => ({
    ctl: new Int32Array(sab, slot * SLOT_BYTES, 4),
    args: new Float64Array(sab, slot * SLOT_BYTES + 16, MAX_ARGS),
    worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, sab, slot } }),
  }));
  for (const s of slots) s.worker.unref();
  let started = false;
  let closed = false;

  const awaitStart = (): void => {
    for (const [i, s] of slots.entries()) {
      if (Atomics.load(s.ctl, 0) === State.Starting) Atomics.wait(s.ctl, 0, State.Starting, START_TIMEOUT_MS);
      const state = Atomics.load(s.ctl, 0);
      if (state !== State.Done) throw new Error(`rnn kernel thread ${i + 1} did not start (${state === State.Failed ? 'the module failed to instantiate' : 'timed out'})`);
    }
    started = true;
  };

  return {
    count: n,
    run(entry, parts) {
      if (closed) throw new Error('rnn kernel threads: the pool is closed');
      if (parts.length > n) throw new Error(`rnn kernel threads: ${parts.length} parts for ${n} threads`);
      if (!started) awaitStart();
      const code = THREAD_ENTRIES.indexOf(entry);
      for (let i = 1; i < parts.length; i++) {
        const p = parts[i]!;
        const s = slots[i - 1]!;
        if (p.args.length > MAX_ARGS) throw new Error(`rnn kernel threads: ${p.args.length} arguments (at most ${MAX_ARGS})`);
        s.args.set(p.args);
        s.ctl[1] = code;
        s.ctl[2] = p.b0;
        s.ctl[3] = p.b1;
        Atomics.store(s.ctl, 0, State.Go);
        Atomics.notify(s.ctl, 0);
      }
      const first = parts[0]!;
      self.setSamples(first.b0, first.b1);
      (self[entry] as (...a: number[]) => void)(...first.args);
      let failed = 0;
      for (let i = 1; i < parts.length; i++) {
        const ctl = slots[i - 1]!.ctl;
        let state: number;
        while ((state = Atomics.load(ctl, 0)) === State.Go) Atomics.wait(ctl, 0, State.Go);
        if (state === State.Failed) failed = i;
      }
      if (failed > 0) throw new Error(`rnn kernel thread ${failed} failed in ${entry}`);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const s of slots) {
        Atomics.store(s.ctl, 0, State.Close);
        Atomics.notify(s.ctl, 0);
        void s.worker.terminate();
      }
    },
  };
}

/** Splits samples [0, B) into at most `count` contiguous parts of near-equal size, none below `minPart`. */
export function splitSamples(B: number, count: number, minPart: number): Array<readonly [number, number]> {
  const k = Math.max(1, Math.min(count, Math.floor(B / Math.max(1, minPart))));
  const out: Array<readonly [number, number]> = [];
  for (let i = 0; i < k; i++) out.push([Math.floor((i * B) / k), Math.floor(((i + 1) * B) / k)]);
  return out;
}

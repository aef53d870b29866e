// Chooses and initialises the tfjs backend. The native bindings (@tensorflow/tfjs-node-gpu,
// @tensorflow/tfjs-node) are optional and often absent or broken (no CUDA, no libtensorflow), so
// they are only ever loaded through a dynamic import inside try/catch; the wasm and pure-JS cpu
// backends always work. Under Node the wasm backend is pointed at its .wasm files inside
// node_modules so it never fetches anything.

import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BftError, firstLine } from '../errors.js';
import { quietly } from './quiet.js';
import { withNodeBlobFiles } from './wasm-threaded.js';

import { BACKEND_NAMES, type BackendName } from './backend-names.js';

export { BACKEND_NAMES, type BackendName };

export interface BackendInfo {
  /** tfjs backend name now active: 'tensorflow', 'wasm' or 'cpu'. */
  backend: string;
  /** Human-readable detail for logs: which binding, SIMD or not. */
  detail: string;
}


const NODE_BINDINGS = [
  { pkg: '@tensorflow/tfjs-node-gpu', detail: 'libtensorflow via @tensorflow/tfjs-node-gpu' },
  { pkg: '@tensorflow/tfjs-node', detail: 'libtensorflow via @tensorflow/tfjs-node' },
] as const;

/** Result of the last successful request per backend name, so repeated calls are cheap. */
const settled = new Map<BackendName, BackendInfo>();
let wasmPathsSet = false;
let requestedThreads = 1;
/** Which tfjs wasm build started in this thread (tfjs keeps it for the thread's life), or null before it has. */
let wasmHeap: 'shared' | 'plain' | null = null;

/**
 * Threads the fused recurrent kernel may use on the wasm backend: a batch's samples are split
 * over them (rnn/threads.ts). More than 1 needs tfjs's threaded wasm build, whose heap is shared,
 * so it takes effect when the wasm backend starts: call it before initBackend. One process that
 * trains one model at a time wants the cores; a walk-forward's workers want 1 each.
 */
export function setKernelThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new BftError('bad_config', `kernel threads must be a positive integer (got ${String(n)})`);
  requestedThreads = n;
}

/** Threads the fused kernel uses now: the setting, when the wasm heap is shared; else 1. */
export function kernelThreads(): number {
  return wasmHeap === 'shared' && tf.getBackend() === 'wasm' ? requestedThreads : 1;
}

/**
 * Activates a backend and returns which one is active. `auto` prefers the native bindings, then
 * wasm, then cpu; an explicit name fails with a one-line BftError if it cannot be had.
 * Calling again with the same name is a no-op returning the same answer.
 */
export async function initBackend(
  name: BackendName,
  log?: (line: string) => void,
): Promise<BackendInfo> {
  if (!BACKEND_NAMES.includes(name)) {
    throw new BftError('bad_config', `unknown backend "${String(name)}" (expected one of ${BACKEND_NAMES.join(', ')})`);
  }
  const previous = settled.get(name);
  const info =
    previous !== undefined && tf.getBackend() === previous.backend ? previous : await activate(name);
  settled.set(name, info);
  log?.(`backend: ${info.backend} (${info.detail})`);
  return info;
}

async function activate(name: BackendName): Promise<BackendInfo> {
  switch (name) {
    case 'tensorflow': {
      const native = await tryNative();
      if (native) return native;
      throw new BftError(
        'backend_unavailable',
        'backend "tensorflow" needs @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu, and neither loads here; use --backend wasm or cpu',
      );
    }
    case 'wasm':
      return activateWasm();
    case 'cpu':
      return activateCpu();
    case 'auto':
      return (await tryNative()) ?? (await activateWasm().catch(() => null)) ?? activateCpu();
  }
}

/** The first native binding that imports and registers a working 'tensorflow' backend, or null. */
async function tryNative(): Promise<BackendInfo | null> {
  for (const binding of NODE_BINDINGS) {
    try {
      // A variable specifier keeps TypeScript and bundlers from resolving the optional package.
      const specifier: string = binding.pkg;
      await import(/* @vite-ignore */ specifier);
      // A binding that pulled in its own copy of tfjs registers with that copy, not ours.
      if (tf.findBackendFactory('tensorflow') == null) continue;
      if (!(await tf.setBackend('tensorflow'))) continue;
      await tf.ready();
      return { backend: 'tensorflow', detail: binding.detail };
    } catch {
      // Absent package, missing libtensorflow or CUDA: try the next option.
    }
  }
  return null;
}

async function activateWasm(): Promise<BackendInfo> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (!wasmPathsSet) {
      // The package's Node entry lives in dist/, next to the .wasm binaries.
      const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(path.dirname(entry) + path.sep);
      wasmPathsSet = true;
    }
    // The build is chosen once: later activations switch back to the backend tfjs already made.
    const threaded = wasmHeap === null && requestedThreads > 1 && (await startThreadedWasm());
    if (!threaded && !(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    await tf.ready();
    wasmHeap ??= threaded ? 'shared' : 'plain';
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const kernel = kernelThreads() > 1 ? `, the fused kernel on ${requestedThreads} threads (shared heap)` : '';
    return { backend: 'wasm', detail: `WebAssembly${simd ? ' with SIMD' : ''}, ${wasm.getThreadsCount()} thread(s)${kernel}` };
  } catch (e) {
    if (e instanceof BftError) throw e;
    throw new BftError('backend_unavailable', `backend "wasm" failed to start: ${firstLine(e)}`);
  }
}

/**
 * tfjs's threaded wasm build (a shared heap, for the kernel's threads), or false when it does not
 * start here: the ordinary build is then used, the kernel on one thread.
 */
async function startThreadedWasm(): Promise<boolean> {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  try {
    if (await withNodeBlobFiles(() => tf.setBackend('wasm'))) return true;
  } catch {
    // Falls through to the ordinary build.
  }
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  return false;
}

async function activateCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) {
    throw new BftError('backend_unavailable', 'backend "cpu" failed to start');
  }
  await tf.ready();
  // The first write prints tfjs's "install our node backend" banner; take it here, muted.
  quietly(() => tf.tensor1d([0]).dispose());
  return { backend: 'cpu', detail: 'pure JavaScript' };
}

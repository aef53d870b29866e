// Starts tfjs's threaded wasm build (tfjs-backend-wasm-threaded-simd.wasm) under Node, for its
// one property bft needs: the heap is a shared WebAssembly.Memory, so the fused kernel's threads
// (rnn/threads.ts) can read and write tfjs's tensors in place.
//
// tfjs turns this build off under Node (tfjs issue 3830) because its emscripten glue starts its
// pthread workers from Blob URLs, which Node's Worker refuses, and the glue it hands them is a
// function's source text that names its bundle's module-level helpers. While the backend starts,
// this file stands in for Blob and URL.createObjectURL: each "blob" is written to a file in a
// temporary folder and its path is the URL; the glue gets the bundle's helpers prepended; the
// workers' script learns to read such paths. Everything is checked before use: if the texts are
// not what this expects, tfjs's start-up fails before any worker runs and the caller keeps the
// ordinary build.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The helpers of tf-backend-wasm.node.js (4.x) that the glue's source text refers to. */
const GLUE_PRELUDE = [
  "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os');",
  'var commonjsGlobal = globalThis;',
  // tslib's __values, __read and __spreadArray, as the glue uses them (arrays and iterables).
  'var __values = function (o) { var m = typeof Symbol === "function" && o[Symbol.iterator], i = 0; if (m) return m.call(o); return { next: function () { if (o && i >= o.length) o = void 0; return { value: o && o[i++], done: !o }; } }; };',
  'var __read = function (o, n) { var m = typeof Symbol === "function" && o[Symbol.iterator]; if (!m) return o; var it = m.call(o), r, ar = []; while ((n === void 0 || n-- > 0) && !(r = it.next()).done) ar.push(r.value); return ar; };',
  'var __spreadArray = function (to, from) { return to.concat(Array.prototype.slice.call(from)); };',
  '',
].join('\n');
const KNOWN_FREE_NAMES = new Set(['require$$0', 'require$$1', 'require$$3', 'require$$4', 'commonjsGlobal', '__values', '__read', '__spreadArray']);

/** Prepended to the pthread workers' script: a "blob" posted to them is a { bftPath } object. */
const WORKER_PRELUDE =
  'if (typeof URL !== "undefined") { const create = URL.createObjectURL; URL.createObjectURL = (o) => (o && typeof o === "object" && typeof o.bftPath === "string" ? o.bftPath : create(o)); URL.revokeObjectURL = () => {}; }\n';

const GLUE_HEAD = 'var WasmBackendModuleThreadedSimd';

/**
 * Runs `start` (which must initialise tfjs's wasm backend with WASM_HAS_MULTITHREAD_SUPPORT set)
 * with Blob and URL.createObjectURL standing in as described above, and restores them after.
 * The folder of written scripts lives until the process exits (workers read them on start).
 */
export async function withNodeBlobFiles<T>(start: () => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bft-wasm-threads-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const realBlob = globalThis.Blob;
  const realCreate = URL.createObjectURL.bind(URL);
  let n = 0;
  // Thrown inside tfjs's start-up, which then fails cleanly: before any worker reads the glue.
  class FileBlob {
    readonly bftPath: string;
    constructor(parts: unknown[]) {
      let text = parts.map(String).join('');
      if (text.startsWith(GLUE_HEAD)) {
        const unknown = freeBundleNames(text).filter((name) => !KNOWN_FREE_NAMES.has(name));
        if (unknown.length > 0) throw new Error(`the threaded wasm glue names bundle helpers this shim does not define: ${unknown.join(', ')}`);
        text = GLUE_PRELUDE + text;
      } else if (text.includes('parentPort')) {
        text = WORKER_PRELUDE + text;
      } else {
        throw new Error('an unexpected Blob was made while the threaded wasm backend started');
      }
      this.bftPath = path.join(dir, `part${n++}.js`);
      writeFileSync(this.bftPath, text);
    }
  }
  const g = globalThis as unknown as { Blob: unknown };
  g.Blob = FileBlob;
  URL.createObjectURL = (o: unknown) => (o instanceof FileBlob ? o.bftPath : realCreate(o as Blob));
  try {
    return await start();
  } finally {
    g.Blob = realBlob;
    URL.createObjectURL = realCreate;
  }
}

/** Names in the glue's text that look like the bundler's module-level helpers (require$$N, __helper, commonjsGlobal). */
function freeBundleNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\b(require\$\$\d+|commonjsGlobal|__(?:values|read|spreadArray|assign|awaiter|generator|extends|rest|spread|await))\b/g)) names.add(m[1]!);
  return [...names];
}

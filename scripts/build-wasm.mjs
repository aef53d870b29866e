// Compiles the AssemblyScript RNN kernels (assembly/rnn.ts) to src/models/rnn/rnn.wasm:
// SIMD on, -O3, stub runtime (no GC; memory is laid out by the JS side), memory imported (no data
// segments, so the module can run over a memory it does not own: the tfjs wasm heap).
// Usage: node scripts/build-wasm.mjs [--debug] [--dist]
//   --debug  also writes src/models/rnn/rnn.wat (text form, with names)
//   --dist   also copies the .wasm to dist/models/rnn/ (tsc does not copy it; run after `tsc -p tsconfig.build.json`)
import asc from 'assemblyscript/asc';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = 'src/models/rnn/rnn.wasm';
const debug = process.argv.includes('--debug');
const started = performance.now();
const args = [
  'assembly/rnn.ts',
  '--outFile', out,
  '--enable', 'simd',
  '--runtime', 'stub',
  '--importMemory',
  '-O3',
  '--noAssert',
  '--use', 'abort=',
  '--baseDir', root,
  ...(debug ? ['--textFile', 'src/models/rnn/rnn.wat', '--debug'] : []),
];
const { error, stderr } = await asc.main(args);
if (error) {
  console.error(stderr.toString());
  console.error(`build-wasm: ${error.message}`);
  process.exit(1);
}
const bytes = statSync(new URL(`../${out}`, import.meta.url)).size;
console.log(`build-wasm: ${out} (${bytes} bytes) in ${Math.round(performance.now() - started)} ms`);
if (process.argv.includes('--dist')) {
  const dir = new URL('../dist/models/rnn/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  copyFileSync(new URL(`../${out}`, import.meta.url), new URL('rnn.wasm', dir));
  console.log('build-wasm: copied to dist/models/rnn/rnn.wasm');
}

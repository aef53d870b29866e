// Compiles the AssemblyScript RNN kernels (assembly/rnn.ts) twice:
//   src/models/rnn/rnn.wasm         imports an ordinary memory (its own, or tfjs's wasm heap);
//   src/models/rnn/rnn-shared.wasm  the same code importing a shared memory (tfjs's threaded wasm
//                                   heap, which the kernel's threads read together: threads.ts).
// SIMD on, -O3, stub runtime (no GC; memory is laid out by the JS side), memory imported (no data
// segments, so the module can run over a memory it does not own: the tfjs wasm heap).
// Usage: node scripts/build-wasm.mjs [--debug] [--dist] [--out-dir DIR]
//   --debug    also writes src/models/rnn/rnn.wat (text form, with names)
//   --out-dir  writes the .wasm files into DIR instead (the test that the committed ones are current)
//   --dist   also copies the .wasm files to dist/models/rnn/ (tsc does not copy them; run after `tsc -p tsconfig.build.json`)
import asc from 'assemblyscript/asc';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const debug = process.argv.includes('--debug');
const outDirAt = process.argv.indexOf('--out-dir');
const outDir = outDirAt > 0 ? process.argv[outDirAt + 1] : undefined;
const variants = [
  { out: 'src/models/rnn/rnn.wasm', flags: [], text: 'src/models/rnn/rnn.wat' },
  // 65536 pages: the largest maximum, so that any shared memory satisfies the import.
  { out: 'src/models/rnn/rnn-shared.wasm', flags: ['--enable', 'threads', '--sharedMemory', '--maximumMemory', '65536'], text: null },
];
for (const v of variants) await build(v);

async function build({ out: committed, flags, text }) {
  const started = performance.now();
  const out = outDir === undefined ? committed : `${outDir}/${committed.slice(committed.lastIndexOf('/') + 1)}`;
  const args = [
    'assembly/rnn.ts',
    '--outFile', out,
    ...flags,
    '--enable', 'simd',
    '--runtime', 'stub',
    '--importMemory',
    '-O3',
    '--noAssert',
    '--use', 'abort=',
    '--baseDir', root,
    ...(debug && text !== null ? ['--textFile', text, '--debug'] : []),
  ];
  const { error, stderr } = await asc.main(args);
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: ${error.message}`);
    process.exit(1);
  }
  const bytes = statSync(outDir === undefined ? new URL(`../${out}`, import.meta.url) : out).size;
  console.log(`build-wasm: ${out} (${bytes} bytes) in ${Math.round(performance.now() - started)} ms`);
  if (process.argv.includes('--dist')) {
    const dir = new URL('../dist/models/rnn/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const name = out.slice(out.lastIndexOf('/') + 1);
    copyFileSync(new URL(`../${out}`, import.meta.url), new URL(name, dir));
    console.log(`build-wasm: copied to dist/models/rnn/${name}`);
  }
}

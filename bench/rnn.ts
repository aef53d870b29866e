// npm run bench:rnn: the recurrent channels' speed, side by side in one run. The reference
// workload of the performance issue: daily [batch, 20, 16] + minute [batch, bars, 8] (bars 255
// and 51), 32 units per channel, each channel's last state, concatenate -> dense 32 -> sigmoid,
// Adam, batch 64. Rows: bft's fused layers (on the tfjs wasm backend), stock tfjs on cpu and
// wasm, and PyTorch CPU from bench/torch_rnn.py on OpenBLAS (Debian python3-torch and
// libopenblas0-pthread, installed with apt-get when missing, as for bench:quality) at 2 threads
// and at 1; fused is compared with the best PyTorch row of each workload. Options: see USAGE.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { initBackend, kernelThreads, setKernelThreads } from '../src/models/backend.js';
import { getRnnKernel, referenceKernel, wasmKernel, type Cell } from '../src/models/rnn/index.js';
import { benchArg, benchArgs, exitOnHelp } from './args.js';
import { measure, type ModelSpeed } from './models.js';
import { ensureTorch } from './quality-python.js';

const kernelName = (): string => (getRnnKernel() === referenceKernel ? 'ts-ref' : 'wasm');

const USAGE = `npm run bench:rnn -- [--samples N] [--bars 255,51] [--threads 1,CORES] [--torch-threads 2,1]
  --samples N          samples per epoch (default 2048; stock tfjs on cpu uses N/8)
  --bars LIST          minute-channel lengths (default 255,51)
  --threads LIST       fused kernel thread counts (bft train --threads), a row set each (default 1 and the cores)
  --torch-threads LIST PyTorch thread counts, one row set each (default 2,1)
  --no-torch           leave PyTorch out (no Python check or install)
Prints samples/s for training (one epoch, Adam, batch 64) and inference, GFLOP/s, PyTorch's
float32 matmul peak and BLAS library per thread count, and the ratios fused / stock and the best
fused row / the best PyTorch row (the faster thread count of each, training and inference apart).`;
exitOnHelp(USAGE);
const args = benchArgs;
const arg = benchArg;
const samples = Number(arg('samples', '2048'));
const barsList = arg('bars', '255,51').split(',').map(Number);
const torchThreads = arg('torch-threads', '2,1').split(',').map(Number);
const fusedThreads = [...new Set(arg('threads', `1,${cpus().length}`).split(',').map(Number))];
for (const [name, list] of [['samples', [samples]], ['bars', barsList], ['threads', fusedThreads], ['torch-threads', torchThreads]] as const) {
  if (list.some((v) => !Number.isInteger(v) || v < 1)) {
    console.error(`bench:rnn: --${name} takes positive integers\n${USAGE}`);
    process.exit(2);
  }
}

interface Row extends ModelSpeed {
  readonly bars: number;
  readonly impl: string;
  /** Threads the row ran on: the fused kernel's, PyTorch's; 1 for stock tfjs. */
  readonly threads: number;
}

interface TorchRun {
  rows: Row[];
  peak: number | null;
  blas: string;
  note: string;
}

function torchRows(python: string, threads: number): TorchRun {
  const script = fileURLToPath(new URL('./torch_rnn.py', import.meta.url));
  // OpenBLAS (when it is the system BLAS) starts its own threads unless told: same count as torch's.
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  const r = spawnSync(python, [script, '--samples', String(samples), '--threads', String(threads), '--bars', ...barsList.map(String)], { encoding: 'utf8', env });
  if (r.status !== 0) return { rows: [], peak: null, blas: '', note: `PyTorch failed: ${(r.stderr || r.error?.message || 'failed').trim().split('\n').pop()}` };
  const run: TorchRun = { rows: [], peak: null, blas: '', note: '' };
  for (const line of r.stdout.trim().split('\n')) {
    const o = JSON.parse(line) as { kind: string; cell?: string; bars?: number; train?: number; infer?: number; gflops?: number; blas?: string; torch?: string; threads?: number };
    if (o.kind === 'peak') {
      run.peak = o.gflops ?? null;
      run.blas = o.blas ?? '';
      run.note = `PyTorch ${o.torch} CPU`;
    } else run.rows.push({ preset: `dual-${o.cell}`, rnn: 'torch', backend: `${threads}t`, bars: o.bars!, impl: 'pytorch', threads, trainPerS: o.train!, inferPerS: o.infer! });
  }
  return run;
}

/** Multiply-adds of the recurrent products per sample, forward: 2 * steps * H * G*H (+ input projection). */
function flopsPerSample(cell: string, bars: number, H = 32): number {
  const G = cell === 'lstm' ? 4 : 3;
  const channel = (T: number, I: number): number => 2 * T * (H * G * H + I * G * H);
  return channel(20, 16) + channel(bars, 8);
}

/**
 * The wasm kernel alone on the minute channel's recurrence (B = 64, H = 32, hardSigmoid, random
 * projected inputs): µs per sample for forward-only inference and for forward + backward. This
 * is the floor under the model rows: everything else there is tfjs around the kernel.
 */
function kernelAlone(cell: Cell, T: number): { infer: number; train: number } {
  const k = wasmKernel();
  const B = 64;
  const H = 32;
  const G = cell === 'lstm' ? 4 : 3;
  let s = 1;
  const u = (): number => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.6;
  const a = { cell, shape: { T, B, H }, xProj: Float32Array.from({ length: T * B * G * H }, u), U: Float32Array.from({ length: H * G * H }, u), h0: new Float32Array(B * H), recurrentActivation: 'hardSigmoid' as const };
  const dh = new Float32Array(T * B * H).fill(0.01);
  let infer = Infinity;
  let train = Infinity;
  for (let r = 0; r < 10; r++) {
    let t = performance.now();
    k.infer!({ ...a, lastOnly: true });
    infer = Math.min(infer, performance.now() - t);
    t = performance.now();
    k.backward({ ...a, out: k.forward(a), dh });
    train = Math.min(train, performance.now() - t);
  }
  return { infer: (infer / B) * 1000, train: (train / B) * 1000 };
}

const rows: Row[] = [];
const kernelRows: string[] = [];
for (const bars of barsList) {
  for (const cell of ['lstm', 'gru'] as const) {
    const k = kernelAlone(cell, bars);
    kernelRows.push(`kernel    ${cell.padEnd(4)} T ${String(bars).padStart(3)} B 64 H 32 alone: inference ${k.infer.toFixed(1)} us/sample (${(1e6 / k.infer).toFixed(0)}/s), forward + backward ${k.train.toFixed(1)} us/sample (${(1e6 / k.train).toFixed(0)}/s)`);
  }
}
// More than one kernel thread needs tfjs's threaded wasm build (a shared heap), chosen when the
// backend starts: every wasm row then runs on it, the one-thread rows included.
setKernelThreads(Math.max(...fusedThreads));
await initBackend('wasm');
for (const bars of barsList) {
  for (const preset of ['dual-lstm', 'dual-gru']) {
    for (const n of fusedThreads) {
      setKernelThreads(n);
      const speed = await measure(preset, 'wasm', samples, bars, 'fused');
      if (kernelThreads() !== n) throw new Error(`bench:rnn: the fused kernel runs on ${kernelThreads()} thread(s), not ${n} (tfjs's threaded wasm build did not start)`);
      rows.push({ ...speed, bars, impl: `fused ${kernelName()}`, backend: `${n}t`, threads: n });
    }
    setKernelThreads(1);
    rows.push({ ...(await measure(preset, 'wasm', samples, bars, 'stock')), bars, impl: 'tfjs stock', threads: 1 });
    rows.push({ ...(await measure(preset, 'cpu', Math.max(64, samples / 8), bars, 'stock')), bars, impl: 'tfjs stock', threads: 1 });
  }
}
let python: string | null = null;
let torchNote = '';
if (!args.includes('--no-torch')) {
  try {
    python = ensureTorch((l) => console.error(l));
  } catch (e) {
    torchNote = `PyTorch skipped: ${e instanceof Error ? e.message : String(e)}`;
  }
}
const torchRuns = python === null ? [] : torchThreads.map((t) => ({ threads: t, ...torchRows(python!, t) }));
for (const t of torchRuns) rows.push(...t.rows);

torchNote ||= torchRuns.find((t) => t.note)?.note ?? '';
console.log(`bench:rnn: daily [20 x 16] + minute [bars x 8], 32 units, dense 32, Adam, batch 64, ${samples} samples${torchNote ? `; ${torchNote}` : ''}`);
console.log('training flops per sample ~ 3 x forward (forward + backward), forward = 2 x steps x (H x GH + I x GH) per channel');
for (const r of rows) {
  const cell = r.preset.split('-')[1]!;
  const gf = (flopsPerSample(cell, r.bars) * 3 * r.trainPerS) / 1e9;
  console.log(
    `${r.impl.padEnd(11)} ${r.backend.padEnd(6)} ${r.preset.padEnd(9)} bars ${String(r.bars).padStart(3)}  train ${r.trainPerS.toFixed(0).padStart(6)}/s  inference ${r.inferPerS.toFixed(0).padStart(6)}/s  ${gf.toFixed(2)} GFLOP/s training`,
  );
}
for (const line of kernelRows) console.log(line);
for (const t of torchRuns) {
  if (t.peak !== null) console.log(`peak      float32 matmul (PyTorch, ${t.threads} thread(s), OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=${t.threads}, 2048 x 2048): ${t.peak.toFixed(1)} GFLOP/s; BLAS loaded: ${t.blas}`);
  else console.log(t.note);
}
const best = (list: readonly Row[], key: 'trainPerS' | 'inferPerS'): Row | undefined => list.reduce<Row | undefined>((a, b) => (a === undefined || b[key] > a[key] ? b : a), undefined);
for (const bars of barsList) {
  for (const preset of ['dual-lstm', 'dual-gru']) {
    const same = (r: Row): boolean => r.preset === preset && r.bars === bars;
    const fused = rows.filter((r) => r.rnn === 'fused' && same(r));
    const stock = rows.find((r) => r.rnn === 'stock' && r.backend === 'wasm' && same(r));
    const peers = rows.filter((r) => r.rnn === 'torch' && same(r));
    const parts: string[] = [];
    for (const f of fused) {
      if (stock) parts.push(`fused ${f.threads}t / stock wasm: train ${(f.trainPerS / stock.trainPerS).toFixed(2)}, inference ${(f.inferPerS / stock.inferPerS).toFixed(2)}`);
    }
    const [ft, fi, pt, pi] = [best(fused, 'trainPerS'), best(fused, 'inferPerS'), best(peers, 'trainPerS'), best(peers, 'inferPerS')];
    if (ft && fi && pt && pi) {
      parts.push(`best fused / best PyTorch: train ${(ft.trainPerS / pt.trainPerS).toFixed(2)} (${ft.threads}t / ${pt.threads}t), inference ${(fi.inferPerS / pi.inferPerS).toFixed(2)} (${fi.threads}t / ${pi.threads}t)`);
    }
    console.log(`ratio     ${preset} bars ${bars}: ${parts.join('; ')}`);
  }
}

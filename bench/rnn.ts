// npm run bench:rnn: the recurrent channels' speed, side by side in one run. The reference
// workload of the performance issue: daily [batch, 20, 16] + minute [batch, bars, 8] (bars 255
// and 51), 32 units per channel, each channel's last state, concatenate -> dense 32 -> sigmoid,
// Adam, batch 64. Rows: bft's fused layers (on the tfjs wasm backend), stock tfjs on cpu and
// wasm, and PyTorch CPU from bench/torch_rnn.py on OpenBLAS (Debian python3-torch and
// libopenblas0-pthread, installed with apt-get when missing, as for bench:quality) at 2 threads
// and at 1; fused is compared with the best PyTorch row of each workload. Options: see USAGE.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { getRnnKernel, referenceKernel, wasmKernel, type Cell } from '../src/models/rnn/index.js';
import { benchArg, benchArgs, exitOnHelp } from './args.js';
import { measure, type ModelSpeed } from './models.js';
import { ensureTorch } from './quality-python.js';

const kernelName = (): string => (getRnnKernel() === referenceKernel ? 'ts-ref' : 'wasm');

const USAGE = `npm run bench:rnn -- [--samples N] [--bars 255,51] [--torch-threads 2,1]
  --samples N          samples per epoch (default 2048; stock tfjs on cpu uses N/8)
  --bars LIST          minute-channel lengths (default 255,51)
  --torch-threads LIST PyTorch thread counts, one row set each (default 2,1)
  --no-torch           leave PyTorch out (no Python check or install)
Prints samples/s for training (one epoch, Adam, batch 64) and inference, GFLOP/s, PyTorch's
float32 matmul peak and BLAS library per thread count, and the ratios fused / stock and fused /
the best PyTorch row (the faster thread count, for training and for inference apart).`;
exitOnHelp(USAGE);
const args = benchArgs;
const arg = benchArg;
const samples = Number(arg('samples', '2048'));
const barsList = arg('bars', '255,51').split(',').map(Number);
const torchThreads = arg('torch-threads', '2,1').split(',').map(Number);
for (const [name, list] of [['samples', [samples]], ['bars', barsList], ['torch-threads', torchThreads]] as const) {
  if (list.some((v) => !Number.isInteger(v) || v < 1)) {
    console.error(`bench:rnn: --${name} takes positive integers\n${USAGE}`);
    process.exit(2);
  }
}

interface Row extends ModelSpeed {
  readonly bars: number;
  readonly impl: string;
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
    } else run.rows.push({ preset: `dual-${o.cell}`, rnn: 'torch', backend: `${threads}t`, bars: o.bars!, impl: 'pytorch', trainPerS: o.train!, inferPerS: o.infer! });
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
for (const bars of barsList) {
  for (const preset of ['dual-lstm', 'dual-gru']) {
    rows.push({ ...(await measure(preset, 'wasm', samples, bars, 'fused')), bars, impl: `fused ${kernelName()}` });
    rows.push({ ...(await measure(preset, 'wasm', samples, bars, 'stock')), bars, impl: 'tfjs stock' });
    rows.push({ ...(await measure(preset, 'cpu', Math.max(64, samples / 8), bars, 'stock')), bars, impl: 'tfjs stock' });
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
for (const f of rows.filter((r) => r.rnn === 'fused')) {
  const s = rows.find((r) => r.rnn === 'stock' && r.backend === f.backend && r.preset === f.preset && r.bars === f.bars);
  const parts = [s ? `fused / stock wasm: train ${(f.trainPerS / s.trainPerS).toFixed(2)}, inference ${(f.inferPerS / s.inferPerS).toFixed(2)}` : ''];
  for (const t of torchRuns) {
    const p = t.rows.find((r) => r.preset === f.preset && r.bars === f.bars);
    if (p) parts.push(`fused / PyTorch ${t.threads}t: train ${(f.trainPerS / p.trainPerS).toFixed(2)}, inference ${(f.inferPerS / p.inferPerS).toFixed(2)}`);
  }
  const peers = torchRuns.flatMap((t) => t.rows.filter((r) => r.preset === f.preset && r.bars === f.bars).map((r) => ({ threads: t.threads, r })));
  if (peers.length > 0) {
    const train = peers.reduce((a, b) => (b.r.trainPerS > a.r.trainPerS ? b : a));
    const infer = peers.reduce((a, b) => (b.r.inferPerS > a.r.inferPerS ? b : a));
    parts.push(`fused / best PyTorch: train ${(f.trainPerS / train.r.trainPerS).toFixed(2)} (${train.threads}t), inference ${(f.inferPerS / infer.r.inferPerS).toFixed(2)} (${infer.threads}t)`);
  }
  console.log(`ratio     ${f.preset} bars ${f.bars}: ${parts.filter(Boolean).join('; ')}`);
}

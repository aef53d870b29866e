// Training and inference speed of the dual-channel presets, side by side on every backend that
// loads here. The reference workload of the performance issue: daily [20 x 16] + minute
// [255 x 8], 32 units per channel, dense 32, Adam, batch 64, random data.

import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/models/backend.js';
import { buildModel } from '../src/models/build.js';
import { resolvePreset, type RnnImpl } from '../src/models/presets.js';
import type { InputShapes } from '../src/models/registry.js';
import { predictProba, trainModel, type TrainArrays } from '../src/models/train.js';

export interface ModelSpeed {
  readonly preset: string;
  readonly rnn: RnnImpl | 'torch';
  readonly backend: string;
  readonly trainPerS: number;
  readonly inferPerS: number;
}

/** The reference workload's channels: daily [20 x 16], minute [bars x 8]. */
function shapes(bars: number): InputShapes {
  return { daily: { steps: 20, features: 16 }, minute: { steps: bars, features: 8 } };
}

function randomArrays(n: number, seed: number, bars: number): TrainArrays {
  let s = seed >>> 0;
  const u = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const channels: TrainArrays['channels'] = Object.fromEntries(
    Object.entries(shapes(bars)).map(([name, s]) => [name, { data: Float32Array.from({ length: n * s.steps * s.features }, u), ...s }]),
  );
  return { n, channels, y: Int32Array.from({ length: n }, () => (u() > 0 ? 1 : 0)) };
}

const REPEATS = 3;

/**
 * Samples/s of one epoch of training and of inference over n samples, best of REPEATS after a
 * warm-up. Each channel is read at its last step (pool 'last', the reference workload and the
 * PyTorch peer's), whatever the preset's own pooling.
 */
export async function measure(preset: string, backend: BackendName, n: number, bars = 255, rnn: RnnImpl = 'stock'): Promise<ModelSpeed> {
  const info = await initBackend(backend);
  const spec = resolvePreset(preset, { units: 32, head: [32], dropout: 0, recurrentDropout: 0, rnn, pool: 'last' });
  const model = buildModel(spec, shapes(bars), 1);
  const data = randomArrays(n, 7, bars);
  const opts = { epochs: 1, batchSize: 64, learningRate: 1e-3, patience: 0, classWeights: 'none' as const, seed: 1 };
  const warmUp = Object.fromEntries(Object.entries(data.channels).map(([name, c]) => [name, { ...c, data: c.data.subarray(0, 64 * c.steps * c.features) }]));
  await trainModel(model, { n: 64, channels: warmUp, y: data.y.subarray(0, 64) }, opts);
  // This VM's speed swings from run to run: the best of a few repeats is the steadiest figure.
  let trainPerS = 0;
  let inferPerS = 0;
  for (let r = 0; r < REPEATS; r++) {
    let t = performance.now();
    await trainModel(model, data, opts);
    trainPerS = Math.max(trainPerS, n / ((performance.now() - t) / 1000));
    t = performance.now();
    predictProba(model, data, 64);
    inferPerS = Math.max(inferPerS, n / ((performance.now() - t) / 1000));
  }
  model.dispose();
  return { preset, rnn, backend: info.backend, trainPerS, inferPerS };
}

/** Runs every preset on every backend given; prints a table and returns the figures. */
export async function benchModels(backends: readonly BackendName[], n: number, print: (l: string) => void): Promise<ModelSpeed[]> {
  const out: ModelSpeed[] = [];
  for (const b of backends) {
    for (const preset of ['dual-lstm', 'dual-gru']) {
      for (const rnn of ['stock', 'fused'] as const) {
        try {
          out.push(await measure(preset, b, n, 255, rnn));
        } catch (e) {
          print(`models    ${preset} ${rnn} on ${b}: not available (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
          break;
        }
      }
    }
  }
  for (const r of out) {
    print(`models    ${r.preset.padEnd(9)} ${r.rnn.padEnd(5)} ${r.backend.padEnd(10)} train ${r.trainPerS.toFixed(0).padStart(5)} samples/s   inference ${r.inferPerS.toFixed(0).padStart(6)} samples/s   (batch 64)`);
  }
  for (const f of out.filter((r) => r.rnn === 'fused')) {
    const s = out.find((r) => r.rnn === 'stock' && r.preset === f.preset && r.backend === f.backend);
    if (s) print(`ratio     ${f.preset} on ${f.backend}, fused / stock: train ${(f.trainPerS / s.trainPerS).toFixed(1)}x, inference ${(f.inferPerS / s.inferPerS).toFixed(1)}x`);
  }
  tf.disposeVariables();
  return out;
}
